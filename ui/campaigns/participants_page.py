"""参与者: each participant's progress in the picked campaign — converted invites, how many of
them are still pending, 任务宝's "还差 N 人" to the next stage, and their rewards' states —
searchable by name, pinyin or initials (as the members tab), sortable by any column."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.campaigns.page import CampaignPage
from ui.common.i18n import shown
from ui.common.list_model import ListTableModel
from ui.common.widgets import warning_label
from ui.ledger.common import make_table

SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class ParticipantsModel(ListTableModel):
    """Numbers sort as numbers (SORT_ROLE), not as the text they are shown as."""

    def __init__(self, columns, sort_keys, parent=None) -> None:
        super().__init__(columns, parent=parent)
        self.sort_keys = sort_keys

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == SORT_ROLE and index.isValid():
            return self.sort_keys[index.column()](self.item(index.row()))
        return super().data(index, role)


class ParticipantsPage(CampaignPage):
    def __init__(self, tab, parent: QWidget | None = None) -> None:
        super().__init__(tab, parent)
        self.setObjectName("campaign_participants")
        self.rows: list = []
        self.search = QLineEdit()
        self.search.setObjectName("campaign_participants_search")
        self.search.setPlaceholderText(self.tr("搜索昵称、备注、拼音或首字母"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self._filter())
        self.count = QLabel()
        self.count.setObjectName("campaign_participants_count")
        self.count.setProperty("muted", True)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)

        def rewards(row) -> str:
            r = row.rewards
            parts = [
                (self.tr("已发"), r.get("approved", 0)),
                (self.tr("待生效"), r.get("pending", 0)),
                (self.tr("待审"), r.get("held", 0)),
                (self.tr("作废"), r.get("void", 0)),
            ]
            return " · ".join(f"{name} {count}" for name, count in parts if count)

        def missing(row) -> str:
            if row.missing is None:
                return self.tr("已满阶") if row.stages_reached else ""
            return self.tr("还差 %n 人", "", row.missing)

        columns = [
            (self.tr("参与者"), lambda r: r.name or f"#{r.member_id}"),
            (self.tr("邀请成功"), lambda r: r.converted),
            (self.tr("待确认"), lambda r: r.pending),
            (self.tr("下一阶"), missing),
            (self.tr("奖励"), rewards),
        ]
        sort_keys = [
            lambda r: r.name,
            lambda r: r.converted,
            lambda r: r.pending,
            lambda r: 10**9 if r.missing is None else r.missing,
            lambda r: sum(r.rewards.values()),
        ]
        self.model = ParticipantsModel(columns, sort_keys, parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = make_table("campaign_participants_table", self.model, (160, 80, 70, 90))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 12, 4, 4)
        layout.setSpacing(8)
        # a campaign known only from a tool's export: its participants are totals, not members
        self.imported = warning_label("campaign_participants_imported")
        self.imported.hide()
        layout.addLayout(top)
        layout.addWidget(self.imported)
        layout.addWidget(self.table, 1)

    def title(self) -> str:
        return self.tr("参与者")

    def reload(self) -> None:
        if self.campaign_id is None:
            self.rows = []
            self._filter()
            return
        from core.campaigns.participants import campaign_participants
        from core.campaigns.tool_totals import tool_totals

        campaign_id = self.campaign_id
        shared = getattr(self.tab, "shared_decisions", None)  # the 概况's, if just made

        def read(session):
            rows = campaign_participants(session, campaign_id, shared=shared)
            return campaign_id, rows, (None if rows else tool_totals(session, campaign_id))

        self.tab.tasks.read(read, self._show)

    def _show(self, result) -> None:
        campaign_id, rows, totals = result
        if campaign_id != self.campaign_id:
            return
        self.rows = rows
        if totals is not None:
            from core.campaigns.tool_totals import totals_only_notice

            self.imported.setText(
                self.tr(
                    "{participants} 位参与者来自导入的明细，每人的合计在「裂变树」页。{notice}"
                ).format(participants=totals.participants, notice=shown(totals_only_notice()))
            )
        self.imported.setVisible(totals is not None)
        ladder = any(row.missing is not None or row.stages_reached for row in rows)
        self.table.setColumnHidden(3, not ladder)  # 下一阶: 任务宝 only
        self._filter()

    def _filter(self) -> None:
        from core.campaigns.participants import matching

        found = matching(self.rows, self.search.text())
        self.model.set_items(found)
        self.count.setText(self.tr("%n 人", "", len(found)))

    def text_at(self, row: int, column: int) -> str:
        """The text shown in the sorted, filtered table (for tests)."""
        return self.proxy.index(row, column).data()
