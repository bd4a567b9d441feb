"""The ledger's bounds for the window's number boxes: the same the database enforces
(db/bounds.py), handed on so that ui never imports db."""

from __future__ import annotations

from db.bounds import (
    MAX_BALANCE_POINTS,
    MAX_ENTRY_POINTS,
    MAX_EXPIRY_DAYS,
    MAX_MONEY_CENTS,
    MAX_PENDING_DAYS,
    MAX_PER_MEMBER_LIMIT,
    MAX_STOCK,
    MAX_STREAK_DAYS,
)

__all__ = [
    "MAX_BALANCE_POINTS",
    "MAX_ENTRY_POINTS",
    "MAX_EXPIRY_DAYS",
    "MAX_MONEY_CENTS",
    "MAX_PENDING_DAYS",
    "MAX_PER_MEMBER_LIMIT",
    "MAX_STOCK",
    "MAX_STREAK_DAYS",
]
