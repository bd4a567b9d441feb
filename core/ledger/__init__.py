"""积分台账: the append-only points ledger, earn rules, catalogue and redemption, liability.

What other features call, importable from here (loaded on first use, so importing the
command-line module at start-up stays cheap):
- `award_for_activities(session, event_ids) -> int`: apply the earn rules to activity records,
  idempotently (the tiering machinery calls it after recording activity);
- `qualifying_points_since(since) -> Select` of (member_id, points), for level criteria;
- `balance(session, member_id) -> Balance`.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "award_for_activities": "core.ledger.awards",
    "qualifying_points_since": "core.ledger.balances",
    "balance": "core.ledger.balances",
    "Balance": "core.ledger.balances",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'core.ledger' has no attribute {name!r}")
