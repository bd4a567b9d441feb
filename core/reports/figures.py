"""The KPI with the previous period's value, the value type every part of the report shares
(a share, x of y, is core.common.rate.Rate, as in the campaigns' figures)."""

from __future__ import annotations

from dataclasses import dataclass

from core.ledger.liability import fen_text


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str  # count, share, fen
    value: float | int | None
    previous: float | int | None
    detail: str = ""  # e.g. planned vs sent: "已发送 12 / 计划 15"

    @property
    def change(self) -> float | None:
        """For counts and money the relative change (0.18 = +18%); for shares the difference in
        points (0.05 = +5 percentage points). None when it cannot be said."""
        if self.value is None or self.previous is None:
            return None
        if self.unit == "share":
            return self.value - self.previous
        if self.previous == 0:
            return None
        return (self.value - self.previous) / abs(self.previous)


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}%}"


def kpi_value_text(kpi: Kpi) -> str:
    """A KPI's value as the workbook's number format shows it (the dashboard's cards and the
    phone picture write it the same)."""
    if kpi.value is None:
        return "—"
    if kpi.unit == "share":
        return percent(kpi.value)
    if kpi.unit == "fen":
        return fen_text(int(kpi.value))
    return f"{int(kpi.value):,}"


def signed_percent(value: float | None) -> str:
    return "—" if value is None else f"{value:+.0%}"
