"""等级规则 as an operator uses it: change thresholds and settings, give a community its own
ladder and take it away again, be told what is wrong, cancel, restore the defaults."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
)

from core.common.settings_store import get_setting
from core.tiers.ladder import (
    DEFAULT_LADDER,
    SHARED_KEY,
    Level,
    community_key,
    has_own_ladder,
    load_ladder,
    save_ladder,
)
from tests.core.communities.builders import add_community
from tests.ui.conftest import when_shown
from ui.tiers.ladder_dialog import LadderDialog


@pytest.fixture
def open_dialog(app, qtbot, sqlite_database):
    def open_(community_id: int | None = None) -> LadderDialog:
        dialog = LadderDialog(sqlite_database, community_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return open_


@pytest.fixture
def community(sqlite_database) -> int:
    with sqlite_database.session() as session:
        return add_community(session, "麦香烘焙福利1群")


def spin(dialog: LadderDialog, name: str) -> QSpinBox:
    found = dialog.findChild(QSpinBox, name)
    assert found is not None, name
    return found


def button(dialog: LadderDialog, name: str) -> QPushButton:
    found = dialog.findChild(QPushButton, name)
    assert found is not None, name
    return found


def press(dialog: LadderDialog, which: QDialogButtonBox.StandardButton) -> None:
    dialog.findChild(QDialogButtonBox, "ladderButtons").button(which).click()


def table(dialog: LadderDialog) -> QTableWidget:
    return dialog.findChild(QTableWidget, "levelsTable")


def names(dialog: LadderDialog) -> list[str]:
    grid = table(dialog)
    return [grid.item(row, 0).text() for row in range(grid.rowCount())]


def stored(database, key: str = SHARED_KEY):
    with database.session() as session:
        return get_setting(session, key)


def test_shows_the_default_ladder_when_nothing_is_stored(open_dialog):
    dialog = open_dialog()
    assert dialog.objectName() == "ladderDialog"
    assert dialog.findChild(QCheckBox, "ownLadderCheck") is None
    assert names(dialog) == [level.name for level in DEFAULT_LADDER.levels]
    assert spin(dialog, "windowDaysSpin").value() == 100
    assert spin(dialog, "lowWaterSpin").value() == 90
    assert spin(dialog, "graceDaysSpin").value() == 14
    assert spin(dialog, "coldStartSpin").value() == 50
    assert dialog.threshold_spin(2, "checkins").value() == 8
    assert dialog.threshold_spin(3, "active_days", all_time=True).value() == 60
    assert dialog.manual_check(4).isChecked()
    # the first level and the manual one have no criteria to edit
    assert not dialog.threshold_spin(0, "messages").isEnabled()
    assert not dialog.threshold_spin(4, "messages").isEnabled()
    assert dialog.threshold_spin(1, "messages").isEnabled()


def test_save_stores_changed_thresholds_and_settings(open_dialog, sqlite_database):
    dialog = open_dialog()
    saved = []
    dialog.saved.connect(saved.append)
    spin(dialog, "windowDaysSpin").setValue(60)
    spin(dialog, "lowWaterSpin").setValue(80)
    spin(dialog, "graceDaysSpin").setValue(7)
    spin(dialog, "coldStartSpin").setValue(0)
    dialog.threshold_spin(2, "checkins").setValue(12)
    dialog.threshold_spin(2, "messages").setValue(0)  # 0: no condition
    dialog.mode_tabs.setCurrentIndex(1)
    assert table(dialog).isColumnHidden(2) and not table(dialog).isColumnHidden(8)
    dialog.threshold_spin(3, "invites", all_time=True).setValue(5)
    assert "60" in dialog.mode_tabs.tabText(0)

    press(dialog, QDialogButtonBox.StandardButton.Ok)

    assert dialog.result() == QDialog.DialogCode.Accepted
    with sqlite_database.session() as session:
        ladder = load_ladder(session)
    assert (ladder.window_days, ladder.low_water, ladder.grace_days) == (60, 0.8, 7)
    assert ladder.cold_start_members == 0
    assert ladder.levels[2].window == {"active_days": 15, "checkins": 12}
    assert ladder.levels[3].all_time == {"active_days": 60, "invites": 5}
    assert [level.key for level in ladder.levels] == [level.key for level in DEFAULT_LADDER.levels]
    assert saved == [ladder]


def test_add_remove_and_move_levels(open_dialog, sqlite_database):
    dialog = open_dialog()
    grid = table(dialog)
    grid.setCurrentCell(1, 0)
    button(dialog, "addLevelButton").click()
    # added before the manual KOC/KOL, starting from the criteria of the level below it
    assert names(dialog) == ["新人", "参与者", "活跃成员", "核心成员", "新等级", "KOC/KOL"]
    assert grid.currentRow() == 4
    assert dialog.threshold_spin(4, "messages").value() == 100
    grid.item(4, 0).setText("骨干成员")
    dialog.threshold_spin(4, "messages").setValue(200)

    grid.setCurrentCell(1, 0)
    button(dialog, "removeLevelButton").click()
    assert names(dialog) == ["新人", "活跃成员", "核心成员", "骨干成员", "KOC/KOL"]

    grid.setCurrentCell(0, 0)
    assert not button(dialog, "removeLevelButton").isEnabled()
    assert not button(dialog, "moveUpButton").isEnabled()

    grid.setCurrentCell(2, 0)
    button(dialog, "moveDownButton").click()
    assert names(dialog) == ["新人", "活跃成员", "骨干成员", "核心成员", "KOC/KOL"]
    assert grid.currentRow() == 3
    button(dialog, "moveUpButton").click()
    button(dialog, "moveDownButton").click()

    press(dialog, QDialogButtonBox.StandardButton.Ok)
    with sqlite_database.session() as session:
        ladder = load_ladder(session)
    assert [(level.key, level.name) for level in ladder.levels] == [
        ("newcomer", "新人"),
        ("active", "活跃成员"),
        ("level_1", "骨干成员"),
        ("core", "核心成员"),
        ("kol", "KOC/KOL"),
    ]
    assert ladder.levels[2].window["messages"] == 200
    assert ladder.levels[3].window["messages"] == 100


def test_a_name_still_being_typed_is_saved(open_dialog, qtbot, sqlite_database):
    dialog = open_dialog()
    grid = table(dialog)
    grid.setCurrentCell(1, 0)
    grid.editItem(grid.item(1, 0))
    editor = grid.viewport().findChild(QLineEdit)
    assert editor is not None
    editor.setText("小伙伴")
    dialog.accept()
    with sqlite_database.session() as session:
        assert load_ladder(session).levels[1].name == "小伙伴"


def test_a_community_gets_its_own_ladder_and_gives_it_back(open_dialog, sqlite_database, community):
    dialog = open_dialog(community)
    own = dialog.findChild(QCheckBox, "ownLadderCheck")
    assert not own.isChecked()
    assert not dialog.editor.isEnabled()  # the shared ladder, shown read-only
    own.setChecked(True)
    assert spin(dialog, "graceDaysSpin").isEnabled()
    spin(dialog, "graceDaysSpin").setValue(30)
    dialog.threshold_spin(1, "active_days").setValue(2)
    press(dialog, QDialogButtonBox.StandardButton.Ok)

    with sqlite_database.session() as session:
        assert has_own_ladder(session, community)
        mine = load_ladder(session, community)
        assert load_ladder(session) == DEFAULT_LADDER
    assert mine.grace_days == 30 and mine.levels[1].window == {"active_days": 2}
    assert stored(sqlite_database) is None  # the shared ladder was not written

    again = open_dialog(community)
    own = again.findChild(QCheckBox, "ownLadderCheck")
    assert own.isChecked()
    assert spin(again, "graceDaysSpin").value() == 30
    own.setChecked(False)
    assert spin(again, "graceDaysSpin").value() == 14  # shows what it will follow
    own.setChecked(True)
    assert spin(again, "graceDaysSpin").value() == 30  # what was there comes back
    own.setChecked(False)
    press(again, QDialogButtonBox.StandardButton.Ok)

    with sqlite_database.session() as session:
        assert not has_own_ladder(session, community)
        assert load_ladder(session, community) == DEFAULT_LADDER
    assert stored(sqlite_database, community_key(community)) is None


def test_the_shared_ladder_is_what_a_new_own_ladder_starts_from(
    open_dialog, sqlite_database, community
):
    with sqlite_database.session() as session:
        save_ladder(session, dataclasses.replace(DEFAULT_LADDER, window_days=30))
    dialog = open_dialog(community)
    assert spin(dialog, "windowDaysSpin").value() == 30
    dialog.findChild(QCheckBox, "ownLadderCheck").setChecked(True)
    assert spin(dialog, "windowDaysSpin").value() == 30
    press(dialog, QDialogButtonBox.StandardButton.Ok)
    with sqlite_database.session() as session:
        assert load_ladder(session, community).window_days == 30


def _same_names(dialog: LadderDialog) -> None:
    table(dialog).item(2, 0).setText("参与者")


def _first_manual(dialog: LadderDialog) -> None:
    dialog.manual_check(0).setChecked(True)


def _empty_name(dialog: LadderDialog) -> None:
    table(dialog).item(3, 0).setText("  ")


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_same_names, "有两个等级都叫「参与者」"),
        (_first_manual, "第一个等级是每个人的起点"),
        (_empty_name, "第 4 个等级缺少名称"),
    ],
)
def test_invalid_input_is_explained_and_nothing_is_stored(
    open_dialog, qtbot, sqlite_database, community, spoil, message
):
    for community_id in (None, community):
        dialog = open_dialog(community_id)
        if community_id is not None:
            dialog.findChild(QCheckBox, "ownLadderCheck").setChecked(True)
        spin(dialog, "windowDaysSpin").setValue(45)
        spoil(dialog)
        seen = {}

        def acknowledge(box, seen=seen):
            seen["text"] = box.text()
            box.button(QMessageBox.StandardButton.Ok).click()

        when_shown("user_error_dialog", acknowledge)
        press(dialog, QDialogButtonBox.StandardButton.Ok)
        qtbot.waitUntil(lambda seen=seen: "text" in seen, timeout=60_000)

        assert message in seen["text"]
        assert dialog.isVisible()  # still open, with what was typed
        assert spin(dialog, "windowDaysSpin").value() == 45
        assert dialog.saved_ladder is None
        dialog.reject()
    assert stored(sqlite_database) is None
    assert stored(sqlite_database, community_key(community)) is None


def test_cancel_stores_nothing(open_dialog, sqlite_database, community):
    dialog = open_dialog()
    spin(dialog, "windowDaysSpin").setValue(200)
    dialog.threshold_spin(1, "active_days").setValue(9)
    button(dialog, "addLevelButton").click()
    press(dialog, QDialogButtonBox.StandardButton.Cancel)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert stored(sqlite_database) is None

    dialog = open_dialog(community)
    dialog.findChild(QCheckBox, "ownLadderCheck").setChecked(True)
    press(dialog, QDialogButtonBox.StandardButton.Cancel)
    with sqlite_database.session() as session:
        assert not has_own_ladder(session, community)


def test_restore_defaults(open_dialog, sqlite_database):
    custom = dataclasses.replace(
        DEFAULT_LADDER,
        window_days=30,
        low_water=0.75,
        levels=(
            Level("start", "路人"),
            Level("fan", "铁粉", window={"checkins": 20}),
            Level("star", "明星", manual=True),
        ),
    )
    with sqlite_database.session() as session:
        save_ladder(session, custom)
    dialog = open_dialog()
    assert names(dialog) == ["路人", "铁粉", "明星"]
    assert spin(dialog, "lowWaterSpin").value() == 75

    button(dialog, "restoreDefaultsButton").click()
    assert names(dialog) == [level.name for level in DEFAULT_LADDER.levels]
    assert spin(dialog, "windowDaysSpin").value() == 100
    assert spin(dialog, "lowWaterSpin").value() == 90
    with sqlite_database.session() as session:
        assert load_ladder(session) == custom  # nothing saved before 确定

    press(dialog, QDialogButtonBox.StandardButton.Ok)
    with sqlite_database.session() as session:
        assert load_ladder(session) == DEFAULT_LADDER


def test_new_levels_never_reuse_a_key(open_dialog, sqlite_database):
    with sqlite_database.session() as session:
        save_ladder(
            session,
            dataclasses.replace(
                DEFAULT_LADDER, levels=(Level("newcomer", "新人"), Level("level_1", "熟人"))
            ),
        )
    dialog = open_dialog()
    for _ in range(20):
        button(dialog, "addLevelButton").click()
    assert table(dialog).rowCount() == 12  # MAX_LEVELS
    assert not button(dialog, "addLevelButton").isEnabled()
    keys = [level["key"] for level in dialog.levels()]
    assert len(set(keys)) == len(keys)
    assert len(set(names(dialog))) == 12
    press(dialog, QDialogButtonBox.StandardButton.Ok)
    with sqlite_database.session() as session:
        assert len(load_ladder(session).levels) == 12


def test_the_wheel_scrolls_the_rules_not_the_number_under_the_cursor(open_dialog, qtbot):
    from PySide6.QtWidgets import QScrollArea

    from tests.ui.wheel import turn_wheel

    dialog = open_dialog()
    dialog.resize(dialog.width(), 420)  # a short screen: the rules scroll inside the dialog
    outer = dialog.findChild(QScrollArea, "ladderScroll").verticalScrollBar()
    qtbot.waitUntil(lambda: outer.maximum() > 0)
    window_days = spin(dialog, "windowDaysSpin")
    before = window_days.value()
    turn_wheel(window_days)
    assert window_days.value() == before
    assert outer.value() > 0

    table = dialog.findChild(QTableWidget, "levelsTable")
    threshold = dialog.rows[2].window["active_days"]
    scrolled, value = outer.value() + table.verticalScrollBar().value(), threshold.value()
    turn_wheel(threshold)
    assert threshold.value() == value
    assert outer.value() + table.verticalScrollBar().value() > scrolled
