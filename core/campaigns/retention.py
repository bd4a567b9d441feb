"""Activation and retention of one member, as the funnel and the figures both count them.

DOMAIN: activated = a first message or check-in within 72 h of joining; retained = active in
week 4 (days 21–27 after joining). "Active after N days" is counted the same way: active in
the week that begins N days after joining. A member whose week has not ended by `as_of` is
not yet measurable, so counts only in neither the numerator nor the denominator.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

ACTIVATION_HOURS = 72
RETAINED_FROM_DAY = 21  # week 4
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Rate:
    """`count` of `of`: a share that says what it is a share of."""

    count: int
    of: int

    @property
    def share(self) -> float | None:
        return self.count / self.of if self.of else None


def activated(
    joined_at: datetime | None,
    activated_at: datetime | None,
    hours: float = ACTIVATION_HOURS,
) -> bool:
    if joined_at is None or activated_at is None:
        return False
    return timedelta(0) <= activated_at - joined_at <= timedelta(hours=hours)


def active_between(active_at: Sequence[datetime], start: datetime, end: datetime) -> bool:
    """Any activity in [start, end); `active_at` is sorted."""
    at = bisect_left(active_at, start)
    return at < len(active_at) and active_at[at] < end


def week_after(joined_at: datetime | None, day: int, as_of: datetime | None) -> tuple | None:
    """The week that begins `day` days after joining, or None when it cannot be measured yet
    (or the joining time is unknown)."""
    if joined_at is None:
        return None
    start = joined_at + timedelta(days=day)
    end = start + WEEK
    if as_of is not None and end > as_of:
        return None
    return start, end
