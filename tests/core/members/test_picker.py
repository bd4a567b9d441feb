"""The member picker (core.members.picker): what a search box's text finds, told apart from
namesakes, on SQLite and PostgreSQL."""

from __future__ import annotations

from core.members.editing import create_member
from core.members.picker import choices_of, member_choices
from db.models import Member


def test_the_text_finds_members_as_the_members_tab_does(database):
    with database.session() as session:
        fan = create_member(session, "张小凡", remark="老客", phone="13800138000")
        other = create_member(session, "张小帆")
        create_member(session, "李四")
        merged = create_member(session, "张小凡")
        session.flush()
        session.get(Member, merged).merged_into_id = fan  # hidden from every list
        session.flush()
        found = {choice.id: choice for choice in member_choices(session, "张小")}
        assert set(found) == {fan, other}
        choice = found[fan]
        assert (choice.nickname, choice.remark, choice.phone_tail) == ("张小凡", "老客", "8000")
        assert "张小凡" in choice.description
        assert member_choices(session, "   ") == []
        assert len(member_choices(session, "张", limit=1)) == 1


def test_choices_keep_the_callers_order(database):
    with database.session() as session:
        first, second = create_member(session, "甲"), create_member(session, "乙")
        session.flush()
        assert [c.id for c in choices_of(session, [second, 999_999, first])] == [second, first]
        assert choices_of(session, []) == []
