"""GUI: 记录行为 — quick entry for the selected members."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QDoubleSpinBox, QPushButton, QSpinBox
from sqlalchemy import select

from db.models import ActivityEvent, Member
from tests.core.tiers.helpers import community, member
from ui.activity.entry_dialog import ActivityEntryDialog


def test_entry_records_each_selected_member_and_moves_last_active(app, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        cid = community(session, "晨跑群")
        ids = [member(session, cid, f"跑友{n}") for n in range(3)]
        session.commit()
    dialog = ActivityEntryDialog(sqlite_database, ids[:2], cid)
    qtbot.addWidget(dialog)
    kind = dialog.findChild(QComboBox, "entryKind")
    amount = dialog.findChild(QDoubleSpinBox, "entryAmount")
    assert not amount.isEnabled()
    kind.setCurrentIndex(kind.findData("purchase"))
    assert amount.isEnabled()
    amount.setValue(38.5)
    dialog.findChild(QSpinBox, "entryCount").setValue(2)
    day = date.today() - timedelta(days=2)
    dialog.day.setDate(QDate(day.year, day.month, day.day))
    with qtbot.waitSignal(dialog.recorded, timeout=60_000) as signal:
        dialog.findChild(QDialogButtonBox, "entryButtons").button(
            QDialogButtonBox.StandardButton.Ok
        ).click()
    assert signal.args == [4]
    with sqlite_database.session() as session:
        rows = session.execute(
            select(ActivityEvent.member_id, ActivityEvent.kind, ActivityEvent.amount_cents)
        ).all()
        last_active = session.get(Member, ids[0]).last_active_at
        untouched = session.get(Member, ids[2]).last_active_at
    assert sorted(rows) == sorted(
        [(ids[0], "purchase", 3850)] * 2 + [(ids[1], "purchase", 3850)] * 2
    )
    assert last_active.date() == day and untouched is None


def test_a_future_day_cannot_be_chosen(app, qtbot, sqlite_database):
    with sqlite_database.session() as session:
        cid = community(session)
        mid = member(session, cid)
        session.commit()
    dialog = ActivityEntryDialog(sqlite_database, [mid], cid)
    qtbot.addWidget(dialog)
    tomorrow = QDate.currentDate().addDays(1)
    dialog.day.setDate(tomorrow)
    assert dialog.day.date() == QDate.currentDate()


def test_members_tab_opens_the_entry_for_its_selection(app, qtbot, sqlite_database, make_window):
    from tests.ui.conftest import when_shown

    with sqlite_database.session() as session:
        cid = community(session, "晨跑群")
        member(session, cid, "跑友")
        session.commit()
    window = make_window(sqlite_database)
    tab = window.members_tab
    window.tabs.setCurrentWidget(tab)
    button = tab.findChild(QPushButton, "members_bulk_activity")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=60_000)
    assert not button.isEnabled()
    tab.table.selectRow(0)
    assert button.isEnabled()

    def fill(dialog) -> None:
        dialog.findChild(QComboBox, "entryKind").setCurrentIndex(0)  # 签到
        dialog.findChild(QDialogButtonBox, "entryButtons").button(
            QDialogButtonBox.StandardButton.Ok
        ).click()

    when_shown("activityEntryDialog", fill)
    button.click()
    qtbot.waitUntil(
        lambda: "已记录 1 条行为" in window.statusBar().currentMessage(), timeout=60_000
    )
