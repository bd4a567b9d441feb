"""Formats told by content (not name), folders of many chats, WeChat's system wordings, and
hostile files: each refused with one line, or its bad lines reported with number and reason."""

from __future__ import annotations

import shutil
import tracemalloc
from datetime import datetime

import pytest

from core.chat import model as m
from core.chat.detect import open_chats
from core.chat.system import SystemReader
from core.chat.textfile import Limits
from core.common.errors import UserError
from tests.core.chat import chat_helpers as h

WHEN = datetime(2025, 3, 1, 9, 0, tzinfo=m.SHANGHAI)


# ------------------------------------------------------------------------------ detection


def test_each_format_is_told_by_content_whatever_its_name(tmp_path):
    made = {
        "wechatmsg_csv": h.WECHATMSG,
        "pywxdump_csv": h.PYWXDUMP,
        "pywxdump_json": h.write_pywxdump_json(tmp_path / "p"),
        "chatlog_json": h.write_chatlog_json(tmp_path / "c.json"),
        "chatlog_csv": h.write_chatlog_csv(tmp_path / "c.csv"),
        "weflow_json": h.write_weflow_json(tmp_path / "w.json"),
        "copy_mac": h.write_copy_mac(tmp_path / "mac.txt"),
        "copy_windows": h.COPY_WINDOWS,
        "wecom_jsonl": h.WECOM,
    }
    for expected, path in made.items():
        renamed = tmp_path / "renamed" / expected / "export.dat.bak"
        renamed.parent.mkdir(parents=True)
        shutil.copy(path, renamed)
        found = open_chats(renamed, day=datetime(2025, 3, 20).date())
        assert [c.chat.format for c in found.chats] == [expected], expected


def test_a_folder_with_a_whole_export_yields_each_chat(tmp_path):
    folder = tmp_path / "exports"
    shutil.copytree(h.SAMPLES / "wechatmsg_v2.0.5", folder / "wechatmsg")
    shutil.copytree(h.SAMPLES / "pywxdump_v3.1.45", folder / "pywxdump")
    h.write_pywxdump_json(folder / "pywxdump_json_twin")
    h.write_chatlog_json(folder / "chatlog.json")
    (folder / "wechatmsg" / "data" / "图片.jpg").write_bytes(b"\xff\xd8\xff\xe0jpeg")
    (folder / "notes.txt").write_text("今天进货两箱黄油\n", encoding="utf-8")
    found = open_chats(folder)
    assert sorted(c.chat.format for c in found.chats) == [
        "chatlog_json", "pywxdump_csv", "wechatmsg_csv",
    ]  # fmt: skip
    skipped = {path.name: reason for path, reason in found.skipped}
    assert "不是能识别的聊天记录" in skipped["notes.txt"]
    assert "重复" in skipped["45890067890@chatroom_0_141.json"]
    assert any("1 个图片" in reason for reason in skipped.values())


def test_pywxdump_pages_of_one_chat_are_one_chat_in_order(tmp_path):
    folder = tmp_path / "export" / h.ME / "csv" / h.GROUP2
    folder.mkdir(parents=True)
    lines = h.PYWXDUMP.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    # rows are records of one line except quotes and links: cut at a record boundary
    cut = next(i for i in range(60, len(rows)) if rows[i][0].isdigit() and rows[i].count(",") >= 8)
    (folder / f"{h.GROUP2}_5000_10001.csv").write_text(
        header + "".join(rows[cut:]), encoding="utf-8"
    )
    (folder / f"{h.GROUP2}_0_5001.csv").write_text(header + "".join(rows[:cut]), encoding="utf-8")
    shutil.copy(h.PYWXDUMP_DIR / "users.json", folder)
    [export] = open_chats(tmp_path).chats
    assert [p.name for p in export.files] == [
        f"{h.GROUP2}_0_5001.csv",
        f"{h.GROUP2}_5000_10001.csv",
    ]
    stream = list(export.events())
    assert h.per_sender(stream) == h.truth()["group2"]["messages_per_sender"]
    times = [e.time for e in stream]
    assert times == sorted(times)


# ------------------------------------------------------------------------------ system messages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"张三"邀请"李四、王五"加入了群聊',
            [("张三", "李四", "invite"), ("张三", "王五", "invite")],
        ),
        ('你邀请"李四"加入了群聊  撤销', [("我", "李四", "invite")]),
        ('" 抹茶拿铁"通过扫描"Lily"分享的二维码加入群聊', [("Lily", "抹茶拿铁", "qr")]),
        ('"李四"通过扫描你分享的二维码加入群聊', [("我", "李四", "qr")]),
        ('"李四"通过"张三"的邀请二维码加入群聊', [("张三", "李四", "qr")]),
        ('"张三"邀请你加入了群聊，群聊参与人还有：A、B', [("张三", "我", "invite")]),
        ('"张三"邀请你和"李四"加入了群聊', [("张三", "我", "invite"), ("张三", "李四", "invite")]),
        ('"李四"加入了群聊', [(None, "李四", "unknown")]),
    ],
)
def test_join_wordings(text, expected):
    events = SystemReader().read(text, WHEN, 1)
    assert [
        (e.inviter.label if e.inviter else None, e.invitee.label, e.how) for e in events
    ] == expected


def test_4x_names_carry_wxids_even_with_brackets_in_the_nickname():
    reader = SystemReader(with_ids=True)
    [one, two] = reader.read(
        '"小王(wxid_a1b2c3)"邀请"Lily(三年级家长)(wxid_lily01)、团团(tuantuan88)"加入了群聊',
        WHEN,
        1,
    )
    assert (one.inviter.wxid, one.invitee.wxid, one.invitee.nickname) == (
        "wxid_a1b2c3", "wxid_lily01", "Lily(三年级家长)",
    )  # fmt: skip
    assert (two.invitee.wxid, two.invitee.nickname) == ("tuantuan88", "团团")
    # without ids (PC 3.x), brackets stay part of the name
    [plain] = SystemReader().read('"小王"邀请"Lily(Sunday1)"加入了群聊', WHEN, 1)
    assert (plain.invitee.wxid, plain.invitee.nickname) == (None, "Lily(Sunday1)")


def test_removals_renames_recalls_and_pats():
    reader = SystemReader()
    [removed] = reader.read('你将"微商小赵、广告哥"移出了群聊', WHEN, 1)[:1]
    assert (removed.removed.label, removed.by.is_self) == ("微商小赵", True)
    [me_out] = reader.read('你被"群主"移出群聊', WHEN, 2)
    assert (me_out.removed.is_self, me_out.by.label) == (True, "群主")
    [first] = reader.read('"烘焙小王"修改群名为“烘焙1群”', WHEN, 3)
    [second] = reader.read("你修改群名为“烘焙福利1群”", WHEN, 4)
    assert (first.old_name, first.new_name) == (None, "烘焙1群")
    assert (second.old_name, second.new_name, second.by.is_self) == ("烘焙1群", "烘焙福利1群", True)
    mine = '<revokemsg><![CDATA[你撤回了一条消息 <a href="weixin://revoke_edit_click">重新编辑</a>]]></revokemsg>'
    assert reader.read(mine, WHEN, 5)[0].by.is_self
    [pat] = reader.read('"${wxid_a}" 拍了拍 "${wxid_b}" 的肩膀', WHEN, 6)
    assert (pat.by.wxid, pat.target.wxid) == ("wxid_a", "wxid_b")
    [note] = reader.read("群公告：周六团购", WHEN, 7)
    assert isinstance(note, m.Notice) and note.reason is None


# ------------------------------------------------------------------------------ hostile files


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "PNG"),
        (b"SQLite format 3\x00" + b"\x00" * 4000, "SQLite"),
        (bytes(range(256)) * 200, "不是"),
        (b"", "空"),
        (b"\xef\xbb\xbf\r\n  \n", "空"),
        ("随便写的一段话，没有格式\n第二行\n".encode(), "不是能识别的聊天记录"),
    ],
)
def test_non_exports_are_refused_in_one_line(tmp_path, content, reason):
    path = tmp_path / "聊天记录.csv"
    path.write_bytes(content)
    with pytest.raises(UserError, match=reason) as caught:
        open_chats(path)
    assert "\n" not in caught.value.message


def test_a_missing_file_and_a_huge_file_are_refused(tmp_path):
    with pytest.raises(UserError, match="找不到"):
        open_chats(tmp_path / "nope.csv")
    with pytest.raises(UserError, match="上限"):
        open_chats(h.WECHATMSG, limits=Limits(max_file_bytes=10_000))


def test_an_empty_folder_says_it_is_empty(tmp_path):
    """Not a sentence ending in a colon with nothing after it."""
    folder = tmp_path / "聊天记录"
    folder.mkdir()
    (folder / ".DS_Store").write_bytes(b"x")  # hidden files are not looked at
    with pytest.raises(UserError) as caught:
        open_chats(folder)
    assert caught.value.message == "文件夹「聊天记录」里没有能识别的聊天记录：没有可以读取的文件"


def test_truncated_json_is_refused_when_reached(tmp_path):
    whole = h.write_chatlog_json(tmp_path / "whole.json").read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(whole[: len(whole) // 2])
    [export] = open_chats(path).chats
    with pytest.raises(UserError, match="不完整"):
        list(export.events())
    cut_in_a_character = tmp_path / "cut2.json"
    cut_in_a_character.write_bytes(whole[: whole.index("蛋".encode()) + 1])
    with pytest.raises(UserError, match="不完整"):
        list(open_chats(cut_in_a_character).chats[0].events())


@pytest.mark.parametrize(
    ("replace", "reason"),
    [
        (
            '"type":1,',
            '"type":NaN,',
        ),
        ('"type":1,', '"type":1 1,'),
    ],
)
def test_json_that_is_not_plain_data_is_refused(tmp_path, replace, reason):
    text = h.write_chatlog_json(tmp_path / "c.json").read_text(encoding="utf-8")
    path = tmp_path / "bad.json"
    path.write_text(text.replace(replace, reason, 1), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        list(open_chats(path).chats[0].events())
    assert "JSON" in caught.value.message


def test_deep_json_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('[{"seq":1,"talker":"x","isChatRoom":true,"senderName":"a","contents":'
                    + "[" * 5000 + "]" * 5000 + "}]", encoding="utf-8")  # fmt: skip
    with pytest.raises(UserError, match="嵌套过深"):
        list(open_chats(path).chats[0].events())


def test_a_10_mb_cell_is_reported_by_line_and_the_rest_read(tmp_path):
    lines = h.WECHATMSG.read_bytes().split(b"\r\n")
    huge = b'19999,3,1,0,0,1740790000,3,"' + b"x" * (10 * 1024 * 1024) + b'",2025-03-01,a,a,wxid_x'
    path = tmp_path / "huge_cell.csv"
    path.write_bytes(b"\r\n".join([*lines[:3], huge, *lines[3:]]))
    stream = list(open_chats(path).chats[0].events())
    [bad] = [e for e in stream if isinstance(e, m.Unreadable)]
    assert bad.line == 4 and "MB" in bad.reason
    assert len(h.messages(stream)) == h.truth()["group1"]["sent_messages"]


def test_a_10_mb_cell_over_many_lines_is_reported_too(tmp_path):
    lines = h.WECHATMSG.read_bytes().split(b"\r\n")
    huge = b'19999,3,1,0,0,1740790000,3,"' + b"yyyy\n" * (2 * 1024 * 1024) + b'",2025,a,a,wxid_x'
    path = tmp_path / "huge_cell_lines.csv"
    path.write_bytes(b"\r\n".join([*lines[:3], huge, *lines[3:]]))
    stream = list(open_chats(path).chats[0].events())
    [bad] = [e for e in stream if isinstance(e, m.Unreadable)]
    assert bad.line == 4 and "KB" in bad.reason
    assert len(h.messages(stream)) == h.truth()["group1"]["sent_messages"]


def test_a_gbk_saved_export_reads_the_same(tmp_path):
    text = h.WECHATMSG.read_text(encoding="utf-8-sig")
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gb18030"))
    stream = list(open_chats(path).chats[0].events())
    original = list(open_chats(h.WECHATMSG).chats[0].events())
    assert stream == original


def test_a_line_in_another_encoding_is_reported_not_dropped(tmp_path):
    lines = h.WECHATMSG.read_bytes().split(b"\r\n")
    row = "18236,3,1,0,0,1740785662,3,乱码一行,2025-03-01 07:34:22,张三,张三,wxid_x".encode("gbk")
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\r\n".join([*lines[:2], row, *lines[2:]]))
    stream = list(open_chats(path).chats[0].events())
    [bad] = [e for e in stream if isinstance(e, m.Unreadable)]
    assert bad.line == 3 and "编码" in bad.reason
    assert len(h.messages(stream)) == h.truth()["group1"]["sent_messages"]


def test_broken_csv_rows_are_reported_with_their_lines(tmp_path):
    lines = h.WECHATMSG.read_bytes().split(b"\r\n")
    path = tmp_path / "broken.csv"
    path.write_bytes(
        b"\r\n".join([*lines[:2], b"1,2,3", b"18236,3,1,0,0,notatime,3,x,t,a,a,wxid_x", *lines[2:]])
    )
    stream = list(open_chats(path).chats[0].events())
    bad = [(e.line, e.reason) for e in stream if isinstance(e, m.Unreadable)]
    assert [line for line, _ in bad] == [3, 4]
    assert "3 列" in bad[0][1] and "时间" in bad[1][1]


def test_a_big_export_streams_in_bounded_memory(tmp_path):
    """50,000 messages (6 MB) read while keeping none: the reader holds a line, not the file."""
    path = tmp_path / "big.csv"
    header = h.WECHATMSG.read_text(encoding="utf-8-sig").splitlines()[0]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(header + "\r\n")
        for i in range(50_000):
            handle.write(
                f"{i},3,1,0,0,{1700000000 + i * 60},3,今天的面包很好吃 {i},2023-11-15 06:13:20,"
                f"会员{i % 500},会员{i % 500},wxid_member{i % 500}\r\n"
            )
    [export] = open_chats(path).chats
    tracemalloc.start()
    count = sum(1 for e in export.events() if isinstance(e, m.Message))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 50_000
    assert peak < 2 * 1024 * 1024, peak
