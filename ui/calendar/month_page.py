"""月: the month grid (ui/calendar/month_grid.py) with ‹ 今天 › above it."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QVBoxLayout

from ui.calendar.data import RangeData, load_range, month_grid_first
from ui.calendar.legend import ColourLegend
from ui.calendar.month_grid import WEEKS, MonthGrid
from ui.calendar.navigator import PeriodBar
from ui.calendar.page import CalendarPage
from ui.common.heat_grid import weekday_names


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class MonthPage(CalendarPage):
    def __init__(self, tab, parent=None) -> None:
        super().__init__(tab, parent)
        self.setObjectName("calendar_month_page")
        self.bar = PeriodBar("calendar_month")
        self.bar.step.connect(lambda step: self.tab.set_anchor(add_months(self.tab.anchor, step)))
        self.bar.today.connect(lambda: self.tab.set_anchor(date.today()))
        self.legend = ColourLegend()
        self.bar.layout_.addWidget(self.legend, 1)
        self.legend.show_mode(self.tab.colour_mode, self.tab.communities)
        self.grid = MonthGrid()
        self.grid.weekday_names = weekday_names()
        self.grid.move_requested.connect(self.tab.move_item)
        self.grid.edit_requested.connect(self.tab.edit_item)
        self.grid.new_requested.connect(self.tab.new_item)
        self.grid.more_requested.connect(self.tab.show_day_list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.grid, 1)
        self.data: RangeData | None = None

    def title(self) -> str:
        return self.tr("月")

    def reload(self) -> None:
        month = self.tab.anchor.replace(day=1)
        first = month_grid_first(month.year, month.month)
        last = date.fromordinal(first.toordinal() + WEEKS * 7 - 1)
        self.bar.set_text(
            self.tr("{year} 年 {month} 月").format(year=month.year, month=month.month)
        )
        self.read(
            lambda session: load_range(session, first, last),
            lambda data: self._show(month, data),
        )

    def _show(self, month: date, data: RangeData) -> None:
        self.data = data
        self.grid.set_month(month, data)
        self.tab.show_missing_years(data)

    def set_colour_mode(self, mode: str) -> None:
        self.grid.set_colour_mode(mode)
        self.legend.show_mode(mode, self.tab.communities)

    def set_communities(self, communities: list[tuple[int, str]]) -> None:
        self.legend.show_mode(self.tab.colour_mode, communities)
