"""The dashboard's bar and line charts (QtCharts, imported when the first chart is drawn, so the
window still shows first). A click on a bar emits what it stands for — a target of
core.reports.dashboard.members_behind — or nothing when the bar has no people behind it. A value
of None is a figure not known yet: no bar, and nothing to click. A category's tip (Bars.tips) is
shown over its row or column, the axis label included, so an empty one can still say why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QLabel, QStackedLayout, QToolTip, QWidget

from ui.common.chart_host import ChartHost, style_axis
from ui.common.theme import current_theme


@dataclass(frozen=True)
class Bars:
    name: str
    color: str  # a Theme field: accent, danger, muted…
    values: Sequence[float | None]  # None: not known yet (no bar, not clickable)
    targets: Sequence[str | None] = ()  # per category; () → not clickable
    tips: Sequence[str] = ()  # per category, shown on hover; () → none


class ChartBox(ChartHost):
    """A chart built on first use, or a line saying there is nothing to draw."""

    bar_clicked = Signal(str)  # a members_behind target
    MARGINS = QMargins(2, 2, 4, 2)

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(object_name, parent)
        self.setMinimumSize(300, 220)
        self._stack = QStackedLayout(self)
        self.empty_label = QLabel()
        self.empty_label.setObjectName(f"{object_name}_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setProperty("muted", True)
        self._stack.addWidget(self.empty_label)
        self.bar_sets: list = []  # what was drawn last, for tests
        self._tips: list[str] = []  # per category as drawn (bottom up when horizontal)
        self._horizontal = False
        self._series = None

    def show_empty(self, text: str) -> None:
        self.empty_label.setText(text)
        self._stack.setCurrentWidget(self.empty_label)

    def _place_view(self, view) -> None:
        self._stack.addWidget(view)
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        viewport = self.view.viewport() if self.view is not None else None
        if event.type() == QEvent.Type.ToolTip and watched is viewport and self._tips:
            tip = self.tip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.view)
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)

    def tip_at(self, pos: QPoint) -> str:
        """The tip of the category under `pos` (view coordinates), its axis label included."""
        if not self._tips or self._series is None or self.chart is None:
            return ""
        at = self.chart.mapFromScene(self.view.mapToScene(pos))
        plot = self.chart.plotArea()
        # across the whole row (axis label and bar) or the whole column
        inside = (
            plot.top() <= at.y() <= plot.bottom()
            if self._horizontal
            else plot.left() <= at.x() <= plot.right()
        )
        point = self.chart.mapToValue(at, self._series)
        index = round(point.y() if self._horizontal else point.x())
        if not inside or not 0 <= index < len(self._tips):
            return ""
        return self._tips[index]

    def category_point(self, index: int) -> QPoint:
        """Where category `index` (as given to set_bars) sits in the view, on its axis label:
        what a test hovers."""
        count = len(self._tips) or len(self.bar_sets[0][1].values)
        drawn = count - 1 - index if self._horizontal else index
        value = QPointF(0, drawn) if self._horizontal else QPointF(drawn, 0)
        at = self.chart.mapToPosition(value, self._series)
        at = QPointF(self.chart.plotArea().left() - 8, at.y()) if self._horizontal else at
        return self.view.mapFromScene(self.chart.mapToScene(at))

    def _new_chart(self):
        chart = super()._new_chart()
        self._stack.setCurrentWidget(self.view)
        return chart

    def set_bars(
        self,
        categories: Sequence[str],
        sets: Sequence[Bars],
        *,
        horizontal: bool = False,
        line: tuple[str, Sequence[float]] | None = None,
    ):
        """Bars per category (one colour per set); `line`: a line on its own axis on the right
        (the growth chart's members)."""
        from PySide6.QtCharts import (
            QBarCategoryAxis,
            QBarSeries,
            QBarSet,
            QHorizontalBarSeries,
            QLineSeries,
            QValueAxis,
        )

        if horizontal:  # QtCharts draws the first category at the bottom: read top down
            categories = list(categories)[::-1]
            sets = [
                Bars(b.name, b.color, list(b.values)[::-1], list(b.targets)[::-1],
                     list(b.tips)[::-1])
                for b in sets
            ]  # fmt: skip
        theme = current_theme()
        chart = self._new_chart()
        chart.legend().setVisible(len(sets) > 1 or line is not None)
        series = QHorizontalBarSeries() if horizontal else QBarSeries()
        series.setBarWidth(0.7)
        self.bar_sets = []
        for bars in sets:
            bar_set = QBarSet(bars.name)
            color = QColor(getattr(theme, bars.color))
            bar_set.setColor(color)
            bar_set.setBorderColor(color)
            if None in bars.values:  # a border would draw an unknown figure's bar as a line
                bar_set.setPen(QPen(Qt.PenStyle.NoPen))
            bar_set.append([0.0 if value is None else float(value) for value in bars.values])
            if bars.targets:
                targets = [
                    None if value is None else target
                    for value, target in zip(bars.values, bars.targets, strict=True)
                ]
                bar_set.clicked.connect(lambda index, t=targets: self._clicked(t, index))
            series.append(bar_set)
            self.bar_sets.append((bar_set, bars))
        chart.addSeries(series)
        axis = QBarCategoryAxis()
        axis.append(list(categories))
        axis.setTruncateLabels(False)  # "0–7 天" cut to "…" beside horizontal bars
        values = QValueAxis()
        values.setLabelFormat("%d")
        known = [value for bars in sets for value in bars.values if value is not None]
        top = max(known, default=0)
        self._horizontal, self._series = horizontal, series
        self._tips = next((list(b.tips) for b in sets if b.tips), [])
        values.setRange(0, max(5, top * 1.05))
        values.applyNiceNumbers()
        style_axis(axis, small=len(categories) > 12)
        style_axis(values)
        bottom, side = Qt.AlignmentFlag.AlignBottom, Qt.AlignmentFlag.AlignLeft
        chart.addAxis(axis, side if horizontal else bottom)
        chart.addAxis(values, bottom if horizontal else side)
        series.attachAxis(axis)
        series.attachAxis(values)
        if line is not None:
            name, points = line
            members = QLineSeries()
            members.setName(name)
            pen = QPen(QColor(theme.accent_strong))
            pen.setWidthF(2.0)
            members.setPen(pen)
            for x, value in enumerate(points):
                members.append(x, value)
            chart.addSeries(members)
            right = QValueAxis()
            right.setLabelFormat("%d")
            low, high = min(points, default=0), max(points, default=0)
            pad = max(1.0, (high - low) * 0.1)
            right.setRange(max(0.0, low - pad), high + pad)
            right.applyNiceNumbers()
            style_axis(right)
            right.setGridLineVisible(False)
            right.setTruncateLabels(False)  # four-digit member counts were cut to "…"
            chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
            members.attachAxis(axis)
            members.attachAxis(right)
        return chart

    def _clicked(self, targets: list[str | None], index: int) -> None:
        if 0 <= index < len(targets) and targets[index]:
            self.bar_clicked.emit(targets[index])
