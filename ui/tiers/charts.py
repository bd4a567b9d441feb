"""Charts of the 分层 tab: the level flow as stacked bars, the role mix as lines over months.

QtCharts is imported when a chart is first drawn, not when the tab is built.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.common.chart_host import ChartHost, style_axis
from ui.common.i18n import shown_name

FLOW_COLORS = {"up": "#0f766e", "held": "#9ca3af", "down": "#f59e0b", "left": "#dc2626"}
LINE_COLORS = ["#0f766e", "#2563eb", "#7c3aed", "#9ca3af", "#f59e0b", "#dc2626"]


class _ChartBox(ChartHost):
    """A QChartView built on first use, filling the widget."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(object_name, parent)
        self.setMinimumSize(360, 260)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def _place_view(self, view) -> None:
        self._layout.addWidget(view)


class FlowChart(_ChartBox):
    """Per starting level: how many moved up, held, moved down, left — stacked bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("tiersFlowChart", parent)

    def set_rows(self, rows) -> None:
        # QtCharts, a large library, only once a chart is drawn (start-up)
        from PySide6.QtCharts import (
            QBarCategoryAxis,
            QBarSet,
            QHorizontalStackedBarSeries,
            QValueAxis,
        )

        chart = self._new_chart()
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.6)
        names = {
            "up": self.tr("升级"),
            "held": self.tr("保持"),
            "down": self.tr("降级"),
            "left": self.tr("离开"),
        }
        shown = [row for row in rows if row.start][::-1]  # top level at the top
        for key, name in names.items():
            bar = QBarSet(name)
            bar.setColor(QColor(FLOW_COLORS[key]))
            bar.setBorderColor(QColor(FLOW_COLORS[key]))
            bar.append([getattr(row, key) for row in shown])
            series.append(bar)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([shown_name(row.name) for row in shown])
        values = QValueAxis()
        values.setLabelFormat("%d")
        values.setRange(0, max(5, max((row.start for row in shown), default=0)))
        values.applyNiceNumbers()
        for axis, alignment in (
            (categories, Qt.AlignmentFlag.AlignLeft),
            (values, Qt.AlignmentFlag.AlignBottom),
        ):
            style_axis(axis)
            chart.addAxis(axis, alignment)
            series.attachAxis(axis)


class RoleChart(_ChartBox):
    """Members per role at each month's end: the structure thinning shows as a falling line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("tiersRoleChart", parent)

    def set_months(self, months, role_names: dict[str, str]) -> None:
        # QtCharts, a large library, only once a chart is drawn (start-up)
        from PySide6.QtCharts import QBarCategoryAxis, QLineSeries, QValueAxis

        chart = self._new_chart()
        # Six roles do not fit in one row under a third of a laptop screen ("Man…", "Exec…"):
        # a column beside the lines.
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        categories = QBarCategoryAxis()
        # "7月" / "Jul": "2026-07" under each of six points is cut to "2026…"; the table beside
        # the chart names the year.
        categories.append([QDate(m.month).toString(self.tr("M月")) for m in months])
        values = QValueAxis()
        values.setLabelFormat("%d")
        top = max((count for m in months for count in m.roles.values()), default=0)
        values.setRange(0, max(5, top * 1.05))
        values.applyNiceNumbers()
        style_axis(categories)
        style_axis(values)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        for index, (role, name) in enumerate(role_names.items()):
            series = QLineSeries()
            series.setName(name)
            pen = QPen(QColor(LINE_COLORS[index % len(LINE_COLORS)]))
            pen.setWidthF(2.2)
            series.setPen(pen)
            for x, month in enumerate(months):
                series.append(x, month.roles.get(role, 0))
            chart.addSeries(series)
            series.attachAxis(categories)
            series.attachAxis(values)
