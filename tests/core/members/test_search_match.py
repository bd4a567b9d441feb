"""Why a member is in the search results: the field that holds the text, shown per row."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from core.members.editing import add_members_to_community, create_member, refresh_search_keys
from core.members.query import MemberFilter, find_member_ids
from core.members.search_match import match_notes
from db.models import Community, Member, Membership


@pytest.fixture
def people(database):
    with database.session() as session:
        bakery = Community(name="麦香烘焙福利1群", platform="wechat")
        session.add(bakery)
        session.flush()
        ids = {
            "wang": create_member(session, "王小二", phone="13800000016"),
            "xiaowang": create_member(session, "小王同学"),
            "li": create_member(session, "李四", remark="小王的妈妈"),
            "zhao": create_member(session, "赵六", wechat_id="xiaowang_88"),
            "sun": create_member(session, "孙七", remark="周晓"),
        }
        add_members_to_community(session, [ids["wang"], ids["sun"]], bakery.id)
        session.execute(
            update(Membership)
            .where(Membership.member_id == ids["wang"])
            .values(group_nickname="小王")
        )
        refresh_search_keys(session, session.get(Member, ids["wang"]))
    return database, ids


def notes_for(database, text: str) -> dict[int, str]:
    """What the search finds, and the note of each row (the way the table asks: one page)."""
    with database.session() as session:
        ids = find_member_ids(session, MemberFilter(text=text))
        notes = match_notes(session, ids, text)
    return {member_id: notes.get(member_id) for member_id in ids}


def test_each_row_says_which_field_matched(people):
    database, ids = people
    found = notes_for(database, "小王")
    assert found == {
        ids["wang"]: "群昵称：小王",
        ids["xiaowang"]: None,  # the nickname itself: nothing to explain
        ids["li"]: "备注名：小王的妈妈",
    }
    assert notes_for(database, "XIAOWANG_8") == {ids["zhao"]: "微信号：xiaowang_88"}
    assert notes_for(database, "0016") == {ids["wang"]: "手机尾号：0016"}
    assert notes_for(database, "zhouxiao") == {ids["sun"]: "备注名（拼音）：周晓"}
    assert notes_for(database, "wxe") == {ids["wang"]: None}  # the nickname's initials
    assert notes_for(database, "xiaowang") == {
        ids["wang"]: "群昵称（拼音）：小王",
        ids["xiaowang"]: None,
        ids["li"]: "备注名（拼音）：小王的妈妈",
        ids["zhao"]: "微信号：xiaowang_88",
    }


def test_only_the_asked_rows_are_worked_out(people):
    database, ids = people
    with database.session() as session:
        assert match_notes(session, [ids["li"]], "小王") == {ids["li"]: "备注名：小王的妈妈"}
        assert match_notes(session, [], "小王") == {}
        assert match_notes(session, [ids["li"]], "  ") == {}
