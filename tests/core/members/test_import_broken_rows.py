"""Rows that must not be read as data are rejected with their reason, and the rest of the file
imports: a quote that never closes or swallows the rows after it, JSON values of the wrong
type, invisible control characters. Nothing they hold is ever stored as a name."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.members.importing import REJECTED
from db.models import Community, Member
from tests.core.members.importing_helpers import import_file, plan_file, table_counts


def nicknames(database) -> set[str]:
    with database.session() as session:
        return set(session.scalars(select(Member.nickname)))


def community_names(database) -> set[str]:
    with database.session() as session:
        return set(session.scalars(select(Community.name)))


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----- CSV quotes

UNTERMINATED = "昵称,手机号\n引号甲,13800002701\n" + '"引号乙,13800002702\n引号丙,13800002703\n'
CLOSES_LATER = (
    "昵称,手机号\n引号甲,13800002701\n"
    + '"引号乙,13800002702\n引号丙,13800002703\n引号丁",13800002704\n'
    + "引号戊,13800002705\n"
)
LAST_LINE = "昵称,手机号\n引号甲,13800002701\n" + '"引号乙,13800002702'
TAB_SEPARATED = (
    "昵称\t手机号\t微信号\n甲\t13800002701\twx1\n" + '"乙\t13800002702\twx2\n丙\t13800002703\twx3\n'
)

QUOTE_CASES = {
    # file text, rejected row, what the reason says, the nicknames that import
    "unterminated (the issue's file)": (
        UNTERMINATED,
        3,
        "第 3 行的引号没有闭合，后面第 4 行",
        {"引号甲"},
    ),
    "closes three lines later": (
        CLOSES_LATER,
        3,
        "把后面第 4–5 行（连同分隔符和手机号）吞进了这一格",
        {"引号甲", "引号戊"},
    ),
    "opened on the last line": (LAST_LINE, 3, "这一行的内容都挤进了一格", {"引号甲"}),
    "tab separated": (TAB_SEPARATED, 3, "第 3 行的引号没有闭合", {"甲"}),
}


@pytest.mark.parametrize("case", sorted(QUOTE_CASES))
def test_a_quote_that_swallows_rows_is_a_rejected_row(database, tmp_path, case):
    text, row, reason, imported = QUOTE_CASES[case]
    path = write(tmp_path, "名单.csv", text)
    before = table_counts(database)
    plan = plan_file(database, path)
    assert table_counts(database) == before  # the preview writes nothing
    (rejected,) = plan.rejected_rows
    assert rejected.row == row and reason in rejected.reason
    (issue,) = [i for i in plan.issues if i.rejected]
    assert issue.row == row and issue.field == "昵称" and reason in issue.reason
    assert "\n" not in issue.value  # shown on one line in the preview
    import_file(database, path)
    assert nicknames(database) == imported


def test_a_quoted_cell_may_hold_line_breaks(sqlite_database, tmp_path):
    path = write(
        tmp_path,
        "地址.csv",
        "昵称,手机号,地址,备注\n"
        '张三,13800000001,"北京市朝阳区\n某某路 1 号","你好，\n明天见, 谢谢"\n'
        '"李""四""",13800000002,上海,\n',
    )
    plan, _ = import_file(sqlite_database, path)
    assert plan.counts.added == 2 and plan.counts.rejected == 0
    with sqlite_database.session() as session:
        members = {m.nickname: m for m in session.scalars(select(Member))}
    assert set(members) == {"张三", '李"四"'}
    assert members["张三"].remark == "你好，\n明天见, 谢谢"


def test_a_quote_lost_in_the_header_refuses_the_file(sqlite_database, tmp_path):
    from core.common.errors import UserError

    path = write(tmp_path, "坏表头.csv", '昵称,"手机号\n小麦,13800000001\n')
    with pytest.raises(UserError, match="表格「坏表头」第 1 行的引号没有闭合"):
        plan_file(sqlite_database, path)


def test_the_activity_import_rejects_the_swallowed_rows_too(sqlite_database, tmp_path):
    from core.activity.importing import plan_activity_import

    path = write(
        tmp_path,
        "签到.csv",
        "昵称,行为,日期\n小麦,签到,2026-03-01\n" + '"大麦,签到,2026-03-01\n青稞,签到,2026-03-02\n',
    )
    with sqlite_database.session() as session:
        plan = plan_activity_import(session, path)
    reasons = {row.row: row.reason for row in plan.rejected}
    assert "第 3 行的引号没有闭合，后面第 4 行" in reasons[3]
    assert all("青稞" not in str(event) for event in plan.events)


# ----- JSON values of the wrong type


def groupchat(members: list, name: object = "烘焙福利群") -> dict:
    return {
        "errcode": 0,
        "group_chat": {
            "chat_id": "wrOgQhDgAA1",
            "name": name,
            "owner": "zhangsan",
            "member_list": members,
        },
    }


def member(userid: str, **fields) -> dict:
    return {
        "userid": userid,
        "type": 2,
        "unionid": f"u_{userid}",
        "name": userid,
        "join_time": 1700000000,
        "join_scene": 1,
        **fields,
    }


WRONG_TYPES = {
    "name that is an object": ({"name": {"a": 1}}, "「member_list[].name」应为文字，这里是对象"),
    "name that is a list": ({"name": ["张", "三"]}, "「member_list[].name」应为文字，这里是列表"),
    "name that is a number": ({"name": 5}, "「member_list[].name」应为文字，这里是数字"),
    "userid that is true": ({"userid": True}, "「member_list[].userid」应为文字，这里是真假值"),
    "unionid that is a number": ({"unionid": 12345}, "「member_list[].unionid」应为文字"),
    "join_time that is an object": ({"join_time": {"t": 1}}, "「member_list[].join_time」应为数字"),
    "type that is a list": ({"type": [1]}, "「member_list[].type」应为数字，这里是列表"),
    "invitor that is text": ({"invitor": "lisi"}, "「member_list[].invitor」应为对象，这里是文字"),
    "invitor userid a number": ({"invitor": {"userid": 7}}, "「member_list[].invitor.userid」"),
    "group_nickname an object": ({"group_nickname": {}}, "「member_list[].group_nickname」"),
}


@pytest.mark.parametrize("case", sorted(WRONG_TYPES))
def test_a_json_value_of_the_wrong_type_rejects_its_row(database, tmp_path, case):
    fields, reason = WRONG_TYPES[case]
    data = groupchat([member("wm_good"), {**member("wm_bad"), **fields}])
    path = write(tmp_path, "groupchat.json", json.dumps(data, ensure_ascii=False))
    plan, _ = import_file(database, path)
    (rejected,) = plan.rejected_rows
    assert rejected.row == 2 and reason in rejected.reason
    assert nicknames(database) == {"wm_good"}
    assert community_names(database) == {"烘焙福利群"}


def test_a_member_that_is_no_object_is_a_rejected_row(sqlite_database, tmp_path):
    data = groupchat([member("wm_good"), "wm_text", 7])
    path = write(tmp_path, "groupchat.json", json.dumps(data))
    plan, _ = import_file(sqlite_database, path)
    assert [(r.row, r.status) for r in plan.rejected_rows] == [(2, REJECTED), (3, REJECTED)]
    assert "「member_list[]」应为对象，这里是文字" in plan.rejected_rows[0].reason


@pytest.mark.parametrize("name", [5, {"a": 1}, ["群"], True])
def test_a_group_whose_name_is_no_text_takes_nobody(database, tmp_path, name):
    path = write(tmp_path, "groupchat.json", json.dumps(groupchat([member("wm1")], name)))
    before = table_counts(database)
    plan, _ = import_file(database, path)
    assert plan.counts.rejected == 1 and plan.counts.added == 0
    assert "「group_chat.name」应为文字" in plan.rejected_rows[0].reason
    assert plan.communities == []
    assert community_names(database) == set() and nicknames(database) == set()
    assert table_counts(database)["members"] == before["members"]


CUSTOMER_TYPES = {
    "contact that is a list": (
        {"external_contact": ["x"], "follow_info": {}},
        "「external_contact」应为对象，这里是列表",
    ),
    "follow_info that is text": (
        {"external_contact": {"external_userid": "wm2", "name": "乙"}, "follow_info": "x"},
        "「follow_info」应为对象，这里是文字",
    ),
    "remark_mobiles an object": (
        {
            "external_contact": {"external_userid": "wm2", "name": "乙"},
            "follow_info": {"remark_mobiles": {"a": "13800000002"}},
        },
        "「follow_info.remark_mobiles」应为文字列表，这里是对象",
    ),
    "gender as a list": (
        {
            "external_contact": {"external_userid": "wm2", "name": "乙", "gender": [1]},
            "follow_info": {},
        },
        "「external_contact.gender」应为数字",
    ),
}


@pytest.mark.parametrize("case", sorted(CUSTOMER_TYPES))
def test_a_customer_value_of_the_wrong_type_rejects_its_row(sqlite_database, tmp_path, case):
    item, reason = CUSTOMER_TYPES[case]
    good = {"external_contact": {"external_userid": "wm1", "name": "甲"}, "follow_info": {}}
    data = {"errcode": 0, "external_contact_list": [good, item]}
    path = write(tmp_path, "customers.json", json.dumps(data, ensure_ascii=False))
    plan, _ = import_file(sqlite_database, path)
    (rejected,) = plan.rejected_rows
    assert rejected.row == 2 and reason in rejected.reason
    assert nicknames(sqlite_database) == {"甲"}


@pytest.mark.parametrize("follow_user", ["x", 5, {"userid": "a"}, [None]])
def test_a_follow_user_of_the_wrong_shape_is_no_traceback(sqlite_database, tmp_path, follow_user):
    data = {
        "errcode": 0,
        "external_contact": {"external_userid": "wm1", "name": "甲"},
        "follow_user": follow_user,
    }
    path = write(tmp_path, "contact.json", json.dumps(data))
    plan = plan_file(sqlite_database, path)
    assert plan.counts.rejected == 1 and "「follow_user" in plan.rejected_rows[0].reason


# ----- control characters


def test_control_characters_are_removed_from_text_and_refuse_an_identifier(database, tmp_path):
    rows = "".join(f"会员{i},139{i:08d},wx{i}\n" for i in range(200))  # a file of ordinary size
    path = write(
        tmp_path,
        "控制字符.csv",
        "昵称,手机号,微信号\n甲\x1b[31m红\x07,13800000001,wx_jia\n乙,13800000002,wx\x08yi\n" + rows,
    )
    plan, _ = import_file(database, path)
    assert [r.row for r in plan.rejected_rows] == [3]
    assert "微信号里有看不见的控制字符" in plan.rejected_rows[0].reason
    warning = next(i for i in plan.issues if i.row == 2)
    assert warning.field == "昵称" and "控制字符" in warning.reason and not warning.rejected
    stored = nicknames(database)
    assert "甲[31m红" in stored and not any("\x1b" in n or "\x07" in n for n in stored)


def test_a_short_list_with_one_escape_laden_name_is_not_taken_for_a_binary_file(database, tmp_path):
    """Three control characters in a two-row list are a name to clean, not binary content."""
    text = "昵称,手机号\n花\x1b[2J\x07🌸,13800002709\n小麦,13800002710\n"
    path = write(tmp_path, "短名单.csv", text)
    plan, _ = import_file(database, path)
    assert plan.counts.rejected == 0
    assert any(i.row == 2 and "控制字符" in i.reason for i in plan.issues)
    assert {"花[2J🌸", "小麦"} <= set(nicknames(database))
