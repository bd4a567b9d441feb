"""A line of one count per day (QtCharts): the 社群 tab's growth and the 活动 forecast's joins.

QtCharts is imported when the first line is drawn, not at start-up: the tabs holding a chart
are built before anyone looks at one. The chart follows 设置 → 外观 (and the system's
light/dark) while on screen.
"""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QDateTime, QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.common.theme import Theme, current_theme, theme_manager

DAY_MSECS = 86_400_000


class DayLineChart(QWidget):
    """Counts by day as a line; `empty_text` until values arrive (and again when none do)."""

    def __init__(
        self,
        object_name: str,
        view_name: str,
        *,
        empty_text: str = "",
        y_title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setMinimumHeight(220)
        self._view_name = view_name
        self._y_title = y_title
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.empty_label = QLabel(empty_text)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setProperty("muted", True)
        self._layout.addWidget(self.empty_label)
        self.view = None
        self.values: list[tuple[date, int]] = []
        theme_manager().theme_changed.connect(self._apply_theme)

    def _build(self) -> None:
        from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis

        chart = QChart()
        chart.legend().hide()
        chart.setBackgroundVisible(False)  # the card around it is the background
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(4, 4, 8, 4))
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.series = QLineSeries()
        chart.addSeries(self.series)
        self.x_axis = QDateTimeAxis()
        self.x_axis.setFormat(self.tr("M月d日"))
        self.x_axis.setTickCount(7)
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%d")
        self.y_axis.setTickCount(5)
        if self._y_title:
            self.y_axis.setTitleText(self._y_title)
        font = self.font()
        font.setPointSizeF(max(8.0, font.pointSizeF() - 1))
        for axis, alignment in (
            (self.x_axis, Qt.AlignmentFlag.AlignBottom),
            (self.y_axis, Qt.AlignmentFlag.AlignLeft),
        ):
            axis.setLabelsFont(font)
            axis.setTitleFont(font)
            chart.addAxis(axis, alignment)
            self.series.attachAxis(axis)
        self.chart = chart
        self.view = QChartView(chart)
        self.view.setObjectName(self._view_name)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setStyleSheet("background: transparent;")
        self._layout.addWidget(self.view)
        self._apply_theme(current_theme())

    def _apply_theme(self, theme: Theme) -> None:
        if self.view is None:
            return  # drawn in the theme in force when it is built
        pen = QPen(QColor(theme.accent))
        pen.setWidthF(2.2)
        self.series.setPen(pen)
        self.chart.setTitleBrush(QColor(theme.muted))
        for axis in (self.x_axis, self.y_axis):
            axis.setGridLineColor(QColor(theme.border))
            axis.setLabelsColor(QColor(theme.muted))
            axis.setLinePenColor(QColor(theme.border))
            axis.setTitleBrush(QColor(theme.muted))

    def set_values(self, values: list[tuple[date, int]]) -> None:
        """Draw (day, count) pairs in day order; none shows the empty text."""
        if not values:
            self.clear()
            return
        self.values = list(values)
        if self.view is None:
            self._build()
        self.empty_label.hide()
        self.view.show()
        points = [(_msecs(day), count) for day, count in values]
        self.series.clear()
        for x, y in points:
            self.series.append(x, y)
        self.x_axis.setTickCount(min(7, max(2, len(points))))
        # One day alone gets a day's width, so the axis has a range to draw.
        last = points[-1][0] + (0 if len(points) > 1 else DAY_MSECS)
        self.x_axis.setRange(
            QDateTime.fromMSecsSinceEpoch(points[0][0]), QDateTime.fromMSecsSinceEpoch(last)
        )
        top = max(y for _, y in points)
        self.y_axis.setRange(0, max(5, top * 1.05))
        self.y_axis.applyNiceNumbers()  # round ticks: 0, 100, 200... not 0, 97.5, 195...

    def clear(self) -> None:
        self.values = []
        if self.view is not None:
            self.series.clear()
            self.view.hide()
        self.empty_label.show()


def _msecs(day: date) -> int:
    # Noon, so a day never slips to its neighbour across a time-zone change.
    return QDateTime(datetime.combine(day, time(12))).toMSecsSinceEpoch()
