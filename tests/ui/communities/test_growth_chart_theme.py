"""The growth chart follows a theme switch while it is on screen (设置 → 外观)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from core.communities.summary import GrowthPoint
from ui.common.theme import DARK, LIGHT, apply_theme
from ui.communities.chart import GrowthChart


def drawn_in(chart: GrowthChart) -> tuple[QColor, QColor, QColor]:
    return (
        chart.series.pen().color(),
        chart.x_axis.labelsColor(),
        chart.y_axis.gridLineColor(),
    )


def test_switching_theme_restyles_the_chart_already_drawn(app, qtbot):
    apply_theme(app, "light")
    chart = GrowthChart()
    chart.setObjectName("communities_growth_chart")
    qtbot.addWidget(chart)
    start = date(2026, 1, 1)
    chart.set_points([GrowthPoint(start + timedelta(weeks=w), 10 + w) for w in range(10)])
    chart.show()
    assert drawn_in(chart) == (QColor(LIGHT.accent), QColor(LIGHT.muted), QColor(LIGHT.border))
    try:
        apply_theme(app, "dark")
        assert drawn_in(chart) == (QColor(DARK.accent), QColor(DARK.muted), QColor(DARK.border))
    finally:
        apply_theme(QApplication.instance(), "light")
    assert drawn_in(chart) == (QColor(LIGHT.accent), QColor(LIGHT.muted), QColor(LIGHT.border))
