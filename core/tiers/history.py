"""What a membership's level and role were at an earlier moment, from the change history.

Each level or role change is kept (from, to, when). The value at time T is the `to` of the
last change at or before T; before the first change it was that change's `from`; with no
changes at all it is the current value. This is what the level-flow matrix and the
role-structure chart read, so both show the past as it was, not as it is now.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from core.members.statistics import stats_members_condition
from db.models import LevelChange, Member, Membership, RoleChange


@dataclass
class Timeline:
    """One membership: when it began and ended, and its changes of one attribute."""

    member_id: int
    community_id: int
    joined_at: datetime | None
    left_at: datetime | None
    current: str
    times: list[datetime]
    values: list[tuple[str | None, str]]  # (from, to) per change, in time order

    def present_at(self, moment: datetime) -> bool:
        joined = self.joined_at is None or self.joined_at <= moment
        return joined and (self.left_at is None or self.left_at > moment)

    def value_at(self, moment: datetime) -> str:
        if not self.times:
            return self.current
        index = bisect.bisect_right(self.times, moment)
        if index == 0:
            first_from = self.values[0][0]
            return first_from if first_from is not None else self.current
        return self.values[index - 1][1]


def _columns(attribute: str):
    if attribute == "level":
        return LevelChange, LevelChange.from_level, LevelChange.to_level, Membership.level
    if attribute == "role":
        return RoleChange, RoleChange.from_role, RoleChange.to_role, Membership.role
    raise ValueError(attribute)


def _has_changes(change):
    return exists().where(
        change.member_id == Membership.member_id, change.community_id == Membership.community_id
    )


def _memberships(community_id: int | None, attribute: str, *columns):
    """Current and past memberships of listed members. Levels leave team members out (they
    are not ranked); roles keep them: the owner and staff are often the 管理者."""
    condition = (
        stats_members_condition() if attribute == "level" else Member.merged_into_id.is_(None)
    )
    query = select(*columns).join(Member, Member.id == Membership.member_id).where(condition)
    if community_id is not None:
        query = query.where(Membership.community_id == community_id)
    return query


def changed_timelines(
    session: Session, attribute: str, community_id: int | None = None
) -> list[Timeline]:
    """The memberships that have any history of this attribute, with it.

    Memberships that never changed are counted in SQL by the callers: at 100000 members
    they are most of the rows, and building a Python object for each costs seconds.
    """
    change, from_col, to_col, current_col = _columns(attribute)
    changes_query = select(
        change.member_id, change.community_id, change.changed_at, from_col, to_col
    ).order_by(change.changed_at, change.id)
    if community_id is not None:
        changes_query = changes_query.where(change.community_id == community_id)
    history: dict[tuple[int, int], tuple[list, list]] = defaultdict(lambda: ([], []))
    for member_id, cid, when, old, new in session.execute(changes_query):
        times, values = history[(member_id, cid)]
        times.append(when)
        values.append((old, new))
    query = _memberships(
        community_id,
        attribute,
        Membership.member_id,
        Membership.community_id,
        Membership.joined_at,
        Membership.left_at,
        current_col,
    ).where(_has_changes(change))
    return [
        Timeline(member_id, cid, joined_at, left_at, current, *history[(member_id, cid)])
        for member_id, cid, joined_at, left_at, current in session.execute(query)
    ]


def _present(moment: datetime):
    return and_(
        or_(Membership.joined_at.is_(None), Membership.joined_at <= moment),
        or_(Membership.left_at.is_(None), Membership.left_at > moment),
    )


def counts_at(
    session: Session, attribute: str, moments: list[datetime], community_id: int | None = None
) -> list[dict[str, int]]:
    """For each moment: how many memberships present then had each value."""
    change, _from, _to, current_col = _columns(attribute)
    # One pass over the unchanged memberships, one SUM per moment.
    sums = [func.sum(case((_present(moment), 1), else_=0)) for moment in moments]
    unchanged = (
        _memberships(community_id, attribute, current_col, *sums)
        .where(~_has_changes(change))
        .group_by(current_col)
    )
    result: list[dict[str, int]] = [defaultdict(int) for _ in moments]
    for value, *counts in session.execute(unchanged):
        for index, count in enumerate(counts):
            if count:
                result[index][value] += int(count)
    for line in changed_timelines(session, attribute, community_id):
        for index, moment in enumerate(moments):
            if line.present_at(moment):
                result[index][line.value_at(moment)] += 1
    return [dict(counts) for counts in result]


@dataclass
class LevelMove:
    """A membership across a period: its level at the start and end, and presence."""

    before: str | None  # None: not present at the start
    after: str | None  # None: not present at the end
    joined_in_period: bool
    count: int = 1


def _levels_at(moments: dict[str, datetime], community_id: int | None):
    """Per membership with changes, in one pass over the changes in (time, id) order — the
    order the timelines keep: for each named moment the `to` of the last change at or before
    it (the one whose successor, if any, comes after the moment), and the `from` of the first
    change ("first")."""
    change = LevelChange
    window = {
        "partition_by": (change.member_id, change.community_id),
        "order_by": (change.changed_at, change.id),
    }
    ordered = select(
        change.member_id,
        change.community_id,
        change.from_level,
        change.to_level,
        change.changed_at,
        func.row_number().over(**window).label("n"),
        func.lead(change.changed_at).over(**window).label("next_at"),
    )
    if community_id is not None:
        ordered = ordered.where(change.community_id == community_id)
    ordered = ordered.subquery("ordered")

    def last_at(moment: datetime):
        is_last = and_(
            ordered.c.changed_at <= moment,
            or_(ordered.c.next_at.is_(None), ordered.c.next_at > moment),
        )
        return func.max(case((is_last, ordered.c.to_level), else_=None))

    return (
        select(
            ordered.c.member_id,
            ordered.c.community_id,
            func.max(case((ordered.c.n == 1, ordered.c.from_level), else_=None)).label("first"),
            *(last_at(moment).label(name) for name, moment in moments.items()),
        )
        .group_by(ordered.c.member_id, ordered.c.community_id)
        .subquery("levels")
    )


def level_moves(
    session: Session, start: datetime, end: datetime, community_id: int | None = None
) -> list[LevelMove]:
    """Every membership's move over [start, end), grouped in SQL: one query returns a row per
    (level at the start, level at the end, joined in the period), with the level at a moment
    read as Timeline.value_at does (the last change's `to`, else the first change's `from`,
    else the current level) — at 100000 members a Python object per changed membership
    cost seconds."""
    last = end - datetime.resolution
    found = _levels_at({"at_start": start, "at_end": last}, community_id)

    def level(column):
        return func.coalesce(column, found.c.first, Membership.level)

    joined = and_(Membership.joined_at.is_not(None), Membership.joined_at >= start)
    per_membership = (
        _memberships(
            community_id,
            "level",
            case((_present(start), level(found.c.at_start)), else_=None).label("before"),
            case((_present(last), level(found.c.at_end)), else_=None).label("after"),
            case((joined, 1), else_=0).label("joined"),
        )
        .outerjoin(
            found,
            and_(
                found.c.member_id == Membership.member_id,
                found.c.community_id == Membership.community_id,
            ),
        )
        .subquery("moves")
    )
    grouped = select(
        per_membership.c.before, per_membership.c.after, per_membership.c.joined, func.count()
    ).group_by(per_membership.c.before, per_membership.c.after, per_membership.c.joined)
    return [
        LevelMove(before, after, bool(joined_now), count)
        for before, after, joined_now, count in session.execute(grouped)
    ]
