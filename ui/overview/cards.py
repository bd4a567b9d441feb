"""A KPI card of the dashboard: the figure, its change against the previous period (coloured by
whether the change is good), and a click that opens the members behind it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QSizePolicy, QWidget

from core.reports.figures import Kpi
from core.reports.figures import kpi_value_text as value_text
from ui.common.i18n import shown
from ui.common.stat_card import StatCard
from ui.common.widgets import restyle

# Figures where a rise is bad news (more points owed); for the rest a rise is good.
RISE_IS_BAD = frozenset({"points_liability"})
# Figures whose people can be listed (core.reports.dashboard.members_behind).
CLICKABLE = frozenset({"members", "net_growth", "active_share", "retention", "points_liability"})


class KpiCard(StatCard):
    clicked = Signal(str)  # the KPI's key

    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(f"overview_kpi_{key}", caption, parent=parent)
        self.key = key
        self.setProperty("clickable", key in CLICKABLE)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.note.setText(" ")  # holds the card's height until the figures arrive
        if key in CLICKABLE:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip(self.tr("点击查看这些成员"))

    def show_kpi(self, kpi: Kpi) -> None:
        self.value.setText(value_text(kpi))
        change = kpi.change
        if change is None:
            text, trend = self.tr("上期无可比数据"), ""
        else:
            if kpi.unit == "share":
                amount = self.tr("{points} 个百分点").format(points=f"{change * 100:+.1f}")
            else:
                amount = f"{change:+.0%}"
            text = self.tr("较上期 {change}").format(change=amount)
            rising = change > 0
            trend = "" if abs(change) < 0.0005 else "good"
            if trend and rising == (kpi.key in RISE_IS_BAD):
                trend = "bad"
        if kpi.detail:
            text = f"{text} · {shown(kpi.detail)}"
        self.note.setText(text)
        restyle(self.note, trend=trend, muted=not trend)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.key in CLICKABLE:
            self.clicked.emit(self.key)
        super().mouseReleaseEvent(event)
