"""The look, checked where a test can see it: page titles, icon contrast, English casing, the
member detail's empty state, and the chart following the theme."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def test_every_page_shows_its_title(make_window, sqlite_database, qtbot):
    window = make_window(sqlite_database)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.widget(index)
        name = window.tabs.tabText(index)
        titles = [
            label
            for label in page.findChildren(QLabel)
            if label.property("pageTitle") and label.text() == name
        ]
        assert titles, f"page {page.objectName()} has no title {name!r}"
        qtbot.waitUntil(titles[0].isVisible)
