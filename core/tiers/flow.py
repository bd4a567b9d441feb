"""The level flow matrix (Orbit): per month and level, who moved up, held, moved down or left.

Rows are the levels members started the month at; a last row counts the members who joined
during the month, by the level they reached. Read from the level history, so past months
stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from core.tiers.history import timelines
from core.tiers.ladder import load_ladder

JOINED = "joined"


@dataclass
class FlowRow:
    level: str  # a level key, or JOINED
    name: str
    start: int = 0
    up: int = 0
    held: int = 0
    down: int = 0
    left: int = 0
    # For JOINED: how many reached each level by the end of the month.
    reached: dict[str, int] = field(default_factory=dict)


@dataclass
class FlowMatrix:
    month: date  # its first day
    rows: list[FlowRow]


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1)
    end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1)
    return start, end


def level_flow(session: Session, month: date, community_id: int | None = None) -> FlowMatrix:
    ladder = load_ladder(session, community_id)
    start, end = month_bounds(month)
    rows = {level.key: FlowRow(level.key, level.name) for level in ladder.levels}
    joined = FlowRow(JOINED, "本月新加入")
    for timeline in timelines(session, "level", community_id):
        at_end = timeline.present_at(end - _EPSILON)
        if timeline.present_at(start):
            before = timeline.value_at(start)
            row = rows.get(before) or rows[ladder.levels[ladder.rank(before)].key]
            row.start += 1
            if not at_end:
                row.left += 1
                continue
            change = ladder.rank(timeline.value_at(end - _EPSILON)) - ladder.rank(before)
            if change > 0:
                row.up += 1
            elif change < 0:
                row.down += 1
            else:
                row.held += 1
        elif at_end and timeline.joined_at is not None and timeline.joined_at >= start:
            joined.start += 1
            reached = ladder.levels[ladder.rank(timeline.value_at(end - _EPSILON))].key
            joined.reached[reached] = joined.reached.get(reached, 0) + 1
    return FlowMatrix(date(month.year, month.month, 1), [*rows.values(), joined])


_EPSILON = datetime.resolution
