"""周: seven days × hours (ui/calendar/week_grid.py) in a scroll area opened at the morning."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QScrollArea

from ui.calendar.data import RangeData, week_first
from ui.calendar.grid_page import GridPage
from ui.calendar.week_grid import HOUR, WeekGrid

MORNING = 7  # the first hour in view when the page opens


def add_weeks(day: date, weeks: int) -> date:
    return day + timedelta(days=7 * weeks)


class WeekPage(GridPage):
    def __init__(self, tab, parent=None) -> None:
        super().__init__(tab, "calendar_week", WeekGrid(), add_weeks, parent)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("calendar_week_scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.grid)
        # the grid's day names stay on top: repaint it whole, not by scrolled pixels
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _v: self.grid.update())
        self.lay_out(self.scroll)
        self._scrolled = False

    def title(self) -> str:
        return self.tr("周")

    def reload(self) -> None:
        first = week_first(self.tab.anchor)
        last = first + timedelta(days=6)
        self.bar.set_text(f"{first:%Y-%m-%d} – {last:%m-%d}")
        self.read_range(first, last, lambda data: self._show(first, data))

    def _show(self, first: date, data: RangeData) -> None:
        self.grid.set_week(first, data)
        if not self._scrolled:
            self._scrolled = True
            QTimer.singleShot(
                0, self, lambda: self.scroll.verticalScrollBar().setValue(MORNING * HOUR)
            )
