"""记录行为: quick manual entry of activity for the members selected in the members tab."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.activity.record import NewEvent
from core.common.database import Database
from core.workflows.activity import record_activity
from ui.activity.labels import activity_labels
from ui.common.tasks import TaskGroup
from ui.common.units import units
from ui.common.widgets import counted_suffix, ok_cancel_buttons, wrapping_label
from ui.members.community_choice import community_box

ENTRY_TIME = time(12, 0)  # the day is what counts; noon keeps it inside the day everywhere


class ActivityEntryDialog(QDialog):
    """One kind of activity, on one day, in one community, for every selected member."""

    recorded = Signal(int)

    def __init__(
        self,
        database: Database,
        member_ids: list[int],
        community_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("activityEntryDialog")
        self.setWindowTitle(self.tr("记录行为"))
        self.database = database
        self.tasks = TaskGroup(self)
        self.member_ids = list(member_ids)

        self.kind = QComboBox()
        self.kind.setObjectName("entryKind")
        for kind, name in activity_labels().items():
            self.kind.addItem(name, kind)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.community = community_box(database, "entryCommunity", community_id)
        self.day = QDateEdit(QDate.currentDate())
        self.day.setObjectName("entryDate")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(QDate.currentDate())
        self.count = QSpinBox()
        self.count.setObjectName("entryCount")
        self.count.setRange(1, 100)
        counted_suffix(self.count, units.times)  # 1 time, 2 times
        self.amount = QDoubleSpinBox()
        self.amount.setObjectName("entryAmount")
        self.amount.setRange(0, 1_000_000)
        self.amount.setDecimals(2)
        self.amount.setPrefix("¥")
        form = QFormLayout()
        form.setSpacing(10)
        form.addRow(self.tr("行为"), self.kind)
        form.addRow(self.tr("社群"), self.community)
        form.addRow(self.tr("日期"), self.day)
        form.addRow(self.tr("每人次数"), self.count)
        form.addRow(self.tr("每次金额"), self.amount)
        self.summary = wrapping_label(
            "entrySummary", self.tr("将为选中的 {n} 位成员记录").format(n=len(self.member_ids))
        )
        buttons = ok_cancel_buttons(self, "entryButtons", self.record)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(14)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self._kind_changed()

    def _kind_changed(self) -> None:
        self.amount.setEnabled(self.kind.currentData() == "purchase")

    def events(self) -> list[NewEvent]:
        when = datetime.combine(self.day.date().toPython(), ENTRY_TIME)
        kind = self.kind.currentData()
        cents = round(self.amount.value() * 100) if kind == "purchase" else 0
        return [
            NewEvent(member_id, kind, when, self.community.currentData(), amount_cents=cents)
            for member_id in self.member_ids
            for _ in range(self.count.value())
        ]

    def record(self) -> None:
        events = self.events()
        if not events or self.community.currentData() is None:
            self.summary.setText(self.tr("请先选择成员和社群"))
            return

        def done(added: int) -> None:
            self.recorded.emit(added)  # the opener announces it
            self.accept()

        self.tasks.write(
            lambda session: record_activity(session, events, source="manual").added,
            label=self.tr("正在记录…"),
            changes=frozenset(),
            then=done,
        )
