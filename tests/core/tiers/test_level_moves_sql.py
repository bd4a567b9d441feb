"""level_moves reads the level at a moment in SQL; it must agree with the timelines it replaced
(Timeline.value_at over changed_timelines, unchanged memberships grouped), kept here as the
reference, on a fixture with every awkward case: ties at one moment, a first change without a
`from`, changes before, inside and after the month, joins and leaves around its edges,
members who never joined on record, team and merged members, two communities."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import select

from core.tiers.flow import month_bounds
from core.tiers.history import _memberships, changed_timelines, level_moves
from db.models import LevelChange, Member, Membership
from tests.core.tiers.helpers import community

LEVELS = ("newcomer", "participant", "active", "core")


def reference_moves(session, start, end, community_id=None) -> Counter:
    """The old algorithm: unchanged memberships by their current level, changed ones through
    their timelines."""
    last = end - datetime.resolution
    moves: Counter = Counter()
    has_changes = (
        select(LevelChange.id)
        .where(
            LevelChange.member_id == Membership.member_id,
            LevelChange.community_id == Membership.community_id,
        )
        .exists()
    )
    rows = session.execute(
        _memberships(
            community_id, "level", Membership.level, Membership.joined_at, Membership.left_at
        ).where(~has_changes)
    )
    for level, joined_at, left_at in rows:
        joined = joined_at is not None and joined_at >= start

        def present(moment, joined_at=joined_at, left_at=left_at):
            return (joined_at is None or joined_at <= moment) and (
                left_at is None or left_at > moment
            )

        moves[(level if present(start) else None, level if present(last) else None, joined)] += 1
    for line in changed_timelines(session, "level", community_id):
        moves[
            (
                line.value_at(start) if line.present_at(start) else None,
                line.value_at(last) if line.present_at(last) else None,
                line.joined_at is not None and line.joined_at >= start,
            )
        ] += 1
    return moves


def sql_moves(session, start, end, community_id=None) -> Counter:
    moves: Counter = Counter()
    for move in level_moves(session, start, end, community_id):
        moves[(move.before, move.after, move.joined_in_period)] += move.count
    return moves


def populate(session) -> list[int]:
    """Two communities, 120 memberships with varied histories (deterministic)."""
    groups = [community(session, "读书会"), community(session, "跑步群")]
    base = datetime(2026, 11, 1)
    for n in range(120):
        cid = groups[n % 2]
        person = Member(nickname=f"成员{n}", is_team=n % 29 == 0)
        session.add(person)
        session.flush()
        if n % 31 == 0:
            person.merged_into_id = person.id - 1 if person.id > 1 else None
        joined = None if n % 17 == 0 else base + timedelta(days=(n * 7) % 90 - 60, hours=n % 5)
        left = None
        if n % 4 == 0:
            left = base + timedelta(days=(n * 3) % 50 - 20)
        if n % 23 == 0:
            left = base  # exactly at the month's start
        if n % 37 == 0:
            joined = base  # exactly at the month's start
        session.add(
            Membership(
                member_id=person.id,
                community_id=cid,
                joined_at=joined,
                left_at=left,
                level=LEVELS[n % 4],
            )
        )
        changes = n % 5  # 0–4 changes
        for k in range(changes):
            when = base + timedelta(days=(n * 11 + k * 13) % 80 - 45, hours=k)
            if n % 7 == 0 and k == 1:  # a tie with the change before it
                when = base + timedelta(days=(n * 11) % 80 - 45)
            if n % 13 == 0 and k == 0:
                when = base  # exactly at the start
            session.add(
                LevelChange(
                    member_id=person.id,
                    community_id=cid,
                    from_level=None if (k == 0 and n % 3 == 0) else LEVELS[(n + k) % 4],
                    to_level=LEVELS[(n + k + 1) % 4],
                    changed_at=when,
                    cause="promote",
                )
            )
    session.flush()
    return groups


def test_level_moves_in_sql_agree_with_the_timelines(database):
    with database.session() as session:
        groups = populate(session)
        for month in (date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)):
            start, end = month_bounds(month)
            for cid in (None, *groups):
                expected = reference_moves(session, start, end, cid)
                assert sql_moves(session, start, end, cid) == expected, (month, cid)
        # The fixture exercises what it claims to.
        start, end = month_bounds(date(2026, 11, 1))
        moves = reference_moves(session, start, end)
        assert any(b is not None and a is not None and b != a for b, a, _ in moves)
        assert any(b is not None and a is None for b, a, _ in moves)
        assert any(b is None and a is not None and joined for b, a, joined in moves)
