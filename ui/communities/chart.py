"""The growth chart: members at each week's end over the last year (ui/common/day_chart.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core.communities.summary import GrowthPoint
from ui.common.day_chart import DayLineChart


class GrowthChart(DayLineChart):
    """A line of member counts; an empty hint until a community is chosen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("communities_growth_chart", "communities_growth_view", parent=parent)
        self.empty_label.setText(self.tr("选择一个社群查看成员增长"))

    def set_points(self, points: list[GrowthPoint]) -> None:
        self.set_values([(point.day, point.members) for point in points])
