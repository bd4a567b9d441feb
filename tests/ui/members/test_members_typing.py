"""Typing while the members table has focus searches through the search box.

Qt's own type-ahead asked the lazily loaded model for every row's text: at 100000 members a
key froze the window for seconds. These tests count the pages the model loads from the
database (through the real loader) while the operator types into the table.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit, QTableView
from sqlalchemy import insert

import ui.members.model as members_model
from core.members.search_keys import member_search_keys
from db.models import Member

MEMBERS = 5000  # 50 pages of 100: a walk over the model could not hide among the pages shown


def _member(nickname: str, phone: str | None = None) -> dict:
    keys = member_search_keys(nickname, phone=phone)
    now = datetime(2026, 11, 1)
    return {
        "nickname": nickname,
        "phone": phone,
        "search_pinyin": keys.pinyin,
        "search_initials": keys.initials,
        "phone_tail": keys.phone_tail,
        "search_text": keys.text,
        "created_at": now,
        "updated_at": now,
    }


@pytest.fixture
def page_loads(monkeypatch) -> list[int]:
    """The size of each page the members model loads (the real loader, counted)."""
    loads: list[int] = []
    real = members_model.load_rows

    def counted(session, ids):
        loads.append(len(ids))
        return real(session, ids)

    monkeypatch.setattr(members_model, "load_rows", counted)
    return loads


@pytest.fixture
def big_table(make_window, sqlite_database, qtbot):
    # Names sorting before 张 fill the first screens, so no row near the top starts with
    # what the test types: Qt's type-ahead would have to walk far down to look for it.
    rows = [_member(f"阿{number:04d}") for number in range(MEMBERS - 1)]
    rows.append(_member("张小凡", phone="13800000016"))
    with sqlite_database.engine.begin() as connection:
        connection.execute(insert(Member), rows)
    window = make_window(sqlite_database)
    window.tabs.setCurrentWidget(window.members_tab)
    tab = window.members_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == MEMBERS, timeout=60_000)
    table = tab.findChild(QTableView, "members_table")
    table.setFocus()
    table.selectRow(0)
    return tab, table


def test_typing_in_the_table_searches_in_the_box_without_walking_the_model(
    big_table, page_loads, qtbot
):
    tab, table = big_table
    page_loads.clear()
    qtbot.keyClicks(table, "zxf")
    search = tab.findChild(QLineEdit, "members_search")
    assert search.text() == "zxf"
    assert search.hasFocus()  # the next keys go straight to the box
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=60_000)
    assert tab.model.index(0, 0).data() == "张小凡"
    # The rows shown, not the 50 pages a type-ahead over 5000 members would read.
    assert len(page_loads) <= 3, page_loads


def test_text_an_input_method_commits_goes_to_the_box(big_table, page_loads, qtbot):
    """Chinese is typed through an input method: its committed text is searched too."""
    from PySide6.QtGui import QInputMethodEvent

    tab, table = big_table
    page_loads.clear()
    event = QInputMethodEvent()
    event.setCommitString("张小")
    QGuiApplication.sendEvent(table, event)
    search = tab.findChild(QLineEdit, "members_search")
    assert search.text() == "张小"
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=60_000)
    assert len(page_loads) <= 3, page_loads


def test_pasting_into_the_table_searches_what_was_pasted(big_table, page_loads, qtbot):
    tab, table = big_table
    page_loads.clear()
    QGuiApplication.clipboard().setText("张小凡\n")  # copied from a chat, line end and all
    qtbot.keyClick(table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    search = tab.findChild(QLineEdit, "members_search")
    assert search.text() == "张小凡"
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=60_000)
    assert tab.model.index(0, 0).data() == "张小凡"
    assert len(page_loads) <= 3, page_loads


def test_keys_that_are_not_text_still_move_in_the_table(big_table, page_loads, qtbot):
    tab, table = big_table
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 1
    qtbot.keyClick(table, Qt.Key.Key_Space)  # a lone space is no search
    assert tab.findChild(QLineEdit, "members_search").text() == ""
    assert table.hasFocus()
