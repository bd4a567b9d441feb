"""A widget holding a QtCharts chart in the house style: the QChartView built on first use
(QtCharts, a large library, is imported only once a chart is drawn: start-up), a fresh QChart
per drawing (transparent, no animation, legend below in the muted colour), and axes in the
theme's colours. The 概览 and 分层 charts build on it.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QWidget

from ui.common.theme import current_theme


def style_axis(axis, *, small: bool = False) -> None:
    """Grid, labels and line in the current theme's colours (charts are rebuilt on every load,
    so they follow a theme switch); `small`: labels a size down (many categories)."""
    theme = current_theme()
    axis.setGridLineColor(QColor(theme.border))
    axis.setLabelsColor(QColor(theme.muted))
    axis.setLinePenColor(QColor(theme.border))
    if small:
        font = QFont(axis.labelsFont())
        font.setPointSizeF(max(6.0, font.pointSizeF() - 1.5))
        axis.setLabelsFont(font)


class ChartHost(QWidget):
    """Subclasses place the view in their layout (`_place_view`) and may set `MARGINS`."""

    MARGINS = QMargins(4, 4, 8, 4)

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.view = None
        self.chart = None

    def _place_view(self, view) -> None:
        raise NotImplementedError

    def _new_chart(self):
        """A new empty chart in the view (the old one deleted)."""
        from PySide6.QtCharts import QChart, QChartView

        if self.view is None:
            self.view = QChartView()
            self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.view.setStyleSheet("background: transparent;")
            self._place_view(self.view)
        chart = QChart()
        chart.setBackgroundVisible(False)
        chart.setMargins(self.MARGINS)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.legend().setLabelColor(QColor(current_theme().muted))
        old = self.view.chart()
        self.view.setChart(chart)
        if old is not None:
            old.deleteLater()
        self.chart = chart
        return chart
