"""A count out of a total: a share that says what it is a share of, the one type for such a
figure in every feature (a campaign's share rate and retention, a report's active share…).

It keeps both numbers, so a reader can say "6 of 12" and tell "none to count yet" (0 of 0)
from 0%.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    count: int
    of: int

    @property
    def share(self) -> float | None:
        """count ÷ of; None when there is nothing to divide by (never 0/0)."""
        return self.count / self.of if self.of else None
