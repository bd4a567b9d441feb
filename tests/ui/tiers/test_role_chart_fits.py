"""The role chart beside its table: month names short enough to show, the legend in a column."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from core.tiers.structure import MonthCounts
from ui.tiers.charts import RoleChart

ROLES = {"manager": "管理者", "leader": "领导者", "executor": "执行者", "follower": "追随者"}


def test_month_labels_are_short_and_the_legend_is_a_column(app, qtbot):
    chart = RoleChart()
    qtbot.addWidget(chart)
    months = [MonthCounts(date(2026, month, 1), {"follower": month * 10}) for month in range(7, 13)]
    chart.set_months(months, ROLES)
    (axis,) = [a for a in chart.chart.axes(Qt.Orientation.Horizontal)]
    assert axis.categories() == ["7月", "8月", "9月", "10月", "11月", "12月"]
    assert chart.chart.legend().alignment() == Qt.AlignmentFlag.AlignRight


def test_the_level_table_gives_each_figure_room(app, qtbot, sqlite_database):
    from PySide6.QtWidgets import QTableWidget

    from ui.tiers.tab import TiersTab

    tab = TiersTab(sqlite_database)
    qtbot.addWidget(tab)
    tab.resize(1100, 600)
    tab.show()
    qtbot.waitUntil(lambda: tab.community.count() >= 1 and not tab.tasks.busy(), timeout=60_000)
    levels = tab.findChild(QTableWidget, "tiersLevels")
    header = levels.horizontalHeader()
    # 人数 and 锁定 were as narrow as their two-character headers.
    assert all(header.sectionSize(column) >= 80 for column in range(3))
