"""The 成员 tab as an operator uses it: search, filter, sort, select, edit, undo, bulk, export."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QInputDialog, QLineEdit, QPushButton, QTableView
from sqlalchemy import func, select

from core.demo.generate import generate_demo
from core.members.editing import create_member, set_member_tags
from db.models import ExportLog, Member, MemberTag
from tests.ui.conftest import when_shown


@pytest.fixture
def tab_with_people(make_window, sqlite_database, qtbot):
    with sqlite_database.session() as session:
        ids = {
            "zhang": create_member(session, "张小凡", phone="13800000016"),
            "li": create_member(session, "李四", remark="老顾客"),
            "wang": create_member(session, "王五"),
        }
        set_member_tags(session, ids["li"], ["VIP"])
    window = make_window(sqlite_database)
    window.tabs.setCurrentWidget(window.members_tab)
    tab = window.members_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=60_000)
    return window, tab, ids


def shown_nicknames(tab) -> list[str]:
    return [tab.model.index(row, 0).data() for row in range(tab.model.rowCount())]


def test_search_by_initials_and_phone_tail(tab_with_people, qtbot):
    _, tab, _ = tab_with_people
    search = tab.findChild(QLineEdit, "members_search")
    qtbot.keyClicks(search, "zxf")
    qtbot.waitUntil(lambda: shown_nicknames(tab) == ["张小凡"], timeout=60_000)
    assert "1 人" in tab.filter_bar.count_label.text()
    search.clear()
    qtbot.keyClicks(search, "0016")
    qtbot.waitUntil(lambda: shown_nicknames(tab) == ["张小凡"], timeout=60_000)
    search.clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=60_000)


def test_phone_is_masked_unless_asked(tab_with_people, qtbot):
    _, tab, _ = tab_with_people
    phones = [tab.model.index(row, 3).data() for row in range(3)]
    assert "138****0016" in phones and "13800000016" not in phones
    tab.full_phone.setChecked(True)
    phones = [tab.model.index(row, 3).data() for row in range(3)]
    assert "13800000016" in phones


def test_tag_filter_and_clear(tab_with_people, qtbot):
    _, tab, _ = tab_with_people
    combo = tab.findChild(QComboBox, "members_filter_tag")
    qtbot.waitUntil(lambda: combo.count() == 2, timeout=60_000)
    combo.setCurrentIndex(combo.findText("VIP"))
    qtbot.waitUntil(lambda: shown_nicknames(tab) == ["李四"], timeout=60_000)
    tab.findChild(QPushButton, "members_filter_clear").click()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=60_000)


def test_header_click_sorts_in_the_database(tab_with_people, qtbot):
    _, tab, _ = tab_with_people
    assert shown_nicknames(tab) == ["李四", "王五", "张小凡"]  # pinyin order
    table = tab.findChild(QTableView, "members_table")
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: shown_nicknames(tab) == ["张小凡", "王五", "李四"], timeout=60_000)


def test_edit_in_place_then_undo(tab_with_people, qtbot, sqlite_database):
    _, tab, ids = tab_with_people
    tab.select_member(ids["wang"])
    detail = tab.detail
    qtbot.waitUntil(lambda: detail.detail is not None and detail.detail.id == ids["wang"])
    detail.findChild(QLineEdit, "member_field_nickname").setText("王小五")
    detail.findChild(QLineEdit, "member_field_city").setText("杭州")
    detail.findChild(QLineEdit, "member_field_tags").setText("新客，试吃")
    detail.findChild(QPushButton, "member_save").click()
    qtbot.waitUntil(lambda: "王小五" in shown_nicknames(tab), timeout=60_000)
    with sqlite_database.session() as session:
        member = session.get(Member, ids["wang"])
        assert (member.nickname, member.city) == ("王小五", "杭州")
        assert "wxw" in member.search_text
    undo = detail.findChild(QPushButton, "member_undo")
    assert undo.isEnabled()
    undo.click()
    qtbot.waitUntil(lambda: not undo.isEnabled(), timeout=60_000)  # the undo has been written
    qtbot.waitUntil(lambda: "王五" in shown_nicknames(tab), timeout=60_000)
    with sqlite_database.session() as session:
        member = session.get(Member, ids["wang"])
        assert (member.nickname, member.city) == ("王五", "")
        tags = session.scalar(
            select(func.count()).select_from(MemberTag).where(MemberTag.member_id == ids["wang"])
        )
    assert tags == 0


def test_a_bad_phone_is_refused_with_its_reason(tab_with_people, qtbot, sqlite_database):
    _, tab, ids = tab_with_people
    tab.select_member(ids["li"])
    qtbot.waitUntil(lambda: tab.detail.detail is not None)
    tab.detail.findChild(QLineEdit, "member_field_phone").setText("12345")
    messages = []
    when_shown("user_error_dialog", lambda box: (messages.append(box.text()), box.accept()))
    tab.detail.findChild(QPushButton, "member_save").click()
    qtbot.waitUntil(lambda: bool(messages), timeout=60_000)
    assert "手机号" in messages[0]
    with sqlite_database.session() as session:
        assert session.get(Member, ids["li"]).phone is None


def test_bulk_tag_on_a_selection(tab_with_people, qtbot, monkeypatch, sqlite_database):
    window, tab, _ = tab_with_people
    tab.table.selectAll()
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("团购", True))
    with qtbot.waitSignal(window.data_changed, timeout=60_000):
        tab.findChild(QPushButton, "members_bulk_tag").click()
    with sqlite_database.session() as session:
        assert session.scalar(select(func.count()).select_from(MemberTag)) == 4
    qtbot.waitUntil(
        lambda: all("团购" in (tab.model.index(r, 7).data() or "") for r in range(3)),
        timeout=60_000,
    )


def test_export_is_masked_by_default_and_logged(
    tab_with_people, qtbot, monkeypatch, tmp_path, sqlite_database
):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    _, tab, _ = tab_with_people
    target = tmp_path / "members.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    when_shown("export_confirm", lambda box: box.button(QMessageBox.StandardButton.Ok).click())
    with qtbot.waitSignal(tab.exported, timeout=60_000):  # written and logged
        tab.findChild(QPushButton, "members_export").click()
    sheet = openpyxl.load_workbook(target).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "138****0016" in values and "13800000016" not in values
    with sqlite_database.session() as session:
        log = session.scalars(select(ExportLog)).one()
    assert (log.row_count, log.masked) == (3, True)


def test_a_large_table_opens_and_scrolls_loading_only_what_it_shows(
    make_window, sqlite_database, qtbot
):
    """Not a timing test: the model holds ids and loads only the pages it shows."""
    with sqlite_database.engine.begin() as connection:
        generate_demo(connection, 3000, seed=9)
    window = make_window(sqlite_database)
    window.tabs.setCurrentWidget(window.members_tab)
    tab = window.members_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3000, timeout=60_000)
    tab.table.scrollToBottom()
    last = tab.model.index(2999, 0).data()
    assert last
    assert len(tab.model._pages) <= 3  # the first page and the last ones, not all 30


def test_merge_and_import_buttons_open_their_dialogs(tab_with_people):
    _, tab, _ = tab_with_people
    opened = []
    for button, dialog_name in (
        ("members_merge", "merge_dialog"),
        ("members_import", "import_dialog"),
    ):
        when_shown(dialog_name, lambda dialog, n=dialog_name: (opened.append(n), dialog.reject()))
        tab.findChild(QPushButton, button).click()
    assert opened == ["merge_dialog", "import_dialog"]
