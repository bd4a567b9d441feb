"""The groups members are in now, as a picker's description and a poster read them."""

from __future__ import annotations

from datetime import datetime

from core.common.member_groups import Group, current_groups
from db.models import Community, Member, Membership


def _community(session, name, **fields) -> int:
    row = Community(name=name, platform="wechat", **fields)
    session.add(row)
    session.flush()
    return row.id


def _member(session, nickname, *places) -> int:
    """A member in each (community id, joined at, group nickname, left at) of `places`."""
    row = Member(nickname=nickname)
    session.add(row)
    session.flush()
    for community_id, joined_at, group_nickname, left_at in places:
        session.add(
            Membership(
                member_id=row.id,
                community_id=community_id,
                joined_at=joined_at,
                group_nickname=group_nickname,
                left_at=left_at,
            )
        )
    session.flush()
    return row.id


def test_the_groups_of_now_earliest_joined_first_unknown_join_times_last(database):
    with database.session() as session:
        run = _community(session, "晨跑群")
        read = _community(session, "读书会")
        bake = _community(session, "烘焙群")
        gone = _community(session, "旧群", deleted_at=datetime(2026, 2, 1))
        left = _community(session, "退出的群")
        a = _member(
            session,
            "张小凡",
            (bake, None, "", None),  # never-known join time: last, on SQLite too
            (read, datetime(2026, 3, 1), "", None),
            (run, datetime(2026, 1, 1), "小凡@晨跑", None),
            (gone, datetime(2025, 1, 1), "", None),  # the community is in the trash
            (left, datetime(2025, 6, 1), "", datetime(2026, 1, 2)),  # left it
        )
        b = _member(session, "Lily", (read, datetime(2026, 1, 5), None, None))
        nowhere = _member(session, "无群的人")
        found = current_groups(session, [a, b, nowhere, a])
        only_read = current_groups(session, [a, b], community_id=read)
    assert found == {
        a: [
            Group(run, "晨跑群", "小凡@晨跑"),
            Group(read, "读书会", ""),
            Group(bake, "烘焙群", ""),
        ],
        b: [Group(read, "读书会", "")],  # no 群昵称: ""
    }
    assert only_read == {a: [Group(read, "读书会", "")], b: [Group(read, "读书会", "")]}


def test_many_members_are_read_a_chunk_at_a_time(database):
    with database.session() as session:
        run = _community(session, "晨跑群")
        members = [Member(nickname=f"成员{n}") for n in range(1201)]
        session.add_all(members)
        session.flush()
        session.add_all(
            Membership(member_id=m.id, community_id=run, joined_at=datetime(2026, 1, 1))
            for m in members
        )
        session.flush()
        found = current_groups(session, [m.id for m in members])
    assert sorted(found) == sorted(m.id for m in members)
    assert all(groups == [Group(run, "晨跑群", "")] for groups in found.values())
