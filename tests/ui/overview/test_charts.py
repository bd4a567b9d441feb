"""The dashboard's charts as drawn: labels a user must be able to read."""

from __future__ import annotations

from PySide6.QtCharts import QValueAxis
from PySide6.QtCore import Qt

from ui.overview.charts import Bars, ChartBox


def test_the_growth_charts_member_axis_is_not_cut_to_dots(app, qtbot):
    """Its four-digit member counts were elided to "…" on the right of the chart, at every
    window size: the axis keeps its labels whole, as the category axis does."""
    box = ChartBox("growth_chart")
    qtbot.addWidget(box)
    box.resize(1060, 220)
    chart = box.set_bars(
        ["12/1", "12/2", "12/3"],
        [Bars("入群", "accent", [8, 39, 42]), Bars("退群", "danger", [2, 3, 6])],
        line=("成员", [2620.0, 2650.0, 2690.0]),
    )
    (right,) = [
        axis
        for axis in chart.axes()
        if isinstance(axis, QValueAxis) and axis.alignment() == Qt.AlignmentFlag.AlignRight
    ]
    assert not right.truncateLabels()
