"""A KPI card of the dashboard: the figure, its change against the previous period (coloured by
whether the change is good), and a click that opens the members behind it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.reports.figures import Kpi
from core.reports.figures import kpi_value_text as value_text
from ui.common.i18n import shown
from ui.common.widgets import restyle

# Figures where a rise is bad news (more points owed); for the rest a rise is good.
RISE_IS_BAD = frozenset({"points_liability"})
# Figures whose people can be listed (core.reports.dashboard.members_behind).
CLICKABLE = frozenset({"members", "net_growth", "active_share", "retention", "points_liability"})


class KpiCard(QFrame):
    clicked = Signal(str)  # the KPI's key

    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"overview_kpi_{key}")
        self.setProperty("card", True)
        self.setProperty("clickable", key in CLICKABLE)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.caption = QLabel(caption)
        self.caption.setProperty("statCaption", True)
        self.value_label = QLabel("—")
        self.value_label.setObjectName(f"overview_kpi_{key}_value")
        self.value_label.setProperty("statValue", True)
        self.change_label = QLabel(" ")
        self.change_label.setObjectName(f"overview_kpi_{key}_change")
        self.change_label.setProperty("muted", True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value_label)
        layout.addWidget(self.change_label)
        if key in CLICKABLE:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip(self.tr("点击查看这些成员"))

    def show_kpi(self, kpi: Kpi) -> None:
        self.value_label.setText(value_text(kpi))
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
        self.change_label.setText(text)
        restyle(self.change_label, trend=trend, muted=not trend)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.key in CLICKABLE:
            self.clicked.emit(self.key)
        super().mouseReleaseEvent(event)
