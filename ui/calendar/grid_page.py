"""What 月 and 周 share: a period bar (‹ 今天 › and the colour legend) over an item grid
(ui/calendar/item_grid.py) whose moves, edits and double-clicks go to the tab."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.calendar.data import RangeData, load_range
from ui.calendar.item_grid import ItemGrid
from ui.calendar.legend import ColourLegend
from ui.calendar.navigator import PeriodBar
from ui.calendar.page import CalendarPage
from ui.common.heat_grid import weekday_names

if TYPE_CHECKING:
    from ui.calendar.tab import CalendarTab


class GridPage(CalendarPage):
    def __init__(
        self,
        tab: CalendarTab,
        name: str,
        grid: ItemGrid,
        step: Callable[[date, int], date],
        parent: QWidget | None = None,
    ) -> None:
        """`name`: the objectNames' stem (`<name>_page`, the bar's); `step(anchor, n)`: the day
        in view n periods away."""
        super().__init__(tab, parent)
        self.setObjectName(f"{name}_page")
        self.bar = PeriodBar(name)
        self.bar.step.connect(lambda n: self.tab.set_anchor(step(self.tab.anchor, n)))
        self.bar.today.connect(lambda: self.tab.set_anchor(date.today()))
        self.legend = ColourLegend()
        self.bar.layout_.addWidget(self.legend, 1)
        self.legend.show_mode(self.tab.colour_mode, self.tab.communities)
        self.grid = grid
        grid.weekday_names = weekday_names()
        grid.move_requested.connect(self.tab.move_item)
        grid.edit_requested.connect(self.tab.edit_item)
        grid.new_requested.connect(self.tab.new_item)
        self.data: RangeData | None = None

    def lay_out(self, body: QWidget) -> None:
        """The bar above `body` (the grid, or what holds it)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(body, 1)

    def read_range(self, first: date, last: date, show: Callable[[RangeData], object]) -> None:
        """Read the items from `first` to `last` (only the latest read is shown), keep them in
        `data` and `show` them on the grid."""

        def shown(data: RangeData) -> None:
            self.data = data
            show(data)
            self.tab.show_missing_years(data)

        self.read(lambda session: load_range(session, first, last), shown)

    def set_colour_mode(self, mode: str) -> None:
        self.grid.set_colour_mode(mode)
        self.legend.show_mode(mode, self.tab.communities)

    def set_communities(self, communities: list[tuple[int, str]]) -> None:
        self.legend.show_mode(self.tab.colour_mode, communities)
