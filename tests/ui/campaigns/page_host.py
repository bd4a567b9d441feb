"""A plain FeatureTab that hosts one page of the 活动 tab, so a page is tested on its own
(the tab itself, ui/campaigns/tab.py, is built elsewhere)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from ui.common.changes import Change, changes
from ui.common.tab import FeatureTab


class PageHost(FeatureTab):
    SHOWS = changes(Change.CAMPAIGNS)

    def __init__(self, database, page_class, size=(1100, 640)) -> None:
        super().__init__(database)
        self.page = page_class(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page)
        self.resize(*size)

    def reload(self, changed) -> None:
        self.page.reload()


def host(qtbot, database, page_class, size=(1100, 640)) -> PageHost:
    shown = PageHost(database, page_class, size)
    qtbot.addWidget(shown)
    shown.show()
    return shown
