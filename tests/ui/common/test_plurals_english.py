"""English that agrees with its number: "1 day" / "3 days", "1 time" / "2 times", through Qt's
plural forms; the Chinese reads as before."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSpinBox

from ui.activity.entry_dialog import ActivityEntryDialog
from ui.common.units import Units
from ui.members.filter_bar import MemberFilterBar
from ui.tiers.ladder_dialog import LadderDialog


def test_units_agree_with_their_number(app, english):
    units = Units()
    assert [units.days(1), units.days(3)] == ["1 day", "3 days"]
    assert [units.times(1), units.times(2)] == ["1 time", "2 times"]
    assert [units.points(1), units.points(20)] == ["1 pt", "20 pts"]
    assert [units.members(1), units.members(50)] == ["1 member", "50 members"]
    assert units.days_left(1) == "1 day left"


def test_units_in_chinese_read_as_before(app):
    units = Units()
    assert [units.days(1), units.times(3), units.days_left(2)] == ["1 天", "3 次", "剩 2 天"]


def test_a_spin_box_unit_follows_its_value(app, english, qtbot, sqlite_database):
    dialog = ActivityEntryDialog(sqlite_database, [1, 2], None)
    qtbot.addWidget(dialog)
    count = dialog.findChild(QSpinBox, "entryCount")
    assert (count.value(), count.suffix()) == (1, " time")
    count.setValue(2)
    assert count.text() == "2 times"

    ladder = LadderDialog(sqlite_database, None)
    qtbot.addWidget(ladder)
    grace = ladder.findChild(QSpinBox, "graceDaysSpin")
    grace.setValue(1)
    assert grace.text() == "1 day"
    grace.setValue(14)
    assert grace.text() == "14 days"
    assert ladder.findChild(QSpinBox, "lowWaterSpin").text() == "90%"


def test_the_member_count_agrees_and_keeps_its_separators(app, english, qtbot):
    bar = MemberFilterBar()
    qtbot.addWidget(bar)
    label = bar.count_label
    bar.set_count(1)
    assert label.text() == "1 member"
    bar.set_count(12345)
    assert label.text() == "12,345 members"


def test_the_member_count_in_chinese(app, qtbot):
    bar = MemberFilterBar()
    qtbot.addWidget(bar)
    bar.set_count(12345)
    assert bar.count_label.text() == "12,345 人"
    assert isinstance(bar.count_label, QLabel)
