"""The main window as a user meets it: menus, tabs, remembered layout, first start, demo data."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QInputDialog,
    QMenu,
    QMessageBox,
    QWidget,
)

from core.common.config import load_config
from core.version import __version__
from tests.ui.conftest import when_shown
from ui.common.side_nav import SideNav
from ui.main_window import MainWindow


def test_window_has_menus_tabs_and_status_bar(make_window, sqlite_database):
    window = make_window(sqlite_database)
    assert window.findChild(SideNav, "main_tabs").count() >= 1
    for name in ("menu_file", "menu_data", "menu_help"):
        assert window.findChild(QMenu, name) is not None, name
    for name in (
        "action_backup",
        "action_restore",
        "action_settings",
        "action_quit",
        "action_demo",
        "action_about",
        "action_open_logs",
    ):
        assert window.findChild(QAction, name) is not None, name
    assert window.findChild(QAction, "action_backup").isEnabled()
    assert str(sqlite_database.file) in window.status_database.text()


def test_geometry_and_last_tab_are_remembered(make_window, sqlite_database, settings):
    window = make_window(sqlite_database)
    window.resize(777, 555)
    window.tabs.setCurrentIndex(window.tabs.count() - 1)
    window.close()
    again = make_window(sqlite_database)
    assert (again.width(), again.height()) == (777, 555)
    assert again.tabs.currentIndex() == again.tabs.count() - 1


def test_first_start_offers_demo_data_once_and_fills_the_database(
    make_window, sqlite_database, qtbot
):
    when_shown("first_start_dialog", lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    window = make_window(sqlite_database, offer_demo=True)
    qtbot.waitUntil(lambda: window.overview_tab.stats.members == 2000, timeout=60_000)

    # The dashboard's card: members at the period's end, team left out (core.reports).
    def members() -> int:
        board = window.overview_tab.board
        return 0 if board is None else board.report.kpi("members").value

    qtbot.waitUntil(lambda: members() > 0 and not window.overview_tab.busy(), timeout=60_000)
    assert members() <= 2000
    assert window.overview_tab.cards["members"].value.text() == f"{members():,}"
    assert "2,000" in window.status_counts.text()
    assert window.settings.value("first_start/asked", type=bool)


def test_first_start_prompt_can_be_declined(make_window, sqlite_database, qtbot):
    declined = []
    when_shown(
        "first_start_dialog",
        lambda box: (declined.append(True), box.button(QMessageBox.StandardButton.No).click()),
    )
    window = make_window(sqlite_database, offer_demo=True)
    qtbot.waitUntil(lambda: declined == [True])
    assert window.overview_tab.stats.members == 0
    assert window.overview_tab.demo_button.isVisible()


def test_first_start_prompt_comes_back_when_the_window_closed_before_an_answer(
    make_window, sqlite_database, qtbot
):
    shown = []

    def close_window_without_answering(box) -> None:
        shown.append(box)
        box.parent().close()
        box.done(0)  # the box goes away with the window; no button was pressed

    when_shown("first_start_dialog", close_window_without_answering)
    window = make_window(sqlite_database, offer_demo=True)
    qtbot.waitUntil(lambda: len(shown) == 1)
    assert not window.settings.value("first_start/asked", False, type=bool)

    when_shown(
        "first_start_dialog",
        lambda box: (shown.append(box), box.button(QMessageBox.StandardButton.No).click()),
    )
    again = make_window(sqlite_database, offer_demo=True)
    qtbot.waitUntil(lambda: len(shown) == 2)
    assert again.settings.value("first_start/asked", False, type=bool)


def test_demo_data_from_the_data_menu(make_window, sqlite_database, qtbot, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getInt", lambda *args, **kwargs: (60, True))
    window = make_window(sqlite_database)
    with qtbot.waitSignal(window.data_changed, timeout=60_000) as changed:
        window.findChild(QAction, "action_demo").trigger()
    assert "members" in changed.args[0]
    qtbot.waitUntil(lambda: window.overview_tab.stats.members == 60, timeout=60_000)
    assert not window.overview_tab.demo_button.isVisible()


def test_about_shows_version_and_data_location(make_window, sqlite_database):
    seen = []

    def read_and_close(box: QMessageBox) -> None:
        seen.append(box.text())
        box.accept()

    window = make_window(sqlite_database)
    when_shown("about_dialog", read_and_close)
    window.findChild(QAction, "action_about").trigger()
    assert __version__ in seen[0]
    assert str(sqlite_database.file) in seen[0]


def test_settings_dialog_saves_language_and_operator(make_window, sqlite_database):
    def fill(dialog) -> None:
        dialog.findChild(type(dialog.language), "settings_language").setCurrentIndex(
            dialog.language.findData("en")
        )
        dialog.operator.setText("小王")
        when_shown(
            "settings_restart_note", lambda box: box.accept()
        )  # the "takes effect after restart" note
        dialog.findChild(QDialogButtonBox, "settings_buttons").button(
            QDialogButtonBox.StandardButton.Save
        ).click()

    window = make_window(sqlite_database)
    when_shown("settings_dialog", fill)
    window.findChild(QAction, "action_settings").trigger()
    config = load_config()
    assert (config.language, config.operator) == ("en", "小王")


def test_english_interface_through_qt_translations(english, make_window, sqlite_database):
    window: MainWindow = make_window(sqlite_database)
    assert window.findChild(QMenu, "menu_file").title() == "&File"
    assert window.tabs.tabText(0) == "Overview"
    assert window.windowTitle() == "Community Workbench"
    assert QCoreApplication.translate("tasks", "取消") == "Cancel"


def test_chinese_is_the_default(make_window, sqlite_database):
    window = make_window(sqlite_database)
    assert window.findChild(QMenu, "menu_file").title() == "文件(&F)"
    assert window.tabs.tabText(0) == "概览"


def test_window_shows_before_the_database_is_open(app, qtbot, settings, sqlite_database):
    window = MainWindow(None, settings, offer_demo=False)
    qtbot.addWidget(window)
    window.show()
    assert window.tabs.count() == 1 and window.tabs.widget(0).objectName() == "main_opening"
    for name in ("action_backup", "action_import", "action_demo", "action_new_community"):
        assert not window.findChild(QAction, name).isEnabled(), name
    assert window.findChild(QAction, "action_settings").isEnabled()
    window.attach_database(sqlite_database)
    qtbot.waitUntil(lambda: window.overview_tab.stats is not None, timeout=60_000)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "概览",
        "社群",
        "成员",
        "分层",
        "积分",
        "活动",
        "内容日历",
        "海报",
    ]
    for name in ("action_backup", "action_import", "action_demo", "action_new_community"):
        assert window.findChild(QAction, name).isEnabled(), name


def test_poster_tab_is_built_when_first_opened(make_window, sqlite_database, qtbot):
    from ui.posters.designer import PosterDesigner

    window = make_window(sqlite_database)
    assert window.findChild(PosterDesigner, "posterDesigner") is None  # not at start-up
    window.tabs.setCurrentWidget(window.posters_tab)
    designer = window.findChild(PosterDesigner, "posterDesigner")
    assert designer is not None
    qtbot.waitUntil(lambda: designer.last_render is not None, timeout=60_000)
    assert designer.template is not None
    # Saving a template tells the other tabs; the designer's own list shows it.
    assert designer.save_as("开业海报")
    names = [designer.templates.list.item(i).text() for i in range(designer.templates.list.count())]
    assert any("开业海报" in name for name in names)


def test_posters_for_the_members_selected_in_the_members_tab(make_window, sqlite_database, qtbot):
    from PySide6.QtWidgets import QLabel, QPushButton, QRadioButton

    from tests.core.tiers.helpers import community, member

    with sqlite_database.session() as session:
        cid = community(session, "晨跑群")
        ids = [member(session, cid, name) for name in ("阿强", "小美", "老王")]
        session.commit()
    window = make_window(sqlite_database)
    window.tabs.setCurrentWidget(window.members_tab)
    tab = window.members_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=60_000)
    button = tab.findChild(QPushButton, "members_bulk_posters")
    assert not button.isEnabled()
    tab.select_member(ids[1])
    assert button.isEnabled()
    button.click()
    assert window.tabs.currentWidget() is window.posters_tab
    dialog = window.findChild(QWidget, "bulkPosterDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.findChild(QRadioButton, "bulkPosterBySelection").isChecked()
    count = dialog.findChild(QLabel, "bulkPosterCount")
    qtbot.waitUntil(lambda: "1 位成员" in count.text(), timeout=60_000)
    dialog.close()


def test_the_attention_count_reads_as_english_singular_and_plural(
    make_window, sqlite_database, english
):
    window = make_window(sqlite_database)
    window.communities_tab.attention_count_changed.emit(1)
    assert window.status_attention.text() == "1 item needs attention"
    window.communities_tab.attention_count_changed.emit(3)
    assert window.status_attention.text() == "3 items need attention"


def test_the_attention_count_in_chinese(make_window, sqlite_database):
    window = make_window(sqlite_database)
    window.communities_tab.attention_count_changed.emit(1)
    assert window.status_attention.text() == "需要处理 1 项"
