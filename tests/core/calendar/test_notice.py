"""The State Council's holiday notice parser, on the real notices of 2014–2026.

Each real notice must agree with chinesecalendar day by day (a day off or a working day, and
which weekend days are worked), except where the government changed the year's schedule after
the notice: 2019's 劳动节 (a second notice in March 2019) and 2020's longer 春节 (COVID-19).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calendar.holidays import differences, holiday_year
from core.calendar.notice import MAX_CHARS, parse_notice
from core.common.errors import UserError

NOTICES = Path(__file__).parent / "notices"

# Days a later notice changed (tests/core/calendar/notices/SOURCES.md).
CHANGED_LATER = {
    "2019.txt": ["2019-04-28", "2019-05-02", "2019-05-03", "2019-05-05"],
    "2020.txt": ["2020-01-31", "2020-02-01"],
}
REAL = sorted(p.name for p in NOTICES.glob("20*.txt"))


def notice(name: str) -> str:
    return (NOTICES / name).read_text(encoding="utf-8")


def refusal(text: str, **kwargs) -> str:
    with pytest.raises(UserError) as raised:
        parse_notice(text, **kwargs)
    message = raised.value.message
    assert "\n" not in message
    return message


def test_every_real_notice_is_kept_as_a_fixture():
    assert {"2025.txt", "2026.txt", "2024.txt", "2019.txt", "2014.txt", "2017.txt"} <= set(REAL)


@pytest.mark.parametrize("name", REAL)
def test_real_notices_agree_with_chinesecalendar_day_by_day(name):
    parsed = parse_notice(notice(name))
    assert parsed.year == int(name[:4])
    known = holiday_year(parsed.year)
    assert known.status == "library"
    found = [day.isoformat() for day in differences(parsed, known)]
    assert found == CHANGED_LATER.get(name, [])
    assert set(parsed.festivals) == {
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
    }


def _days(*spans: tuple[str, str]) -> set[date]:
    result = set()
    for first, last in spans:
        day, end = date.fromisoformat(first), date.fromisoformat(last)
        while day <= end:
            result.add(day)
            day = date.fromordinal(day.toordinal() + 1)
    return result


def test_2026_exactly_as_published():
    parsed = parse_notice(notice("2026.txt"))
    assert set(parsed.holidays) == _days(
        ("2026-01-01", "2026-01-03"),
        ("2026-02-15", "2026-02-23"),
        ("2026-04-04", "2026-04-06"),
        ("2026-05-01", "2026-05-05"),
        ("2026-06-19", "2026-06-21"),
        ("2026-09-25", "2026-09-27"),
        ("2026-10-01", "2026-10-07"),
    )
    assert {d.isoformat(): n for d, n in parsed.workdays.items()} == {
        "2026-01-04": "元旦",
        "2026-02-14": "春节",
        "2026-02-28": "春节",
        "2026-05-09": "劳动节",
        "2026-09-20": "国庆节",
        "2026-10-10": "国庆节",
    }
    assert parsed.holidays[date(2026, 2, 15)] == "春节"


def test_2025_exactly_as_published_with_two_festivals_in_one_item():
    parsed = parse_notice(notice("2025.txt"))
    assert set(parsed.holidays) == _days(
        ("2025-01-01", "2025-01-01"),
        ("2025-01-28", "2025-02-04"),
        ("2025-04-04", "2025-04-06"),
        ("2025-05-01", "2025-05-05"),
        ("2025-05-31", "2025-06-02"),
        ("2025-10-01", "2025-10-08"),
    )
    assert [d.isoformat() for d in parsed.workdays] == [
        "2025-01-26",
        "2025-02-08",
        "2025-04-27",
        "2025-09-28",
        "2025-10-11",
    ]
    assert parsed.holidays[date(2025, 10, 6)] == "国庆节、中秋节"


def test_older_wordings():
    # 2023: a range across years; 2019: a make-up day in the year before.
    assert date(2022, 12, 31) in parse_notice(notice("2023.txt")).holidays
    y2019 = parse_notice(notice("2019.txt"))
    assert date(2018, 12, 30) in y2019.holidays and date(2018, 12, 29) in y2019.workdays
    # 2014 and 2017: 补休 is a day off.
    assert date(2014, 4, 7) in parse_notice(notice("2014.txt")).holidays
    assert date(2017, 1, 2) in parse_notice(notice("2017.txt")).holidays
    # 2024: 除夕（2月9日） is a remark, not a day off; 星期 for 周.
    y2024 = parse_notice(notice("2024.txt"))
    assert date(2024, 2, 9) not in y2024.holidays and date(2024, 2, 4) in y2024.workdays


def test_traditional_characters_and_a_web_page_around_the_notice():
    assert parse_notice(notice("2024-traditional.txt")) == parse_notice(notice("2024.txt"))
    assert parse_notice(notice("2026-webpage.txt")) == parse_notice(notice("2026.txt"))


def test_a_made_up_notice_of_a_year_the_library_does_not_know():
    parsed = parse_notice(notice("made-up-2027.txt"), expected_year=2027)
    assert parsed.year == 2027 and len(parsed.workdays) == 4
    assert date(2027, 2, 5) in parsed.holidays  # 除夕


def test_cross_month_range_without_years():
    text = notice("2026.txt").replace(
        "1月1日（周四）至3日（周六）", "12月31日（周三）至1月3日（周六）"
    )
    text = text.replace("共3天。1月4日", "共4天。1月4日")
    parsed = parse_notice(text)
    assert parsed.holidays[date(2025, 12, 31)] == "元旦"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "空的"),
        ("   \n\t ", "空的"),
        ("今天天气很好，群里发个红包吧。" * 20, "不是国务院办公厅的放假通知"),
        ("国务院办公厅关于2026年部分节假日安排的通知\n各省、自治区：", "找不到“一、元旦"),
        ("x" * (MAX_CHARS + 1), "太长"),
    ],
)
def test_refusals_of_what_is_not_a_notice(text, says):
    assert says in refusal(text)


def test_ten_megabytes_are_refused_before_any_parsing():
    assert "太长" in refusal(notice("2026.txt") * 10_000)


def test_a_notice_of_another_year():
    assert (
        refusal(notice("2025.txt"), expected_year=2027) == "这是 2025 年的放假通知，不是 2027 年的"
    )


def test_a_notice_whose_year_was_changed_does_not_fit_its_weekdays():
    text = notice("2026.txt").replace("2026", "2027")
    assert "对不上" in refusal(text)


def test_title_and_body_naming_different_years():
    text = notice("2026.txt").replace("现将2026年", "现将2025年")
    assert "不是同一年" in refusal(text)


def test_half_a_notice():
    text = notice("2026.txt")
    says = refusal(text[: text.index("五、端午节")])
    assert "不完整" in says and "端午节、中秋节、国庆节" in says


def test_a_notice_cut_inside_its_last_item():
    text = notice("2026.txt")
    assert "没有写完" in refusal(text[: text.index("10月10日")])


def test_every_cut_of_a_notice_is_refused_or_whole():
    text = notice("2026.txt")
    whole = parse_notice(text)
    end_of_items = text.index("鼓励单位和个人")
    for cut in range(0, len(text), 7):
        try:
            parsed = parse_notice(text[:cut])
        except UserError as error:
            assert "\n" not in error.message
        else:
            assert cut >= end_of_items - 3 and parsed == whole


def test_a_day_count_that_does_not_add_up():
    text = notice("2026.txt").replace("共9天", "共8天")
    assert "共 8 天" in refusal(text)


def test_a_date_that_does_not_exist():
    text = notice("2026.txt").replace("2月28日（周六）", "2月30日（周六）")
    assert "不存在的日期" in refusal(text)


def test_a_day_both_off_and_worked():
    text = notice("2026.txt").replace("1月4日（周日）上班", "1月3日（周六）上班")
    assert "既放假又上班" in refusal(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_random_text_never_crashes(text):
    try:
        parse_notice(text)
    except UserError as error:
        assert "\n" not in error.message


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_a_notice_with_random_text_spliced_in_never_crashes(data):
    text = notice("2025.txt")
    at = data.draw(st.integers(0, len(text)))
    noise = data.draw(st.text(max_size=30))
    try:
        parse_notice(text[:at] + noise + text[at:])
    except UserError as error:
        assert "\n" not in error.message
