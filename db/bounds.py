"""Upper bounds on points and money: CHECK constraints in the database, checked first in core.

A number past these is a typing mistake or an attack, never a real shop's figure. Kept well
inside a 32-bit INTEGER (PostgreSQL's), so sums never overflow on either database.
"""

from __future__ import annotations

MAX_ENTRY_POINTS = 1_000_000  # one ledger entry, one reward's price, one rule's points
MAX_BALANCE_POINTS = 100_000_000  # what one member may hold (checked in core: a sum)
MAX_MONEY_CENTS = 1_000_000_000  # ¥10,000,000 in fen: one purchase, one reward's cost
MAX_PENDING_DAYS = 365  # an earn rule's 待生效期
MAX_EXPIRY_DAYS = 3650  # points valid at most ten years
MAX_STREAK_DAYS = 365
MAX_STOCK = 1_000_000  # a reward's total stock
MAX_PER_MEMBER_LIMIT = 10_000
# What INTEGER holds on PostgreSQL; SQLite stored more before these bounds existed.
INT32_MAX = 2_147_483_647


def between(column: str, low: int, high: int, *, nullable: bool = False) -> str:
    """SQL for a CHECK constraint: `column` lies in [low, high] (or is NULL)."""
    test = f"{column} BETWEEN {low} AND {high}"
    return f"{column} IS NULL OR {test}" if nullable else test
