"""周: seven days × hours (ui/calendar/week_grid.py) in a scroll area opened at the morning."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QScrollArea, QVBoxLayout

from ui.calendar.data import RangeData, load_range, week_first
from ui.calendar.legend import ColourLegend
from ui.calendar.navigator import PeriodBar
from ui.calendar.page import CalendarPage
from ui.calendar.week_grid import HOUR, WeekGrid
from ui.common.heat_grid import weekday_names

MORNING = 7  # the first hour in view when the page opens


class WeekPage(CalendarPage):
    def __init__(self, tab, parent=None) -> None:
        super().__init__(tab, parent)
        self.setObjectName("calendar_week_page")
        self.bar = PeriodBar("calendar_week")
        self.bar.step.connect(
            lambda step: self.tab.set_anchor(self.tab.anchor + timedelta(days=7 * step))
        )
        self.bar.today.connect(lambda: self.tab.set_anchor(date.today()))
        self.legend = ColourLegend()
        self.bar.layout_.addWidget(self.legend, 1)
        self.legend.show_mode(self.tab.colour_mode, self.tab.communities)
        self.grid = WeekGrid()
        self.grid.weekday_names = weekday_names()
        self.grid.move_requested.connect(self.tab.move_item)
        self.grid.edit_requested.connect(self.tab.edit_item)
        self.grid.new_requested.connect(self.tab.new_item)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("calendar_week_scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.grid)
        # the grid's day names stay on top: repaint it whole, not by scrolled pixels
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _v: self.grid.update())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.scroll, 1)
        self.data: RangeData | None = None
        self._scrolled = False

    def title(self) -> str:
        return self.tr("周")

    def reload(self) -> None:
        first = week_first(self.tab.anchor)
        last = first + timedelta(days=6)
        self.bar.set_text(f"{first:%Y-%m-%d} – {last:%m-%d}")
        self.read(
            lambda session: load_range(session, first, last),
            lambda data: self._show(first, data),
        )

    def _show(self, first: date, data: RangeData) -> None:
        self.data = data
        self.grid.set_week(first, data)
        self.tab.show_missing_years(data)
        if not self._scrolled:
            self._scrolled = True
            QTimer.singleShot(
                0, self, lambda: self.scroll.verticalScrollBar().setValue(MORNING * HOUR)
            )

    def set_colour_mode(self, mode: str) -> None:
        self.grid.set_colour_mode(mode)
        self.legend.show_mode(mode, self.tab.communities)

    def set_communities(self, communities: list[tuple[int, str]]) -> None:
        self.legend.show_mode(self.tab.colour_mode, communities)
