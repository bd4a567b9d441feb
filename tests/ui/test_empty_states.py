"""Empty states say what to do next, and their button does it: an empty database, no
communities, no members, a community without a QR code, an empty 积分商城."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QWidget,
)

from core.communities.qr import qr_info
from tests.core.communities.qr_images import qr_png
from tests.core.tiers.helpers import community, member
from tests.ui.conftest import when_shown
from ui.common.changes import Change, changes


def shown_empty(window, name: str) -> QWidget:
    empty = window.findChild(QWidget, name)
    assert empty is not None, name
    return empty


def click(qtbot, window, button_name: str) -> None:
    button = window.findChild(QPushButton, button_name)
    assert button is not None and button.isVisible(), button_name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def close_and_note(seen: list, name: str):
    def handle(dialog) -> None:
        seen.append(name)
        dialog.reject()

    return handle


def test_an_empty_database_offers_demo_data_import_and_a_first_community(
    make_window, sqlite_database, qtbot
):
    window = make_window(sqlite_database)
    empty = shown_empty(window, "overview_empty")
    assert empty.isVisible()
    seen = []

    when_shown("import_dialog", close_and_note(seen, "import"))
    click(qtbot, window, "overview_import_button")
    assert seen == ["import"]
    assert window.tabs.currentWidget() is window.members_tab

    window.tabs.setCurrentWidget(window.overview_tab)
    when_shown("community_dialog", close_and_note(seen, "community"))
    click(qtbot, window, "overview_new_community_button")
    qtbot.waitUntil(lambda: seen == ["import", "community"], timeout=60_000)

    window.tabs.setCurrentWidget(window.overview_tab)

    def reject_count_question() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QInputDialog) and widget.isVisible():
                seen.append("demo")
                widget.reject()
                return
        QTimer.singleShot(50, reject_count_question)

    QTimer.singleShot(50, reject_count_question)
    click(qtbot, window, "overview_demo_button")
    assert seen[-1] == "demo"


def test_no_communities_leads_to_the_first_one(make_window, sqlite_database, qtbot):
    window = make_window(sqlite_database)
    tab = window.communities_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.loaded, timeout=60_000)
    empty = shown_empty(window, "communities_empty")
    assert empty.isVisible() and not tab.table.isVisible()

    def fill_in(dialog) -> None:
        dialog.name.setText("麦香烘焙福利1群")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    when_shown("community_dialog", fill_in)
    click(qtbot, window, "communities_empty_new")
    qtbot.waitUntil(lambda: tab.table.isVisible(), timeout=60_000)
    assert not empty.isVisible()
    assert [row.name for row in tab.rows] == ["麦香烘焙福利1群"]


def test_no_members_leads_to_the_import_and_a_search_with_no_hit_does_not(
    make_window, sqlite_database, qtbot
):
    window = make_window(sqlite_database)
    tab = window.members_tab
    window.tabs.setCurrentWidget(tab)
    empty = shown_empty(window, "members_empty")
    qtbot.waitUntil(empty.isVisible, timeout=60_000)
    seen = []
    when_shown("import_dialog", close_and_note(seen, "import"))
    click(qtbot, window, "members_empty_import")
    assert seen == ["import"]

    with sqlite_database.session(write=True) as session:
        member(session, community(session, "晨跑群"), "阿强")
        session.commit()
    window.data_changed.emit(changes(Change.MEMBERS))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=60_000)
    assert tab.table.isVisible() and not empty.isVisible()
    # Nothing found is not "no members yet": the table (empty) stays, with the search.
    tab.filter_bar.search.setText("没有这个人")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=60_000)
    qtbot.waitUntil(lambda: "0" in tab.filter_bar.count_label.text(), timeout=60_000)
    assert tab.table.isVisible() and not empty.isVisible()


def test_a_community_without_a_qr_code_leads_to_adding_one(
    make_window, sqlite_database, qtbot, tmp_path, monkeypatch
):
    with sqlite_database.session(write=True) as session:
        cid = community(session, "晨跑群")
        session.commit()
    picture = tmp_path / "群二维码.png"
    picture.write_bytes(qr_png())
    # The file dialog is the operating system's; the file it returns is real.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(picture), ""))
    window = make_window(sqlite_database)
    tab = window.communities_tab
    window.tabs.setCurrentWidget(tab)
    panel = tab.detail.qr_panel
    qtbot.waitUntil(lambda: panel.community_id == cid, timeout=60_000)
    empty = shown_empty(window, "communities_qr_empty")
    qtbot.waitUntil(lambda: empty.isVisibleTo(tab), timeout=60_000)
    button = window.findChild(QPushButton, "communities_qr_empty_add")
    assert button.isVisibleTo(tab)
    button.click()
    qtbot.waitUntil(lambda: panel.info is not None and panel.info.image is not None, timeout=60_000)
    assert not empty.isVisibleTo(tab)
    with sqlite_database.session() as session:
        assert qr_info(session, cid).image is not None


def test_an_empty_catalogue_leads_to_the_first_reward(make_window, sqlite_database, qtbot):
    window = make_window(sqlite_database)
    tab = window.ledger_tab
    window.tabs.setCurrentWidget(tab)
    tab.sections.setCurrentWidget(tab.catalogue_page)  # 积分商城
    page = tab.catalogue_page
    empty = shown_empty(window, "ledger_rewards_empty")
    qtbot.waitUntil(empty.isVisible, timeout=60_000)
    assert not page.table.isVisible()

    def fill(dialog) -> None:
        dialog.findChild(QLineEdit, "ledger_reward_name").setText("定制帆布袋")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_shown("ledger_reward_dialog", fill)
    click(qtbot, window, "ledger_rewards_empty_new")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=60_000)
    assert page.table.isVisible() and not empty.isVisible()


def test_the_statement_before_a_member_is_chosen_says_to_choose_one(
    make_window, sqlite_database, qtbot
):
    with sqlite_database.session() as session:
        member_id = member(session, community(session), "王小丫")
    window = make_window(sqlite_database)
    tab = window.ledger_tab
    window.tabs.setCurrentWidget(tab)
    page = tab.statement_page
    empty = shown_empty(window, "ledger_statement_empty")
    qtbot.waitUntil(empty.isVisible, timeout=60_000)
    assert not page.table.isVisible()
    tab.select_member(member_id, "王小丫")
    qtbot.waitUntil(page.table.isVisible, timeout=60_000)
    assert not empty.isVisible()


def test_no_redemptions_show_where_they_come_from(make_window, sqlite_database, qtbot):
    window = make_window(sqlite_database)
    tab = window.ledger_tab
    window.tabs.setCurrentWidget(tab)
    tab.sections.setCurrentWidget(tab.fulfilment_page)  # 兑换发放
    empty = shown_empty(window, "ledger_redemptions_empty")
    qtbot.waitUntil(empty.isVisible, timeout=60_000)
    assert not tab.fulfilment_page.table.isVisible()
