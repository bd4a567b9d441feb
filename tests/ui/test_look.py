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


def test_the_members_title_shares_the_search_line(make_window, sqlite_database, qtbot):
    """The members page is the tallest: its title takes no line of its own above the table."""
    from PySide6.QtWidgets import QLineEdit, QPushButton

    window = make_window(sqlite_database)
    window.tabs.setCurrentWidget(window.members_tab)
    title = window.members_tab.findChild(QLabel, "members_title")
    qtbot.waitUntil(title.isVisible)
    search = window.members_tab.filter_bar.search
    clear = window.members_tab.findChild(QPushButton, "members_filter_clear")
    assert isinstance(search, QLineEdit)

    def middle(widget) -> int:
        return widget.mapTo(window, widget.rect().center()).y()

    assert abs(middle(title) - middle(search)) <= 4
    assert abs(middle(clear) - middle(search)) <= 4
