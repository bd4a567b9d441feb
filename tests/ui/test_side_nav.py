"""The left sidebar: one entry per page with icon and name; a click, Ctrl+1…9 and Ctrl+Tab
switch pages; the poster designer is still built only when its page is first opened."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QStackedWidget

from ui.posters.designer import PosterDesigner

NAMES = ["概览", "社群", "成员", "分层", "积分", "活动", "内容日历", "海报"]


def nav_of(window) -> QListWidget:
    return window.findChild(QListWidget, "main_nav")


def test_every_page_has_an_entry_with_icon_and_name(make_window, sqlite_database):
    window = make_window(sqlite_database)
    nav = nav_of(window)
    assert [nav.item(row).text() for row in range(nav.count())] == NAMES
    assert all(not nav.item(row).icon().isNull() for row in range(nav.count()))
    # Wide enough for the longest name with its icon: nothing is cut.
    widest = max(nav.visualItemRect(nav.item(row)).width() for row in range(nav.count()))
    needed = max(nav.fontMetrics().horizontalAdvance(name) for name in NAMES) + 20
    assert widest >= needed


def test_a_click_in_the_sidebar_opens_the_page(make_window, sqlite_database, qtbot):
    window = make_window(sqlite_database)
    nav, pages = nav_of(window), window.findChild(QStackedWidget, "main_pages")
    assert window.findChild(PosterDesigner, "posterDesigner") is None
    for row, page in (
        (2, window.members_tab),
        (4, window.ledger_tab),
        (5, window.campaigns_tab),
        (6, window.calendar_tab),
        (7, window.posters_tab),
    ):
        rect = nav.visualItemRect(nav.item(row))
        qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert pages.currentWidget() is page
        assert window.tabs.currentWidget() is page and page.isVisible()
    assert window.findChild(PosterDesigner, "posterDesigner") is not None  # built on opening


def test_keyboard_ctrl_number_and_ctrl_tab(make_window, sqlite_database, qtbot):
    window = make_window(sqlite_database)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.members_tab.setFocus()
    control = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(window, Qt.Key.Key_3, control)
    assert window.tabs.currentWidget() is window.members_tab
    assert nav_of(window).currentRow() == 2
    qtbot.keyClick(window, Qt.Key.Key_1, control)
    assert window.tabs.currentWidget() is window.overview_tab
    qtbot.keyClick(window, Qt.Key.Key_Tab, control)
    assert window.tabs.currentWidget() is window.communities_tab
    qtbot.keyClick(window, Qt.Key.Key_Backtab, control | Qt.KeyboardModifier.ShiftModifier)
    assert window.tabs.currentWidget() is window.overview_tab
    qtbot.keyClick(window, Qt.Key.Key_Backtab, control | Qt.KeyboardModifier.ShiftModifier)
    assert window.tabs.currentWidget() is window.posters_tab  # round to the last page
    qtbot.keyClick(window, Qt.Key.Key_9, control)  # no ninth page: nothing happens
    assert window.tabs.currentWidget() is window.posters_tab


def test_the_members_table_keeps_ctrl_tab_for_the_pages(make_window, sqlite_database, qtbot):
    """Typing in a table goes to its search box; Ctrl+Tab still leaves the page."""
    window = make_window(sqlite_database)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.tabs.setCurrentWidget(window.members_tab)
    table = window.members_tab.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.tiers_tab
