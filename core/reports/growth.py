"""The growth line: members (people) at each day's end, with that day's joins and leaves; by
week when the period is longer than two months. One pass over the stays."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.reports.period import Period
from core.reports.stays import Stay

DAILY_UP_TO = 62


@dataclass(frozen=True)
class GrowthPoint:
    day: date  # the last day of the step
    members: int
    joins: int
    leaves: int


def growth(stays: Sequence[Stay], period: Period) -> list[GrowthPoint]:
    step = 1 if period.days <= DAILY_UP_TO else 7
    start = period.start_at
    present = Counter(stay.member_id for stay in stays if stay.present_at(start))
    people = len(present)
    moves: list[tuple[datetime, int, int]] = []  # (when, +1 join / -1 leave, member)
    for stay in stays:
        if stay.joined_at is not None and stay.joined_at >= start:
            moves.append((stay.joined_at, 1, stay.member_id))
        if stay.left_at is not None and stay.left_at >= start:
            moves.append((stay.left_at, -1, stay.member_id))
    moves.sort(key=lambda move: (move[0], -move[1]))
    points, index, day = [], 0, period.start
    while day <= period.end:
        last = min(day + timedelta(days=step - 1), period.end)
        boundary = datetime.combine(last + timedelta(days=1), time.min)
        joins = leaves = 0
        while index < len(moves) and moves[index][0] < boundary:
            _, sign, member = moves[index]
            index += 1
            if sign > 0:
                joins += 1
                present[member] += 1
                people += present[member] == 1
            else:
                leaves += 1
                present[member] -= 1
                people -= present[member] == 0
        points.append(GrowthPoint(last, people, joins, leaves))
        day = last + timedelta(days=1)
    return points
