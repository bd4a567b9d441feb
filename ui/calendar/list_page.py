"""列表: the items of a date range as a table, filtered by community, type and status.
Double-click a row to open it in the editor."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
)

from core.calendar.labels import KIND_LABELS, STATUS_LABELS
from ui.calendar.data import RangeData, load_range
from ui.calendar.page import CalendarPage
from ui.common.columns import keep_columns_fitted
from ui.common.i18n import shown
from ui.common.list_model import ListTableModel
from ui.common.widgets import refill

if TYPE_CHECKING:
    from core.calendar.items import ItemRow

DEFAULT_DAYS = 31


class ListPage(CalendarPage):
    def __init__(self, tab, parent=None) -> None:
        super().__init__(tab, parent)
        self.setObjectName("calendar_list_page")
        self.community = QComboBox()
        self.community.setObjectName("calendar_list_community")
        self.kind = QComboBox()
        self.kind.setObjectName("calendar_list_kind")
        self.kind.addItem(self.tr("全部类型"), None)
        for key, label in KIND_LABELS.items():
            self.kind.addItem(shown(label), key)
        self.status = QComboBox()
        self.status.setObjectName("calendar_list_status")
        self.status.addItem(self.tr("全部状态"), None)
        for key, label in STATUS_LABELS.items():
            self.status.addItem(shown(label), key)
        self.start = QDateEdit()
        self.start.setObjectName("calendar_list_from")
        self.end = QDateEdit()
        self.end.setObjectName("calendar_list_to")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        today = date.today()
        self.start.setDate(QDate(today.replace(day=1)))
        self.end.setDate(QDate(today.replace(day=1) + timedelta(days=DEFAULT_DAYS - 1)))
        self.count = QLabel()
        self.count.setObjectName("calendar_list_count")
        self.count.setProperty("muted", True)
        filters = QHBoxLayout()
        filters.addWidget(self.community)
        filters.addWidget(self.kind)
        filters.addWidget(self.status)
        filters.addSpacing(8)
        filters.addWidget(QLabel(self.tr("从")))
        filters.addWidget(self.start)
        filters.addWidget(QLabel(self.tr("到")))
        filters.addWidget(self.end)
        filters.addStretch(1)
        filters.addWidget(self.count)

        self.model = ListTableModel(
            [
                (self.tr("计划时间"), lambda r: f"{r.planned_at:%Y-%m-%d %H:%M}"),
                (self.tr("标题"), lambda r: r.title),
                (self.tr("类型"), lambda r: shown(r.kind_label)),
                (self.tr("社群"), lambda r: "、".join(r.communities)),
                (self.tr("状态"), lambda r: self._status_text(r)),
                (self.tr("负责人"), lambda r: r.owner),
                (self.tr("活动"), lambda r: self._campaign(r)),
                (self.tr("推广"), lambda r: self.tr("是") if r.promotional else ""),
            ],
            parent=self,
        )
        self.table = QTableView()
        self.table.setObjectName("calendar_list_table")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        keep_columns_fitted(self.table, maximum=320)
        self.table.doubleClicked.connect(
            lambda index: self.tab.edit_item(self.model.item(index.row()).id)
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        self.data: RangeData | None = None
        self.rows: list[ItemRow] = []
        for combo in (self.community, self.kind, self.status):
            combo.currentIndexChanged.connect(lambda _i: self._filter())
        for edit in (self.start, self.end):
            edit.dateChanged.connect(lambda _d: self.reload())

    def title(self) -> str:
        return self.tr("列表")

    def set_communities(self, communities: list[tuple[int, str]]) -> None:
        everyone = (self.tr("全部社群"), None)
        refill(self.community, [everyone, *((name, id_) for id_, name in communities)])

    def show_days(self, first: date, last: date) -> None:
        """Show these days (the month's "+N 更多")."""
        for edit, day in ((self.start, first), (self.end, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day))
            edit.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        first, last = self.start.date().toPython(), self.end.date().toPython()
        if last < first:
            first, last = last, first
        self.read(lambda session: load_range(session, first, last), self._show)

    def _show(self, data: RangeData) -> None:
        self.data = data
        self._filter()

    def _filter(self) -> None:
        if self.data is None:
            return
        community, kind, status = (
            self.community.currentData(),
            self.kind.currentData(),
            self.status.currentData(),
        )
        self.rows = [
            row
            for row in self.data.items
            if (community is None or community in row.community_ids)
            and (kind is None or row.kind == kind)
            and (status is None or row.status == status)
        ]
        self.model.set_items(self.rows)
        self.count.setText(self.tr("%n 条内容", "", len(self.rows)))

    def _status_text(self, row: ItemRow) -> str:
        text = shown(row.status_label)
        if not row.overdue:
            return text
        late = self.tr("已过时间")
        return f"{text} · {late}"

    def _campaign(self, row: ItemRow) -> str:
        if row.campaign_id is None or self.data is None:
            return ""
        return self.data.campaigns.get(row.campaign_id, "")
