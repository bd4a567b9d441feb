"""Memberships (stays) and activity as every figure of the report reads them: loaded once per
report, team and merged-away members and trashed communities left out (the statistics rule
of core.members.statistics), so the KPIs, the health table and the cohorts agree.

A stay is one membership: joined_at (None: before records began), left_at (None: still in).
Joins and leaves count stays (a person joining two groups is two joins); members count people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import BigInteger, case, distinct, func, literal, literal_column, null, select
from sqlalchemy.orm import Session

from core.activity.kinds import is_active_kind
from core.common.dates import as_datetime
from core.common.progress import CancelCheck, Cancelled, never_cancelled
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
    join_week: date | None = None  # the Monday of the week it began (cohorts)

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
    stays = []
    for m, c, joined, left, role, level in session.execute(query).all():
        joined = as_datetime(joined)
        week = None
        if joined is not None:
            day = joined.date()
            week = date.fromordinal(day.toordinal() - day.weekday())
        stays.append(Stay(m, c, joined, as_datetime(left), role, level, week))
    return stays


Pairs = dict[tuple[int, int | None], bool]  # (member, community) → posted?
SLICES_PER_MASK = 30  # two bits a slice: 2^(2·30) stays a positive 64-bit integer
# Member ids per pass of the activity scan: a cancel is heard between passes (seconds of scan
# at 100000 members otherwise run to the end after the window closed). Each pass is a range
# of the (member, community, time) index, so the passes together read what one pass would.
MEMBERS_PER_PASS = 5_000


def _slice_bits(occurred, posted, edges: Sequence[datetime], low: int, high: int):
    """For an event in slice n (edges[n] ≤ t < edges[n + 1]) with low ≤ n < high, bit 2(n − low)
    set, or bit 2(n − low) + 1 when it is a post; NULL for the other slices. A balanced tree of
    comparisons: log2(slices) per event rather than one per edge. The powers of two are
    written into the SQL as integers (a 64-bit type on PostgreSQL too; a bound 1 could be sent
    as a 16-bit one)."""

    def power(bit: int):
        return literal_column(str(1 << bit), BigInteger)

    def tree(first: int, last: int):  # slices first..last-1
        if last <= low or first >= high:
            return null()
        if last - first == 1:
            bit = 2 * (first - low)
            return case((posted, power(bit + 1)), else_=power(bit))
        middle = (first + last) // 2
        return case((occurred < edges[middle], tree(first, middle)), else_=tree(middle, last))

    return tree(0, len(edges) - 1)


EVEN_BITS = int("01" * SLICES_PER_MASK, 2)  # bit 2n of each slice n


def _spread(pair: tuple[int, int], masks: Sequence[int], slices: list[Pairs]) -> None:
    """Enter `pair` in the slices its masks (one per SLICES_PER_MASK slices) name, posted or
    not: bit 2n (active) or 2n + 1 (posted) of a mask is slice n of its chunk."""
    for chunk, mask in enumerate(masks):
        if not mask:
            continue
        mask = int(mask)
        posted = (mask >> 1) & EVEN_BITS
        active = (mask | posted) & EVEN_BITS
        offset = chunk * SLICES_PER_MASK
        while active:
            bit = active & -active
            slices[offset + (bit.bit_length() >> 1)][pair] = bool(posted & bit)
            active ^= bit


class Activity:
    """Who was active (and who posted) in a window of time.

    Given the edges of every window the report asks for (`edges`: sorted moments), the events
    between the first and last edge are read in ONE pass, each (member, community) with the
    slices between two edges it was active in (a scan per window took seconds each at 2.3 M
    events; grouping by day returned a row per member and active day, by slice a sort of the
    whole span); a window from one edge to another is then the union of its slices. Any other
    window is read on its own."""

    def __init__(
        self,
        session: Session,
        community_id: int | None = None,
        edges: Sequence[datetime] = (),
        *,
        cancelled: CancelCheck = never_cancelled,
        members_per_pass: int = MEMBERS_PER_PASS,
    ) -> None:
        self.session = session
        self.community_id = community_id
        self.cancelled = cancelled
        self.members_per_pass = members_per_pass
        self._edges = sorted(set(edges))
        self._index = {edge: n for n, edge in enumerate(self._edges)}
        self._slices: list[Pairs] | None = None
        self._windows: dict[tuple[datetime, datetime], Pairs] = {}

    def _query(self, start: datetime, end: datetime, bucket):
        events = ActivityEvent.__table__
        posted = func.max(case((events.c.kind.in_(POST_KINDS), 1), else_=0))
        query = (
            select(events.c.member_id, events.c.community_id, bucket, posted)
            .where(
                events.c.occurred_at >= start,
                events.c.occurred_at < end,
                is_active_kind(events.c.kind),
            )
            .group_by(events.c.member_id, events.c.community_id, bucket)
        )
        if self.community_id is not None:
            query = query.where(events.c.community_id == self.community_id)
        return self.session.execute(query).all()  # fetchall: far quicker than row by row

    def _read_slices(self) -> list[Pairs]:
        """Every slice's pairs from one pass grouped by (member, community) alone, in the
        covering index's order: the slices a pair was active (and posted) in come back as a
        bit mask, SUM(DISTINCT 2^bit), a row per pair instead of per pair and slice, and no
        sort of the whole span's events by slice. Read a range of member ids at a time,
        `cancelled()` asked before each (as the ledger's earn rules between chunks)."""
        events = ActivityEvent.__table__
        occurred = events.c.occurred_at
        edges = self._edges
        count = len(edges) - 1
        posts = events.c.kind.in_(POST_KINDS)
        masks = [
            func.coalesce(
                func.sum(distinct(_slice_bits(occurred, posts, edges, low, low + SLICES_PER_MASK))),
                0,
            )
            for low in range(0, count, SLICES_PER_MASK)
        ]
        query = (
            select(events.c.member_id, events.c.community_id, *masks)
            .where(occurred >= edges[0], occurred < edges[-1], is_active_kind(events.c.kind))
            .group_by(events.c.member_id, events.c.community_id)
        )
        if self.community_id is not None:
            query = query.where(events.c.community_id == self.community_id)
        slices: list[Pairs] = [{} for _ in range(count)]
        for low, high in self._member_ranges():
            if self.cancelled():
                raise Cancelled
            part = query.where(events.c.member_id >= low, events.c.member_id < high)
            for member, community, *masks in self.session.execute(part).all():
                _spread((member, community), masks, slices)
        return slices

    def _member_ranges(self) -> list[tuple[int, int]]:
        """[low, high) ranges of member ids covering every member, `members_per_pass` wide."""
        low, high = self.session.execute(select(func.min(Member.id), func.max(Member.id))).one()
        if low is None:
            return []
        step = max(1, self.members_per_pass)
        return [(start, start + step) for start in range(low, high + 1, step)]

    def pairs(self, start: datetime, end: datetime) -> Pairs:
        """(member, community) → posted?, for everyone with an active event in [start, end)."""
        key = (start, end)
        if key in self._windows:
            return self._windows[key]
        first, last = self._index.get(start), self._index.get(end)
        found: Pairs = {}
        if first is not None and last is not None and first < last:
            if self._slices is None:
                self._slices = self._read_slices()
            parts = self._slices[first:last]
        else:
            parts = [{(m, c): bool(p) for m, c, _, p in self._query(start, end, literal(0))}]
        if len(parts) == 1:
            found = dict(parts[0])
        else:
            for part in parts:
                for pair, did_post in part.items():
                    if did_post or pair not in found:
                        found[pair] = did_post
        self._windows[key] = found
        return found

    def members(self, start: datetime, end: datetime) -> set[int]:
        return {member for member, _ in self.pairs(start, end)}


def present_members(stays: Iterable[Stay], moment: datetime) -> set[int]:
    return {stay.member_id for stay in stays if stay.present_at(moment)}
