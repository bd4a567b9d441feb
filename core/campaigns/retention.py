"""Activation and retention of one member, as the funnel and the figures both count them.

DOMAIN: activated = a first message or check-in within 72 h of joining; retained = active in
week 4 (days 21–27 after joining). "Active after N days" is counted the same way: active in
the week that begins N days after joining. A member whose week has not ended by `as_of` is
not yet measurable: they count in neither the numerator nor the denominator.

The week is elapsed time from the moment of joining ([joined + 21 d, joined + 28 d)), not
calendar dates: a member who joined at 23:30 and is active at 00:10 twenty-one calendar days
later is on day 20. Activity is what counts: a member who left the group in week 3 is retained
only if activity of theirs is recorded in week 4. Team members (owner, staff) count in no
share (DOMAIN).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from core.campaigns.inputs import MemberFacts, counted
from core.common.rate import Rate
from core.common.text import Message, msg

if TYPE_CHECKING:
    from core.campaigns.waves import Counted, Tree

ACTIVATION_HOURS = 72
RETAINED_FROM_DAY = 21  # week 4
WEEK = timedelta(days=7)


def not_measurable_yet(from_day: int) -> Message:
    """Why a share of the invitees active in the week from `from_day` has nothing to count
    yet: nobody's week has ended."""
    return msg("还没有新成员入群满 {days} 天", days=from_day + WEEK.days)


def activated_in(
    joined_at: datetime | None, activated_at: datetime | None, window: timedelta
) -> bool:
    """A first message or check-in within `window` (72 h) of joining."""
    if joined_at is None or activated_at is None:
        return False
    return joined_at <= activated_at <= joined_at + window


def invitees_active(
    tree: Tree | Counted,
    facts: Mapping[int, MemberFacts],
    days: Sequence[int],
    as_of: datetime | None,
) -> list[Rate]:
    """For each of `days`, the invitees active in the week that begins that many days after
    their joining, of those whose week has ended: one pass over the invitees for them all. Only
    the counted edges are read (Tree.edges, or funnel.counted_edges without the waves)."""
    windows = [
        (timedelta(days=day), None if as_of is None else as_of - timedelta(days=day) - WEEK)
        for day in days
    ]
    counts, measured = [0] * len(days), [0] * len(days)
    fact_of, week, no_activity = facts.get, WEEK, ()
    for member, edge in tree.edges.items():
        joined = edge.joined_at
        if edge.inviter_id is None or joined is None:
            continue
        fact = fact_of(member)
        if not counted(fact):
            continue
        active_at = fact.active_at if fact is not None else no_activity
        for index, (offset, latest) in enumerate(windows):
            if latest is not None and joined > latest:
                continue
            measured[index] += 1
            if active_at:
                start = joined + offset
                at = bisect_left(active_at, start)
                if at < len(active_at) and active_at[at] < start + week:
                    counts[index] += 1
    return [Rate(count, of) for count, of in zip(counts, measured, strict=True)]


def retained_members(
    tree: Tree | Counted, facts: Mapping[int, MemberFacts], from_day: int, as_of: datetime | None
) -> list[int]:
    """The invitees invitees_active counts as active in the week from `from_day`, sorted."""
    offset = timedelta(days=from_day)
    latest = None if as_of is None else as_of - offset - WEEK
    found = []
    for member, edge in tree.edges.items():
        joined, fact = edge.joined_at, facts.get(member)
        if edge.inviter_id is None or joined is None or fact is None or not counted(fact):
            continue
        if latest is not None and joined > latest:
            continue
        start = joined + offset
        at = bisect_left(fact.active_at, start)
        if at < len(fact.active_at) and fact.active_at[at] < start + WEEK:
            found.append(member)
    return sorted(found)
