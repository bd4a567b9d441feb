"""The level flow matrix (Orbit): per month and level, who moved up, held, moved down or left.

Rows are the levels members started the month at; a last row counts the members who joined
during the month, by the level they reached. Read from the level history, so past months
stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from core.common.text import msg
from core.tiers.history import level_moves
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
    joined = FlowRow(JOINED, msg("本月新加入"))
    for move in level_moves(session, start, end, community_id):
        if move.before is not None:
            row = rows[ladder.level(move.before).key]
            row.start += move.count
            if move.after is None:
                row.left += move.count
                continue
            change = ladder.rank(move.after) - ladder.rank(move.before)
            if change > 0:
                row.up += move.count
            elif change < 0:
                row.down += move.count
            else:
                row.held += move.count
        elif move.after is not None and move.joined_in_period:
            joined.start += move.count
            reached = ladder.level(move.after).key
            joined.reached[reached] = joined.reached.get(reached, 0) + move.count
    return FlowMatrix(date(month.year, month.month, 1), [*rows.values(), joined])
