"""The 接龙 parser on pastes as operators copy them from WeChat groups, and on hostile input.

Each variant asserts exactly which people come out, with which numbers, and which date the title
names; `TODAY` anchors dates written without a year.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.activity.jielong import (
    MAX_LINES,
    MAX_NAME_CHARS,
    JielongEntry,
    match_keys_of,
    parse_jielong,
    parse_title_date,
)
from core.common.errors import UserError

TODAY = date(2026, 3, 7)  # a Saturday


def parse(text: str, today: date = TODAY):
    return parse_jielong(text, today=today)


def people(result) -> list[tuple[int | None, str]]:
    return [(entry.number, entry.name) for entry in result.entries]


def ignored(result) -> list[tuple[int, str]]:
    return [(line.line_no, line.kind) for line in result.ignored_lines]


# --- real-looking variants -----------------------------------------------------------------


def test_wechat_native_jielong_with_header_title_and_example():
    result = parse(
        "#接龙\n3月5日 早起打卡第12天\n例 张三 已打卡\n\n"
        "1. 张小凡 已打卡\n2. 🌸Lily🌸 打卡\n3. 老王（健身）已完成\n"
    )
    assert result.title == "3月5日 早起打卡第12天"
    assert result.date == date(2026, 3, 5)
    assert people(result) == [(1, "张小凡"), (2, "🌸Lily🌸"), (3, "老王（健身）")]
    assert [entry.note for entry in result.entries] == ["已打卡", "打卡", "已完成"]
    assert ignored(result) == [(1, "header"), (2, "title"), (3, "example")]
    assert result.duplicates == ()
    assert result.copies == 1


def test_full_width_digits_punctuation_and_ideographic_spaces():
    result = parse(
        "＃接龙　2026-03-05 读书打卡\n"
        "例：姓名＋页数\n"
        "１、张小凡　已读30页\n"
        "２．ＡＭＹ　打卡\n"
        "３，李雷：读完了\n"
        "１０、韩梅梅\n"
    )
    assert result.title == "2026-03-05 读书打卡"
    assert result.date == date(2026, 3, 5)
    assert people(result) == [(1, "张小凡"), (2, "ＡＭＹ"), (3, "李雷"), (10, "韩梅梅")]
    assert result.entries[0].note == "已读30页"
    assert result.entries[1].match_keys == ("amy",)
    assert result.entries[2].note == "读完了"


def test_bracketed_and_closing_paren_numbering_with_dotted_date():
    result = parse(
        "3.5 晚间复盘接龙\n\n(1) 王芳 完成\n（2）赵磊+1\n3）孙丽 到\n"
        "4) Kevin Zhang done\n【5】周杰\n"
    )
    assert result.date == date(2026, 3, 5)
    assert people(result) == [
        (1, "王芳"),
        (2, "赵磊"),
        (3, "孙丽"),
        (4, "Kevin Zhang"),
        (5, "周杰"),
    ]
    assert [entry.note for entry in result.entries] == ["完成", "+1", "到", "done", ""]


def test_circled_numbers_and_weekday_title():
    result = parse("周三 跳绳打卡\n①阿珍 1000个\n②大熊✅\n③ 小雨 打卡啦\n⑪ 十一号\n")
    assert result.date == date(2026, 3, 4)  # the Wednesday before Saturday 7 March
    assert people(result) == [(1, "阿珍"), (2, "大熊"), (3, "小雨"), (11, "十一号")]
    assert result.entries[1].note == "✅"


def test_zero_padded_numbers_and_day_counts():
    result = parse(
        "#接龙\n21天早起挑战 Day12\n\n01. 林小满 第12天\n02. Grace 第12天 5:40起\n"
        "03. 陈晨第11天\n09. 张伟 day12\n"
    )
    assert result.date is None
    assert people(result) == [(1, "林小满"), (2, "Grace"), (3, "陈晨"), (9, "张伟")]
    assert [entry.note for entry in result.entries] == [
        "第12天",
        "第12天 5:40起",
        "第11天",
        "day12",
    ]


def test_unnumbered_jielong_after_a_header():
    result = parse("接龙\n今天的运动打卡\n张小凡 已打卡\nLily 打卡\n老王 ✅\n")
    assert result.title == "今天的运动打卡"
    assert result.date == TODAY
    assert people(result) == [(None, "张小凡"), (None, "Lily"), (None, "老王")]


def test_unnumbered_list_without_header_or_title():
    result = parse("张小凡 已打卡\n李雷 打卡\n韩梅梅\n")
    assert result.title is None
    assert result.date is None
    assert people(result) == [(None, "张小凡"), (None, "李雷"), (None, "韩梅梅")]


def test_unnumbered_with_title_paragraph_then_names():
    result = parse("周日读书会签到\n地点：3楼会议室\n\n张小凡\n李雷 到了\n")
    assert result.title == "周日读书会签到"
    assert result.date == date(2026, 3, 1)
    assert people(result) == [(None, "张小凡"), (None, "李雷")]
    assert ignored(result) == [(1, "title"), (2, "description")]


def test_pasted_twice_second_copy_longer_is_merged():
    first = "#接龙\n3月6日 打卡\n\n1. 张小凡 已打卡\n2. 李雷 已打卡\n"
    second = (
        "#接龙\n3月6日 打卡\n\n1. 张小凡 已打卡\n2. 李雷 已打卡\n3. 韩梅梅 已打卡\n4. Lily 打卡\n"
    )
    result = parse(first + "\n" + second)
    assert result.copies == 2
    assert result.date == date(2026, 3, 6)
    assert people(result) == [(1, "张小凡"), (2, "李雷"), (3, "韩梅梅"), (4, "Lily")]
    assert result.duplicates == ()


def test_pasted_twice_without_header_restarts_at_one():
    result = parse("1. 张小凡\n2. 李雷\n1. 张小凡\n2. 李雷\n3. 韩梅梅\n")
    assert result.copies == 2
    assert people(result) == [(1, "张小凡"), (2, "李雷"), (3, "韩梅梅")]


def test_same_name_twice_in_one_copy_counts_once():
    result = parse("#接龙\n打卡\n1. 张小凡 已打卡\n2. 李雷\n3. 张小凡 补卡\n4. lily\n5. LILY\n")
    assert people(result) == [(1, "张小凡"), (2, "李雷"), (4, "lily")]
    assert result.duplicates == ("张小凡", "LILY")
    assert (5, "duplicate") in ignored(result) and (7, "duplicate") in ignored(result)


def test_nicknames_with_emoji_brackets_and_suffixes():
    result = parse(
        "#接龙\n宝妈群 3月1日 打卡\n"
        "1. 🌸Lily🌸 打卡\n"
        "2. 老王（健身）已完成\n"
        "3. 【团长】阿花 ✅\n"
        "4. 小美(3班)\n"
        "5. 🐱 喵喵 打卡\n"
        "6. 👩‍💻程序媛 完成\n"
        "7. 晴天(x) 打卡\n"
    )
    assert people(result) == [
        (1, "🌸Lily🌸"),
        (2, "老王（健身）"),
        (3, "【团长】阿花"),
        (4, "小美(3班)"),
        (5, "🐱"),
        (6, "👩‍💻程序媛"),
        (7, "晴天(x)"),
    ]
    keys = {entry.name: entry.match_keys for entry in result.entries}
    assert keys["🌸Lily🌸"] == ("🌸lily🌸", "lily")
    assert keys["老王（健身）"] == ("老王(健身)", "老王", "老王健身")
    assert keys["【团长】阿花"] == ("【团长】阿花", "阿花", "团长阿花")
    assert keys["晴天(x)"] == ("晴天(x)", "晴天", "晴天x")
    assert result.entries[4].note == "喵喵 打卡"


def test_deleted_names_and_status_only_lines_are_reported_not_counted():
    result = parse("接龙 跑步\n1. 张小凡 5公里\n2.\n3、\n4. 已打卡\n5 \n6. 李雷\n")
    assert people(result) == [(1, "张小凡"), (6, "李雷")]
    assert ignored(result) == [
        (1, "header"),
        (3, "number_only"),
        (4, "number_only"),
        (5, "no_name"),
        (6, "number_only"),
    ]
    assert result.title == "跑步"


def test_windows_line_endings_zero_width_nbsp_and_bidi_marks():
    text = (
        "#接龙\r\n3月5日\u00a0打卡\r\n\r\n"
        "1.\u00a0张\u200b小凡\u00a0已打卡\r\n"
        "2. \u200fLily\u200e 打卡\r\n"
        "3. \ufeff老王\u2060 ✅\r\n"
    )
    result = parse(text)
    assert result.title == "3月5日 打卡"
    assert people(result) == [(1, "张小凡"), (2, "Lily"), (3, "老王")]
    assert result.entries[0].line == "1. 张小凡 已打卡"


def test_keycap_hash_and_space_numbering():
    result = parse("#接龙\n周五团购 报名\n1️⃣ 张姐 2份\n2️⃣李哥\n#3 王阿姨 1份\n4 赵叔 +1\n")
    assert people(result) == [(1, "张姐"), (2, "李哥"), (3, "王阿姨"), (4, "赵叔")]
    assert [entry.note for entry in result.entries] == ["2份", "", "1份", "+1"]
    assert result.date == date(2026, 3, 6)


def test_comments_after_names_and_glued_bracketed_status():
    result = parse(
        "#接龙\n3/5 打卡\n"
        "1. 张小凡 今天跑了5公里，很开心\n"
        "2. Amy Chen 读完第三章\n"
        "3. 李雷（已打卡）\n"
        "4. 韩梅梅，已签到\n"
        "5. @小红 到\n"
    )
    assert people(result) == [
        (1, "张小凡"),
        (2, "Amy Chen"),
        (3, "李雷"),
        (4, "韩梅梅"),
        (5, "小红"),
    ]
    assert [entry.note for entry in result.entries] == [
        "今天跑了5公里，很开心",
        "读完第三章",
        "（已打卡）",
        "已签到",
        "到",
    ]


def test_description_unnumbered_line_inside_list_and_trailing_comment():
    result = parse(
        "#接龙\n3月5日 读书会\n时间：晚上8点\n\n"
        "1. 张小凡\n小红 打卡\n2. 李雷\n\n大家明天继续加油！\n"
    )
    assert people(result) == [(1, "张小凡"), (None, "小红"), (2, "李雷")]
    assert ignored(result) == [(1, "header"), (2, "title"), (3, "description"), (9, "after_list")]


def test_signup_jielong_with_head_counts():
    result = parse("#接龙\n周六羽毛球 报名\n例 张三 2人\n\n1. 李四 2人\n2. 王五 1人\n3. 赵六+1\n")
    assert people(result) == [(1, "李四"), (2, "王五"), (3, "赵六")]
    assert [entry.note for entry in result.entries] == ["2人", "1人", "+1"]
    assert result.date == date(2026, 3, 7)


def test_title_on_the_header_line_and_bulleted_names():
    result = parse("#接龙 周五早起打卡\n- 张三\n· 李四\n* 王五 ✅\n• 赵六\n")
    assert result.title == "周五早起打卡"
    assert result.date == date(2026, 3, 6)
    assert people(result) == [(None, "张三"), (None, "李四"), (None, "王五"), (None, "赵六")]
    assert ignored(result) == [(1, "header")]


def test_names_that_end_in_a_status_character_keep_it_when_short():
    result = parse("1. 周到\n2. 李四到\n3. 周杰伦\n4 周五\n")
    assert people(result) == [(1, "周到"), (2, "李四"), (3, "周杰伦"), (4, "周五")]


# --- dates in titles -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "today", "expected"),
    [
        ("3月5日 早起打卡", TODAY, date(2026, 3, 5)),
        ("03月05号打卡", TODAY, date(2026, 3, 5)),
        ("２０２６－０３－０５ 打卡", TODAY, date(2026, 3, 5)),
        ("2025年12月31日 跨年", TODAY, date(2025, 12, 31)),
        ("2026/3/1", TODAY, date(2026, 3, 1)),
        ("3.7 打卡", TODAY, date(2026, 3, 7)),
        ("3.8 打卡", TODAY, date(2025, 3, 8)),  # not yet this year: last year's
        ("12月30日", date(2026, 1, 2), date(2025, 12, 30)),
        ("2月29日", date(2027, 3, 1), date(2024, 2, 29)),
        ("周六", TODAY, date(2026, 3, 7)),
        ("星期日", TODAY, date(2026, 3, 1)),
        ("昨天的打卡", TODAY, date(2026, 3, 6)),
        ("跑步3.5公里", TODAY, None),
        ("13月40日", TODAY, None),
        ("2026-02-30", TODAY, None),
        ("早起打卡第12天", TODAY, None),
    ],
)
def test_title_dates(title, today, expected):
    assert parse_title_date(title, today) == expected


# --- keys for matching ---------------------------------------------------------------------


def test_match_keys_of_a_member_name_meet_the_entry_keys():
    entry = parse("1. 老王（健身） 打卡\n").entries[0]
    assert set(entry.match_keys) & set(match_keys_of("老王"))
    assert set(parse("1. Ｌｉｌｙ🌸\n").entries[0].match_keys) & set(match_keys_of("lily"))
    assert not set(entry.match_keys) & set(match_keys_of("老李"))


def test_pinyin_keys_use_the_name_without_brackets():
    entry = JielongEntry(1, "张小凡（瑜伽）", "", "1. 张小凡（瑜伽）")
    assert entry.pinyin_keys == ("zhangxiaofan", "zxf")


# --- hostile input -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\r\n\t\u3000\n", "\u200b\u200b\n\ufeff"])
def test_empty_paste_is_refused(text):
    with pytest.raises(UserError, match="没有找到接龙名单"):
        parse(text)


@pytest.mark.parametrize(
    "text", ["#接龙\n", "#接龙\n3月5日 早起打卡\n例 张三 已打卡\n", "1.\n2.\n3."]
)
def test_paste_without_names_is_refused_with_a_hint(text):
    with pytest.raises(UserError, match=r"没有找到接龙名单.*1\. 张三 已打卡"):
        parse(text)


def test_binary_junk_is_refused():
    junk = bytes(range(256)).decode("latin-1") * 20
    with pytest.raises(UserError, match="不是文字"):
        parse(junk)
    with pytest.raises(UserError, match="不是文字"):
        parse("1. 张三\x00\x00")
    with pytest.raises(UserError, match="不是文字"):
        parse(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x01garbage".decode("utf-8", "replace") * 50)


def test_more_than_one_megabyte_is_refused():
    line = "1. 张三 已打卡" + "啊" * 300 + "\n"
    text = "#接龙\n" + line * (1024 * 1024 // len(line.encode()) + 1)
    assert len(text.splitlines()) < MAX_LINES
    with pytest.raises(UserError, match=r"太长.*1 MB"):
        parse(text)


def test_more_than_the_line_limit_is_refused():
    text = "\n".join(f"{n}. 成员{n}" for n in range(1, MAX_LINES + 2))
    with pytest.raises(UserError, match=f"超过 {MAX_LINES} 行"):
        parse(text)


def test_a_long_but_allowed_paste_is_parsed():
    text = "#接龙\n3月5日 打卡\n" + "\n".join(f"{n}. 成员{n} 已打卡" for n in range(1, 2001)) + "\n"
    result = parse(text * 2)
    assert result.copies == 2
    assert len(result.entries) == 2000
    assert result.entries[-1] == JielongEntry(2000, "成员2000", "已打卡", "2000. 成员2000 已打卡")


@pytest.mark.parametrize("filler", ["啊" * 100_000, "a " * 50_000, "张三已打卡" * 20_000])
def test_a_line_of_100k_characters_is_reported_not_taken_as_a_name(filler):
    started = time.perf_counter()
    result = parse(f"#接龙\n打卡\n1. 李雷\n2. {filler}\n3. 韩梅梅\n")
    # Not a speed goal (it takes well under a second; 3 s on a loaded CI machine): a guard
    # against runaway regex backtracking, which on 100k characters takes hours, not seconds.
    assert time.perf_counter() - started < 60
    assert people(result)[0] == (1, "李雷")
    assert people(result)[-1] == (3, "韩梅梅")
    assert all(len(entry.name) <= MAX_NAME_CHARS for entry in result.entries)


def test_mixed_line_endings():
    result = parse("#接龙\r打卡\r\n1. 张三\n2. 李四\r3. 王五\u2028" + "4. 赵六\x85" + "5. 钱七\r\n")
    assert people(result) == [(1, "张三"), (2, "李四"), (3, "王五"), (4, "赵六"), (5, "钱七")]


def test_emoji_only_names():
    result = parse("1. 🌸🌸 打卡\n2. 🐶\n3. 😀😀😀 ✅\n")
    assert people(result) == [(1, "🌸🌸"), (2, "🐶"), (3, "😀😀😀")]
    assert result.entries[0].match_keys == ("🌸🌸",)


def test_rtl_marks_and_overrides_are_removed_from_names():
    result = parse("1. \u202e张三\u202c 打卡\n2. \u200f\u061cLily\u2067\u2069\n")
    assert people(result) == [(1, "张三"), (2, "Lily")]


# --- properties ----------------------------------------------------------------------------


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_only_ever_raises_user_error(text):
    try:
        result = parse(text)
    except UserError as error:
        assert error.message
        return
    assert result.entries
    for entry in result.entries:
        assert entry.name and entry.name == entry.name.strip()
        assert len(entry.name) <= MAX_NAME_CHARS
        assert entry.name in entry.line
        assert all(char in text for char in entry.name if char != " ")


_NAME_CHARS = "张王李赵刘小明红芳伟丽静娜敏Lilyamk🌸🐱"
_STYLES = [
    "{n}. ",
    "{n}、",
    "{n}，",
    "({n}) ",
    "{n}）",
    "{n:02d}. ",
    "{n} ",
    "{full}．",
    "{circled}",
]
_NOTES = ["", " 已打卡", " 打卡", "+1", " ✅", "已完成", " 第3天", " 今天跑了5公里"]
_names = st.text(alphabet=_NAME_CHARS, min_size=1, max_size=6).filter(
    lambda name: name.casefold() not in {"ok", "yes", "day", "done"}
)


@settings(max_examples=200)
@given(
    names=st.lists(_names, min_size=1, max_size=20, unique_by=lambda name: name.casefold()),
    style=st.sampled_from(_STYLES),
    notes=st.lists(st.sampled_from(_NOTES), min_size=20, max_size=20),
    header=st.booleans(),
)
def test_generated_jielong_gives_back_its_names(names, style, notes, header):
    lines = ["#接龙", "3月5日 打卡", "例 张三 已打卡", ""] if header else []
    for n, (name, note) in enumerate(zip(names, notes, strict=False), 1):
        full = "".join(chr(ord(d) + 0xFEE0) for d in str(n))
        prefix = style.format(n=n, full=full, circled=chr(0x2460 + n - 1))
        lines.append(f"{prefix}{name}{note}")
    result = parse("\r\n".join(lines))
    assert people(result) == [(n, name) for n, name in enumerate(names, 1)]
    assert result.date == (date(2026, 3, 5) if header else None)
