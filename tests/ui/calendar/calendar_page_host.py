"""A plain FeatureTab that hosts one page of the 内容日历 tab, so a page is tested on its own
(the tab itself, ui/calendar/tab.py, is built elsewhere)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from ui.common.changes import Change, changes
from ui.common.tab import FeatureTab


class CalendarHost(FeatureTab):
    SHOWS = changes(Change.CALENDAR)

    def __init__(self, database, page_class) -> None:
        super().__init__(database)
        self.page = page_class(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page)
        self.announced: list = []
        self.data_changed.connect(self.announced.append)

    def reload(self, changed) -> None:
        self.page.reload()


def host(qtbot, database, page_class, size=(1100, 700)) -> CalendarHost:
    shown = CalendarHost(database, page_class)
    qtbot.addWidget(shown)
    shown.resize(*size)
    shown.show()
    return shown
