"""Memberships (stays) and activity as every figure of the report reads them: loaded once per
report, team and merged-away members and trashed communities left out (the statistics rule
of core.members.statistics), so the KPIs, the health table and the cohorts agree.

A stay is one membership: joined_at (None: before records began), left_at (None: still in).
Joins and leaves count stays (a person joining two groups is two joins); members count people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.activity.kinds import ACTIVE_KINDS
from core.common.dates import as_datetime, day_of
from core.members.statistics import stats_members_condition
from db.models import ActivityEvent, Community, Member, Membership

# Kinds in which a member says something: the warnings' "interaction" (members who posted).
POST_KINDS = ("message", "reply", "good_post", "answer")


@dataclass(slots=True)
class Stay:
    member_id: int
    community_id: int
    joined_at: datetime | None
    left_at: datetime | None
    role: str
    level: str

    def present_at(self, moment: datetime) -> bool:
        """In the group at `moment` (joined before it, not yet left)."""
        return (self.joined_at is None or self.joined_at < moment) and (
            self.left_at is None or self.left_at >= moment
        )

    def joined_between(self, start: datetime, end: datetime) -> bool:
        return self.joined_at is not None and start <= self.joined_at < end

    def left_between(self, start: datetime, end: datetime) -> bool:
        return self.left_at is not None and start <= self.left_at < end


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    created_on: object  # date


def load_groups(session: Session, community_id: int | None = None) -> list[Group]:
    query = (
        select(Community.id, Community.name, Community.created_on)
        .where(Community.deleted_at.is_(None))
        .order_by(Community.id)
    )
    if community_id is not None:
        query = query.where(Community.id == community_id)
    return [Group(*row) for row in session.execute(query)]


def load_stays(session: Session, community_id: int | None = None) -> list[Stay]:
    query = (
        select(
            Membership.member_id,
            Membership.community_id,
            Membership.joined_at,
            Membership.left_at,
            Membership.role,
            Membership.level,
        )
        .join(Member, Member.id == Membership.member_id)
        .join(Community, Community.id == Membership.community_id)
        .where(stats_members_condition(), Community.deleted_at.is_(None))
    )
    if community_id is not None:
        query = query.where(Membership.community_id == community_id)
    return [
        Stay(m, c, as_datetime(joined), as_datetime(left), role, level)
        for m, c, joined, left, role, level in session.execute(query)
    ]


class Activity:
    """Who was active (and who posted) on each day, read in ONE pass over the events of the
    whole span the report looks at (a scan per window took seconds each at 2.3 M events);
    any window of whole days inside the span is then put together from the days."""

    def __init__(
        self,
        session: Session,
        community_id: int | None = None,
        span: tuple[datetime, datetime] | None = None,
    ) -> None:
        self.session = session
        self.community_id = community_id
        self._days: dict[date, dict[tuple[int, int | None], bool]] | None = None
        self._span = span
        self._windows: dict[tuple[datetime, datetime], dict[tuple[int, int | None], bool]] = {}

    def _read_days(self, start: datetime, end: datetime) -> dict:
        events = ActivityEvent.__table__
        dialect = self.session.get_bind().dialect.name
        day = day_of(events.c.occurred_at, dialect)
        posted = func.max(case((events.c.kind.in_(POST_KINDS), 1), else_=0))
        query = (
            select(events.c.member_id, events.c.community_id, day, posted)
            .where(
                events.c.occurred_at >= start,
                events.c.occurred_at < end,
                events.c.kind.in_(ACTIVE_KINDS),
            )
            .group_by(events.c.member_id, events.c.community_id, day)
        )
        if self.community_id is not None:
            query = query.where(events.c.community_id == self.community_id)
        days: dict[date, dict[tuple[int, int | None], bool]] = {}
        parsed: dict[object, date] = {}
        for member, community, on, did_post in self.session.execute(query):
            when = parsed.get(on)
            if when is None:
                when = parsed[on] = on if isinstance(on, date) else date.fromisoformat(str(on))
            days.setdefault(when, {})[(member, community)] = bool(did_post)
        return days

    def _whole_days(self, start: datetime, end: datetime) -> bool:
        return (
            self._span is not None
            and start.time() == end.time() == time.min
            and self._span[0] <= start
            and end <= self._span[1]
        )

    def pairs(self, start: datetime, end: datetime) -> dict[tuple[int, int | None], bool]:
        """(member, community) → posted?, for everyone with an active event in [start, end)."""
        key = (start, end)
        if key in self._windows:
            return self._windows[key]
        if self._whole_days(start, end):
            if self._days is None:
                self._days = self._read_days(*self._span)
            found: dict[tuple[int, int | None], bool] = {}
            day = start.date()
            while day < end.date():
                for pair, did_post in self._days.get(day, {}).items():
                    if did_post or pair not in found:
                        found[pair] = did_post
                day += timedelta(days=1)
        else:
            found = {}
            for day_pairs in self._read_days(start, end).values():
                for pair, did_post in day_pairs.items():
                    if did_post or pair not in found:
                        found[pair] = did_post
        self._windows[key] = found
        return found

    def members(self, start: datetime, end: datetime) -> set[int]:
        return {member for member, _ in self.pairs(start, end)}


def present_members(stays: Iterable[Stay], moment: datetime) -> set[int]:
    return {stay.member_id for stay in stays if stay.present_at(moment)}
