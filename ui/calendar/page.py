"""One page of the 内容日历 tab (月, 周, 列表, and the pages other modules add to PAGES).

The tab (ui/calendar/tab.py) holds what the pages share: the day in view (`tab.anchor`), the
colour mode, the undo stack and the write helpers (`tab.move_item`, `tab.edit_item`). A page
implements `title` and `reload`; it reads through `self.tab.tasks`, so the tab's `busy()` covers
its work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ui.calendar.tab import CalendarTab


class CalendarPage(QWidget):
    def __init__(self, tab: CalendarTab, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tab = tab
        self._reads = 0

    def read(self, work, show) -> None:
        """`tab.tasks.read`, where only the latest read is shown: paging quickly (or a
        reload while one is in flight) never ends on an older month."""
        self._reads += 1
        token = self._reads

        def latest(result) -> None:
            if token == self._reads:
                show(result)

        self.tab.tasks.read(work, latest)

    def title(self) -> str:
        """The page's tab text: `return self.tr("月")` (a literal, so lupdate finds it)."""
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def set_colour_mode(self, mode: str) -> None:
        """The tiles coloured by type or by community (pages without tiles ignore it)."""
