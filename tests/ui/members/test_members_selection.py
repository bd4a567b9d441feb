"""The detail panel follows the table: one member, a selection of many, any keyboard move."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from core.members.editing import create_member

MEMBERS = 60


@pytest.fixture
def tab(make_window, sqlite_database, qtbot):
    with sqlite_database.session() as session:
        for number in range(MEMBERS):
            create_member(session, f"成员{number:02d}")
    window = make_window(sqlite_database)
    window.tabs.setCurrentWidget(window.members_tab)
    tab = window.members_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == MEMBERS, timeout=60_000)
    return tab


def panel_member(tab) -> str | None:
    detail = tab.detail
    if detail.detail is None or detail.detail.id != detail.member_id:
        return None
    return detail.detail.fields["nickname"]


def test_many_selected_shows_the_count_and_the_bulk_actions(tab, qtbot):
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: panel_member(tab) == "成员00", timeout=60_000)
    tab.table.selectAll()
    summary = tab.detail.findChild(QWidget, "member_selection")
    qtbot.waitUntil(summary.isVisible, timeout=60_000)
    title = tab.detail.findChild(QLabel, "member_detail_title")
    assert title.text() == f"已选择 {MEMBERS} 人"
    assert not tab.detail.findChild(QWidget, "member_detail_editor").isVisible()
    buttons = {
        button.objectName(): button.text()
        for button in summary.findChildren(QPushButton)
        if button.isVisible()
    }
    assert buttons == {
        "member_selection_tag": "加标签",
        "member_selection_untag": "移除标签",
        "member_selection_community": "加入社群",
        "member_selection_role": "设置角色",
        "member_selection_activity": "记录行为…",
        "member_selection_posters": "生成海报…",
        "member_selection_export": "导出…",
    }
    # A button of the panel does what the tab's own button does, for the same selection.
    with qtbot.waitSignal(tab.posters_requested, timeout=60_000) as requested:
        summary.findChild(QPushButton, "member_selection_posters").click()
    assert len(requested.args[0]) == MEMBERS
    tab.table.selectRow(3)
    qtbot.waitUntil(lambda: panel_member(tab) == "成员03", timeout=60_000)
    assert not summary.isVisible()


@pytest.mark.parametrize(
    ("key", "modifiers", "expected"),
    [
        (Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier, f"成员{MEMBERS - 1}"),
        (Qt.Key.Key_End, Qt.KeyboardModifier.NoModifier, f"成员{MEMBERS - 1}"),
        (Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier, None),  # some row further down
        (Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier, "成员06"),
    ],
)
def test_the_panel_follows_every_keyboard_move(tab, qtbot, key, modifiers, expected):
    tab.table.setFocus()
    tab.table.selectRow(5)
    qtbot.waitUntil(lambda: panel_member(tab) == "成员05", timeout=60_000)
    qtbot.keyClick(tab.table, key, modifiers)
    current = tab.model.member_id(tab.table.currentIndex().row())
    assert tab.selected_ids() == [current]
    qtbot.waitUntil(lambda: tab.detail.member_id == current, timeout=60_000)
    qtbot.waitUntil(lambda: panel_member(tab) not in (None, "成员05"), timeout=60_000)
    if expected is not None:
        assert panel_member(tab) == expected
    # Home goes back to the first row, with or without Ctrl.
    qtbot.keyClick(tab.table, Qt.Key.Key_Home, modifiers)
    qtbot.waitUntil(lambda: panel_member(tab) == "成员00", timeout=60_000)


def test_the_selection_panel_in_english(english, tab, qtbot):
    tab.table.selectAll()
    summary = tab.detail.findChild(QWidget, "member_selection")
    qtbot.waitUntil(summary.isVisible, timeout=60_000)
    assert tab.detail.findChild(QLabel, "member_detail_title").text() == f"{MEMBERS} selected"
    assert summary.findChild(QLabel, "member_selection_hint").text() == (
        "With the selected members you can:"
    )


def test_nobody_selected_shows_an_empty_state_that_says_what_to_do(tab, qtbot):
    empty = tab.detail.findChild(QWidget, "member_detail_empty")
    assert empty is not None and empty.isVisible()
    assert empty.findChild(QLabel, "member_detail_empty_title").text() == "选择一位成员查看详情"
    assert "Ctrl" in empty.findChild(QLabel, "member_detail_empty_text").text()
    # The panel stays a side panel: the sentence wraps instead of widening it.
    assert tab.detail.minimumSizeHint().width() < 360
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: panel_member(tab) == "成员00", timeout=60_000)
    assert not empty.isVisible()
    assert tab.detail.findChild(QLabel, "member_detail_title").isVisible()
    tab.table.clearSelection()
    qtbot.waitUntil(empty.isVisible, timeout=60_000)
