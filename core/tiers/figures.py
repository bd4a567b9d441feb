"""Each member's figures per community, aggregated in SQL: the inputs of every level decision.

One GROUP BY over the activity table gives, per (member, community), the windowed and
all-time counts the ladder's criteria test. Events recorded without a community (a purchase
from a shop export) count in every community the member is in. Team members and merged-away
members are left out, as they are from every statistic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, select, union_all
from sqlalchemy.orm import Session

from core.common.dates import as_datetime, day_of
from core.ledger.balances import qualifying_points_since
from db.models import ActivityEvent, Membership

_COUNTED = {"messages": "message", "invites": "invite", "purchases": "purchase"}
_ALL = frozenset(("active_days", "checkins", "points", *_COUNTED))
# (metrics in the rolling window, all-time metrics) a caller needs.
Wanted = tuple[frozenset[str], frozenset[str]]
ALL_WANTED: Wanted = (_ALL, _ALL)


@dataclass
class Figures:
    """What a member did in one community: in the rolling window and all time."""

    window: dict[str, int] = field(default_factory=dict)
    all_time: dict[str, int] = field(default_factory=dict)
    last_active_at: datetime | None = None

    def get(self, metric: str, all_time: bool = False) -> int:
        return (self.all_time if all_time else self.window).get(metric, 0)


def _events_with_community():
    events = ActivityEvent.__table__
    return select(
        events.c.member_id, events.c.community_id, events.c.kind, events.c.occurred_at
    ).where(events.c.community_id.is_not(None))


def _events_spread(member_ids: list[int], until: datetime | None):
    """The events of these members, those without a community counted in each of theirs."""
    events = ActivityEvent.__table__
    memberships = Membership.__table__
    shared = (
        select(events.c.member_id, memberships.c.community_id, events.c.kind, events.c.occurred_at)
        .join(memberships, memberships.c.member_id == events.c.member_id)
        .where(events.c.community_id.is_(None), events.c.member_id.in_(member_ids))
    )
    own = _events_with_community().where(events.c.member_id.in_(member_ids))
    if until is not None:
        shared = shared.where(events.c.occurred_at <= until)
        own = own.where(events.c.occurred_at <= until)
    return union_all(own, shared)


def figures_query(source, since: datetime, dialect: str, wanted: Wanted = ALL_WANTED):
    """The aggregation over `source` (member_id, community_id, kind, occurred_at) as one SELECT.

    Only the figures some ladder tests are computed: each distinct-day count costs SQLite a
    temporary B-tree per group, so leaving out unused ones is most of the speed.
    """
    e = source.subquery("e")
    in_window = e.c.occurred_at >= since
    # Every kind but a violation is activity (ACTIVE_KINDS; the kinds are fixed by a CHECK
    # constraint). One comparison per row instead of a nine-value IN: ~1 s at 2.3 M events.
    active = e.c.kind != "violation"
    day = day_of(e.c.occurred_at, dialect)
    conditions = {
        "active_days": active,
        "checkins": e.c.kind == "checkin",
        **{metric: e.c.kind == kind for metric, kind in _COUNTED.items()},
    }

    def aggregate(metric: str, condition):
        if metric in _COUNTED:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
        return func.count(func.distinct(case((condition, day))))

    columns = [
        e.c.member_id,
        e.c.community_id,
        func.max(case((active, e.c.occurred_at))).label("last_active_at"),
    ]
    for scope, metrics in zip(("w", "a"), wanted, strict=True):
        for metric in sorted(metrics & conditions.keys()):
            condition = conditions[metric]
            if scope == "w":
                condition = and_(condition, in_window)
            columns.append(aggregate(metric, condition).label(f"{scope}_{metric}"))
    return select(*columns).group_by(e.c.member_id, e.c.community_id)


def _read(session: Session, query, result: dict[tuple[int, int], Figures]) -> None:
    rows = session.execute(query)
    names = list(rows.keys())[3:]  # windowed metrics first, then all-time (figures_query)
    split = sum(name.startswith("w_") for name in names)
    window_names = [name[2:] for name in names[:split]]
    all_time_names = [name[2:] for name in names[split:]]
    for row in rows:
        result[(row[0], row[1])] = Figures(
            dict(zip(window_names, row[3 : 3 + split], strict=True)),
            dict(zip(all_time_names, row[3 + split :], strict=True)),
            as_datetime(row[2]),
        )


def load_figures(
    session: Session,
    since: datetime,
    member_ids: Iterable[int] | None = None,
    wanted: Wanted = ALL_WANTED,
    until: datetime | None = None,
) -> dict[tuple[int, int], Figures]:
    """Figures keyed by (member_id, community_id), for members who did anything at all.

    Only events up to `until` count (the moment levels are computed for: a recalculation
    "as of" an earlier day must not see what happened after it).

    `wanted` is (windowed metrics, all-time metrics) to compute. The common case reads the
    covering index in (member, community) order with no sort. The few members with
    community-less events are then aggregated again with those events spread over their
    communities, so active days stay distinct days.
    """
    dialect = session.get_bind().dialect.name
    events = ActivityEvent.__table__
    ids = None if member_ids is None else list(member_ids)
    base = _events_with_community()
    spread_ids = select(events.c.member_id).distinct().where(events.c.community_id.is_(None))
    if ids is not None:
        base = base.where(events.c.member_id.in_(ids))
        spread_ids = spread_ids.where(events.c.member_id.in_(ids))
    if until is not None:
        base = base.where(events.c.occurred_at <= until)
    result: dict[tuple[int, int], Figures] = {}
    _read(session, figures_query(base, since, dialect, wanted), result)
    spread = list(session.scalars(spread_ids))
    for start in range(0, len(spread), 5000):
        source = _events_spread(spread[start : start + 5000], until)
        query = figures_query(source, since, dialect, wanted)
        _read(session, query, result)
    return result


def load_points(
    session: Session,
    since: datetime,
    member_ids: Iterable[int] | None,
    wanted: Wanted,
    now: datetime | None = None,
) -> tuple[dict[int, int], dict[int, int]]:
    """Qualifying points from the ledger per member: (in the window, all time), as wanted.

    Points belong to the member, not to one community: each of their communities sees them.
    """

    ids = None if member_ids is None else list(member_ids)
    result: list[dict[int, int]] = []
    for scope_since, metrics in ((since, wanted[0]), (datetime(1900, 1, 1), wanted[1])):
        points: dict[int, int] = {}
        if "points" in metrics:
            query = qualifying_points_since(scope_since, now=now).subquery()
            select_points = select(query.c.member_id, query.c.points)
            if ids is not None:
                select_points = select_points.where(query.c.member_id.in_(ids))
            points = {m: int(p or 0) for m, p in session.execute(select_points)}
        result.append(points)
    return result[0], result[1]


def with_points(figures: Figures, member_id: int, points: tuple[dict, dict]) -> Figures:
    """The figures with the member's points added (a new object; the input is shared)."""
    window, all_time = points
    if member_id not in window and member_id not in all_time:
        return figures
    return Figures(
        {**figures.window, "points": window.get(member_id, 0)},
        {**figures.all_time, "points": all_time.get(member_id, 0)},
        figures.last_active_at,
    )
