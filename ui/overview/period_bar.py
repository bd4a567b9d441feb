"""The dashboard's filters: a date range (this week, last week, this month, custom) and a
community; emits `changed` when either changes."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from ui.common.widgets import choice, fill_communities


def range_dates(key: str, today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    if key == "last_week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if key == "this_month":
        return today.replace(day=1), today
    return monday, today  # this week, so far


class PeriodBar(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overview_period_bar")
        self.range = choice(
            "overview_range",
            [
                (self.tr("本周"), "this_week"),
                (self.tr("上周"), "last_week"),
                (self.tr("本月"), "this_month"),
                (self.tr("自定义…"), "custom"),
            ],
        )
        self.start = self._date_edit("overview_from")
        self.end = self._date_edit("overview_to")
        self.dash = QLabel("—")
        self.community = QComboBox()
        self.community.setObjectName("overview_community")
        self.community.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.community.addItem(self.tr("全部社群"), None)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.range, self.start, self.dash, self.end, self.community):
            layout.addWidget(widget)
        self._show_dates()
        self.range.currentIndexChanged.connect(self._range_chosen)
        self.community.currentIndexChanged.connect(self.changed)
        for edit in (self.start, self.end):
            edit.dateChanged.connect(lambda _d: self.changed.emit())

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _range_chosen(self) -> None:
        self._show_dates()
        self.changed.emit()

    def _show_dates(self) -> None:
        key = self.range.currentData()
        custom = key == "custom"
        if not custom:
            start, end = range_dates(key, date.today())
            for edit, day in ((self.start, start), (self.end, end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day))
                edit.blockSignals(False)
        for widget in (self.start, self.dash, self.end):
            widget.setVisible(custom)

    def set_communities(self, choices) -> None:
        """Fill the community box (core.members.query.filter_choices), keeping the choice."""
        selected = self.community.currentData()
        self.community.blockSignals(True)
        while self.community.count() > 1:
            self.community.removeItem(1)
        fill_communities(self.community, choices, selected)
        self.community.blockSignals(False)
        if self.community.currentData() != selected:
            self.changed.emit()  # the chosen community is gone

    def dates(self) -> tuple[date, date]:
        if self.range.currentData() != "custom":
            return range_dates(self.range.currentData(), date.today())
        return self.start.date().toPython(), self.end.date().toPython()

    def community_id(self) -> int | None:
        return self.community.currentData()

    def community_name(self) -> str:
        return self.community.currentText() if self.community_id() is not None else ""

    def community_id_of(self, name: str) -> int | None:
        """The id of the community called `name` in the box (a preset names its community);
        None for every community."""
        index = self.community.findText(name) if name else -1
        return self.community.itemData(index) if index > 0 else None
