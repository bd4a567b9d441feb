"""A communities tab over a fresh SQLite database, and helpers to wait for what it loads."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool

from ui.communities.tab import CommunitiesTab


@pytest.fixture
def open_tab(app, qtbot, sqlite_database):
    """open_tab() → a shown tab whose list has loaded. Background work is finished before the
    database closes (this fixture is torn down first: it depends on the database)."""
    tabs = []

    def open_() -> CommunitiesTab:
        tab = CommunitiesTab(sqlite_database)
        qtbot.addWidget(tab)
        tab.resize(1280, 800)
        tab.show()
        tab.refresh()
        qtbot.waitUntil(lambda: tab.loaded, timeout=60_000)
        tabs.append(tab)
        return tab

    yield open_
    QThreadPool.globalInstance().waitForDone(10_000)
