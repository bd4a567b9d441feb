"""Level flow per month, role structure over time with its warnings, role suggestions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from core.communities.roles import change_roles
from core.tiers.flow import JOINED, level_flow
from core.tiers.recompute import recompute_levels
from core.tiers.role_suggestions import accept_suggestions, suggest_roles
from core.tiers.structure import role_structure
from db.models import Membership, RoleChange
from tests.core.tiers.helpers import community, events, member

NOW = datetime(2026, 11, 23, 20, 0)


def crowd(session, cid, count, prefix="路人", joined_days_ago=200):
    return [
        member(session, cid, f"{prefix}{n}", joined_days_ago=joined_days_ago) for n in range(count)
    ]


def test_level_flow_counts_up_held_down_left_and_joined(database):
    with database.session() as session:
        cid = community(session)
        quiet = crowd(session, cid, 55)
        riser, faller, leaver = quiet[0], quiet[1], quiet[2]
        # October: the faller reaches 参与者; November: the riser does, the faller drops.
        events(session, faller, cid, "message", [140, 141, 142])
        recompute_levels(session, now=datetime(2026, 10, 10))
        recompute_levels(session, now=datetime(2026, 11, 20))  # 3 days fell out of the window
        events(session, riser, cid, "message", [10, 11, 12])
        recompute_levels(session, now=datetime(2026, 11, 21))
        session.execute(
            update(Membership)
            .where(Membership.member_id == leaver)
            .values(left_at=datetime(2026, 11, 5))
        )
        newcomer = member(session, cid, "新来的", joined_days_ago=5)
        events(session, newcomer, cid, "checkin", [1, 2, 3])
        recompute_levels(session, [newcomer], now=NOW)
        flow = level_flow(session, date(2026, 11, 1), cid)
    rows = {row.level: row for row in flow.rows}
    assert (rows["newcomer"].start, rows["newcomer"].up, rows["newcomer"].left) == (54, 1, 1)
    assert (rows["participant"].start, rows["participant"].down) == (1, 1)
    assert rows[JOINED].start == 1 and rows[JOINED].reached == {"participant": 1}


def test_role_structure_over_time_and_its_warnings(database):
    with database.session() as session:
        cid = community(session)
        people = crowd(session, cid, 30)
        change_roles(session, cid, people[:10], "leader", now=datetime(2026, 7, 15))
        change_roles(session, cid, people[:8], "follower", now=datetime(2026, 10, 15))
        change_roles(session, cid, people[20:21], "manager", now=datetime(2026, 7, 1))
        structure = role_structure(session, cid, months=6, now=NOW)
    by_month = {m.month: m for m in structure.months}
    assert by_month[date(2026, 6, 1)].roles["leader"] == 0
    assert by_month[date(2026, 8, 1)].roles["leader"] == 10
    assert by_month[date(2026, 11, 1)].roles["leader"] == 2
    assert by_month[date(2026, 11, 1)].total == 30
    assert "领导者在减少：三个月前 10 人，现在 2 人" in structure.warnings
    assert any("没有连接者" in w for w in structure.warnings)
    assert not any("没有管理者" in w for w in structure.warnings)


def test_small_communities_get_no_structure_warnings(database):
    with database.session() as session:
        cid = community(session)
        crowd(session, cid, 5)
        assert role_structure(session, cid, now=NOW).warnings == []


def test_roles_are_suggested_with_evidence_and_accepted_with_history(database):
    with database.session() as session:
        cid = community(session)
        writer, inviter, manager, team = (
            member(session, cid, "写手"),
            member(session, cid, "拉新王"),
            member(session, cid, "群管"),
            member(session, cid, "店长", is_team=True),
        )
        change_roles(session, cid, [manager], "manager")
        events(session, writer, cid, "good_post", [1, 2, 3])
        events(session, writer, cid, "answer", [4, 5])
        events(session, inviter, cid, "invite", [1, 2])
        events(session, manager, cid, "good_post", range(1, 9))
        events(session, team, cid, "good_post", range(1, 9))
        first = suggest_roles(session, cid, now=NOW)
        events(session, inviter, cid, "invite", [3])
        second = suggest_roles(session, cid, now=NOW)
        accepted = accept_suggestions(session, cid, second, operator="店长")
        history = session.execute(
            select(RoleChange.member_id, RoleChange.to_role, RoleChange.reason)
            .where(RoleChange.reason.like("采纳建议%"))
            .order_by(RoleChange.member_id)
        ).all()
    assert [(s.member_id, s.suggested) for s in first] == [(writer, "leader")]
    assert first[0].evidence == "优质内容 3 次、回答问题 2 次（近 100 天）"
    assert {(s.member_id, s.suggested) for s in second} == {
        (writer, "leader"),
        (inviter, "connector"),
    }
    assert accepted == 2
    assert [(m, r) for m, r, _ in history] == [(writer, "leader"), (inviter, "connector")]


def test_team_members_count_as_managers_but_are_not_ranked(database):
    with database.session() as session:
        cid = community(session)
        crowd(session, cid, 25)
        owner = member(session, cid, "店长", is_team=True)
        change_roles(session, cid, [owner], "manager", now=NOW - timedelta(days=1))
        structure = role_structure(session, cid, now=NOW)
    now = structure.months[-1]
    assert now.roles["manager"] == 1 and now.total == 26
    assert sum(now.levels.values()) == 25  # the owner has no level
    assert not any("没有管理者" in w for w in structure.warnings)
