"""Retention of newcomers: of the stays that began in week W (Monday–Sunday), the share still in
the group and active there in week W+k. The cohort table is W × k; the 4-week retention KPI is
k = 4, pooled over the join weeks whose week W+4 ends within the period."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.common.rate import Rate
from core.reports.period import week_start
from core.reports.stays import Activity, Stay

WEEK = timedelta(days=7)
RETENTION_WEEK = 4


def _at(day: date) -> datetime:
    return datetime.combine(day, time.min)


def by_join_week(stays: Sequence[Stay]) -> dict[date, list[Stay]]:
    """The stays by the Monday of the week they began in (one pass, not one per week)."""
    weeks: dict[date, list[Stay]] = {}
    for stay in stays:
        if stay.join_week is not None:
            weeks.setdefault(stay.join_week, []).append(stay)
    return weeks


def retained(cohort: Sequence[Stay], activity: Activity, monday: date, k: int) -> int:
    """How many of `cohort` (joined in the week of `monday`) were in and active in week W+k."""
    start = _at(monday) + k * WEEK
    end = start + WEEK
    active = activity.pairs(start, end)
    return sum(
        1
        for stay in cohort
        if (stay.left_at is None or stay.left_at >= end)
        and (stay.member_id, stay.community_id) in active
    )


def retention_weeks(start: date, end: date) -> list[date]:
    """The join weeks (their Mondays) whose week W+4 ends (its Sunday) within [start, end]."""
    first_sunday = start + timedelta(days=(6 - start.weekday()) % 7)
    weeks = []
    sunday = first_sunday
    while sunday <= end:
        weeks.append(sunday - timedelta(days=6) - RETENTION_WEEK * WEEK)
        sunday += WEEK
    return weeks


def retention_4w(stays: Sequence[Stay], activity: Activity, start: date, end: date) -> Rate:
    part = whole = 0
    weeks = by_join_week(stays)
    for monday in retention_weeks(start, end):
        cohort = weeks.get(monday, [])
        whole += len(cohort)
        if cohort:
            part += retained(cohort, activity, monday, RETENTION_WEEK)
    return Rate(part, whole)


@dataclass(frozen=True)
class CohortRow:
    week: date  # the join week's Monday
    joined: int
    retained: list[int | None]  # k = 0, 1, …; None: week W+k has not ended by the period's end

    def share(self, k: int) -> float | None:
        count = self.retained[k]
        return None if count is None or not self.joined else count / self.joined


@dataclass(frozen=True)
class CohortTable:
    weeks_since: int
    rows: list[CohortRow]


COHORTS, WEEKS_SINCE = 12, 8


def first_cohort_week(end: date, cohorts: int = COHORTS) -> date:
    return week_start(end) - (cohorts - 1) * WEEK


def cohort_table(
    stays: Sequence[Stay],
    activity: Activity,
    end: date,
    *,
    cohorts: int = COHORTS,
    weeks_since: int = WEEKS_SINCE,
) -> CohortTable:
    """The last `cohorts` join weeks up to `end` (the week holding `end` included), oldest first."""
    last = week_start(end)
    ended_by = _at(end + timedelta(days=1))
    rows, weeks = [], by_join_week(stays)
    for n in range(cohorts - 1, -1, -1):
        monday = last - n * WEEK
        cohort = weeks.get(monday, [])
        counts: list[int | None] = []
        for k in range(weeks_since + 1):
            if _at(monday) + (k + 1) * WEEK > ended_by:
                counts.append(None)
            else:
                counts.append(retained(cohort, activity, monday, k) if cohort else 0)
        rows.append(CohortRow(monday, len(cohort), counts))
    return CohortTable(weeks_since, rows)
