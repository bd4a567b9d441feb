"""The growth chart: members at each week's end over the last year (QtCharts).

QtCharts is imported when the first chart is drawn, not at start-up: the main window
creates this tab before anyone looks at a community.
"""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QDateTime, QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.communities.summary import GrowthPoint
from ui.common.theme import Theme, current_theme, theme_manager


class GrowthChart(QWidget):
    """A line of member counts; an empty hint until points arrive."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("communities_growth_chart")
        self.setMinimumHeight(220)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.empty_label = QLabel(self.tr("选择一个社群查看成员增长"))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setProperty("muted", True)
        self._layout.addWidget(self.empty_label)
        self.view = None
        self.points: list[GrowthPoint] = []
        # Follows 设置 → 外观 (and the system's light/dark) while on screen, not only at start.
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
        for axis, alignment in (
            (self.x_axis, Qt.AlignmentFlag.AlignBottom),
            (self.y_axis, Qt.AlignmentFlag.AlignLeft),
        ):
            font = self.font()
            font.setPointSizeF(max(8.0, font.pointSizeF() - 1))
            axis.setLabelsFont(font)
            chart.addAxis(axis, alignment)
            self.series.attachAxis(axis)
        self.view = QChartView(chart)
        self.view.setObjectName("communities_growth_view")
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
        for axis in (self.x_axis, self.y_axis):
            axis.setGridLineColor(QColor(theme.border))
            axis.setLabelsColor(QColor(theme.muted))
            axis.setLinePenColor(QColor(theme.border))

    def set_points(self, points: list[GrowthPoint]) -> None:
        self.points = list(points)
        if self.view is None:
            self._build()
        self.empty_label.hide()
        self.view.show()
        values = [
            (QDateTime(datetime.combine(p.day, time(12))).toMSecsSinceEpoch(), p.members)
            for p in points
        ]
        self.series.clear()
        for x, y in values:
            self.series.append(x, y)
        if values:
            self.x_axis.setRange(
                QDateTime.fromMSecsSinceEpoch(values[0][0]),
                QDateTime.fromMSecsSinceEpoch(values[-1][0]),
            )
            top = max(y for _, y in values)
            self.y_axis.setRange(0, max(5, top * 1.05))
            self.y_axis.applyNiceNumbers()  # round ticks: 0, 100, 200... not 0, 97.5, 195...

    def clear(self) -> None:
        self.points = []
        if self.view is not None:
            self.series.clear()
            self.view.hide()
        self.empty_label.show()
