"""月: the month grid (ui/calendar/month_grid.py) with ‹ 今天 › above it."""

from __future__ import annotations

from datetime import date

from ui.calendar.data import month_grid_first
from ui.calendar.grid_page import GridPage
from ui.calendar.month_grid import WEEKS, MonthGrid


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class MonthPage(GridPage):
    def __init__(self, tab, parent=None) -> None:
        super().__init__(tab, "calendar_month", MonthGrid(), add_months, parent)
        self.grid.more_requested.connect(self.tab.show_day_list)
        self.lay_out(self.grid)

    def title(self) -> str:
        return self.tr("月")

    def reload(self) -> None:
        month = self.tab.anchor.replace(day=1)
        first = month_grid_first(month.year, month.month)
        last = date.fromordinal(first.toordinal() + WEEKS * 7 - 1)
        self.bar.set_text(
            self.tr("{year} 年 {month} 月").format(year=month.year, month=month.month)
        )
        self.read_range(first, last, lambda data: self.grid.set_month(month, data))
