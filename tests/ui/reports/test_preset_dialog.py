"""报表预设 dialog: picking a built-in fills the form, saving the form under a name stores it,
a hostile name is refused and changes nothing, unticking 打码 warns, built-ins cannot be
deleted, a saved one can; what the dialog returns is the chosen preset and its dates."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QSpinBox,
)

from core.reports.period import PRESETS
from core.reports.presets import Preset, find_preset, list_presets, save_preset
from tests.core.reports.helpers import group
from tests.ui.conftest import when_shown
from ui.reports.preset_dialog import SHEET_KEYS, PresetDialog

TODAY = date(2026, 12, 2)


@pytest.fixture
def dialog(app, qtbot, sqlite_database):
    with sqlite_database.session(write=True) as session:
        group(session, "读书会")
        group(session, "烘焙群")
    made = PresetDialog(sqlite_database, today=TODAY)
    qtbot.addWidget(made)
    made.show()
    return made


def boxes(dialog) -> dict[str, QCheckBox]:
    return {s: dialog.findChild(QCheckBox, f"presetSheet_{k}") for s, k in SHEET_KEYS.items()}


def ticked(dialog) -> tuple[str, ...]:
    return tuple(sheet for sheet, box in boxes(dialog).items() if box.isChecked())


def test_a_built_in_fills_the_form_and_cannot_be_deleted(dialog):
    combo = dialog.findChild(QComboBox, "presetCombo")
    assert [combo.itemData(i) for i in range(combo.count())] == ["周报", "月报"]
    assert ticked(dialog) == PRESETS["weekly"]
    assert dialog.findChild(QComboBox, "presetPeriod").currentData() == "last-week"
    assert not dialog.findChild(QPushButton, "presetDelete").isEnabled()
    assert dialog.chosen().name == "周报" and dialog.chosen().builtin
    assert dialog.dates() == (date(2026, 11, 23), date(2026, 11, 29))
    combo.setCurrentIndex(1)
    assert ticked(dialog) == PRESETS["monthly"]
    assert dialog.dates() == (date(2026, 11, 1), date(2026, 11, 30))
    boxes(dialog)["积分"].setChecked(False)
    assert dialog.chosen().name == ""  # changed: no longer 月报 itself


def test_the_form_saved_under_a_name_comes_back(dialog, sqlite_database):
    for sheet, box in boxes(dialog).items():
        box.setChecked(sheet in ("概览", "留存"))
    period = dialog.findChild(QComboBox, "presetPeriod")
    period.setCurrentIndex(period.findData("days"))
    days = dialog.findChild(QSpinBox, "presetDays")
    assert days.isVisible()
    days.setValue(14)
    community = dialog.findChild(QComboBox, "presetCommunity")
    community.setCurrentIndex(community.findData("读书会"))
    dialog.findChild(QCheckBox, "presetImage").setChecked(True)

    def answer(name_dialog) -> None:
        name_dialog.setTextValue("  周一给老板  ")
        name_dialog.accept()

    when_shown("presetNameDialog", answer)
    dialog.findChild(QPushButton, "presetSave").click()
    with sqlite_database.session() as session:
        stored = find_preset(session, "周一给老板")
    assert stored == Preset("周一给老板", ("概览", "留存"), "days:14", "读书会", True, True)
    combo = dialog.findChild(QComboBox, "presetCombo")
    assert combo.currentData() == "周一给老板"
    assert dialog.findChild(QPushButton, "presetDelete").isEnabled()
    assert dialog.chosen() == stored
    assert dialog.dates() == (date(2026, 11, 18), date(2026, 12, 1))

    combo.setCurrentIndex(0)  # 周报, then back: the form shows the saved preset again
    combo.setCurrentIndex(combo.findData("周一给老板"))
    assert ticked(dialog) == ("概览", "留存") and days.value() == 14
    assert community.currentText() == "读书会"

    when_shown("presetDeleteConfirm", lambda box: box.button(box.StandardButton.Yes).click())
    dialog.findChild(QPushButton, "presetDelete").click()
    with sqlite_database.session() as session:
        assert [p.name for p in list_presets(session)] == ["周报", "月报"]
    assert combo.count() == 2


def test_a_name_in_use_is_replaced_only_when_confirmed(dialog, sqlite_database):
    with sqlite_database.session(write=True) as session:
        save_preset(session, Preset("我的", ("活动",)))
    dialog.reload(select="我的")
    boxes(dialog)["积分"].setChecked(True)
    when_shown("presetReplaceConfirm", lambda box: box.reject())
    assert dialog.save_as("我的") is False
    with sqlite_database.session() as session:
        assert find_preset(session, "我的").sheets == ("活动",)
    when_shown("presetReplaceConfirm", lambda box: box.button(box.StandardButton.Yes).click())
    assert dialog.save_as("我的") is True
    with sqlite_database.session() as session:
        assert find_preset(session, "我的").sheets == ("活动", "积分")


@pytest.mark.parametrize(
    "name, refusal",
    [("坏\x1b[2J名", "不能含控制字符"), ("x" * 10_000, "最长 40 个字符"), ("周报", "内置")],
)
def test_a_bad_name_is_refused_in_a_message_and_changes_nothing(
    dialog, sqlite_database, name, refusal
):
    messages = []

    def read(box) -> None:
        messages.append(box.text())
        box.accept()

    when_shown("user_error_dialog", read)
    assert dialog.save_as(name) is False
    assert len(messages) == 1 and refusal in messages[0] and "\n" not in messages[0]
    with sqlite_database.session() as session:
        assert [p.name for p in list_presets(session)] == ["周报", "月报"]


def test_unticking_the_mask_warns_that_the_export_is_logged(dialog):
    warning = dialog.findChild(QLabel, "presetMaskWarning")
    assert not warning.isVisible()
    dialog.findChild(QCheckBox, "presetMask").setChecked(False)
    assert warning.isVisible() and "导出日志" in warning.text()
    assert dialog.chosen().mask is False


def test_custom_dates_and_no_sheets(dialog):
    period = dialog.findChild(QComboBox, "presetPeriod")
    period.setCurrentIndex(period.findData("custom"))
    assert dialog.findChild(QSpinBox, "presetDays").isHidden()
    assert dialog.dates() == (date(2026, 11, 23), date(2026, 11, 29))  # editable dates
    for box in boxes(dialog).values():
        box.setChecked(False)
    ok = dialog.findChild(QDialogButtonBox, "presetButtons").button(
        QDialogButtonBox.StandardButton.Ok
    )
    assert not ok.isEnabled() and not dialog.findChild(QPushButton, "presetSave").isEnabled()
