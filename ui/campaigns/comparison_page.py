"""对比: the campaign picked in the tab beside 1–3 others ticked here, one figure per row
(core/campaigns/comparison.py gives the rows, from the same report as 概况)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.campaigns.page import CampaignPage
from ui.common.i18n import shown
from ui.common.save_path import ask_xlsx_path
from ui.common.widgets import hint_label, push_button

if TYPE_CHECKING:
    from core.campaigns.comparison import Comparison
    from core.campaigns.records import CampaignRow
    from ui.common.tab import FeatureTab

CAMPAIGN = Qt.ItemDataRole.UserRole + 1


class ComparisonPage(CampaignPage):
    def __init__(self, tab: FeatureTab, parent: QWidget | None = None) -> None:
        super().__init__(tab, parent)
        self._generation = 0
        self._filling = False
        self.comparison: Comparison | None = None
        self.others: list[int] = []  # ticked besides the tab's campaign, in ticking order

        self.pick = QListWidget()
        self.pick.setObjectName("campaign_compare_pick")
        self.pick.itemChanged.connect(self._ticked)
        pick_box = QWidget()
        pick_layout = QVBoxLayout(pick_box)
        pick_layout.setContentsMargins(0, 0, 8, 0)
        caption = QLabel(self.tr("勾选要对比的活动（2–4 个）"))
        caption.setProperty("statCaption", True)
        caption.setWordWrap(True)
        pick_layout.addWidget(caption)
        pick_layout.addWidget(self.pick, 1)

        self.hint = hint_label(name="campaign_compare_hint")
        self.model = QStandardItemModel(self)
        self.table = QTableView()
        self.table.setObjectName("campaign_compare_table")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(110)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(8, 0, 0, 0)
        self.export_button = push_button(
            "campaign_compare_export", self.tr("导出 Excel…"), self.export
        )
        self.export_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.hint, 1)
        top.addWidget(self.export_button)
        table_layout.addLayout(top)
        table_layout.addWidget(self.table, 1)

        splitter = QSplitter()
        splitter.addWidget(pick_box)
        splitter.addWidget(table_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([240, 760])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(splitter)

    def title(self) -> str:
        return self.tr("对比")

    def reload(self) -> None:
        from core.campaigns.records import list_campaigns

        self._generation += 1
        generation = self._generation
        self.tab.tasks.read(list_campaigns, lambda rows: self._show_list(generation, rows))

    def _show_list(self, generation: int, rows: list[CampaignRow]) -> None:
        if generation != self._generation:
            return
        known = {row.id for row in rows}
        self.others = [cid for cid in self.others if cid in known and cid != self.campaign_id]
        self._filling = True
        self.pick.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.name}  ·  {shown(row.status_label)}")
            item.setData(CAMPAIGN, row.id)
            if row.id == self.campaign_id:  # the tab's campaign is always in the comparison
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                item.setToolTip(self.tr("在左侧活动列表中选中的活动"))
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            else:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                checked = row.id in self.others
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.pick.addItem(item)
        self._filling = False
        self._compare()

    def tick(self, campaign_id: int, on: bool = True) -> None:
        """Tick (or untick) a campaign in the list, as a click on its box does."""
        for row in range(self.pick.count()):
            item = self.pick.item(row)
            if item.data(CAMPAIGN) == campaign_id:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _ticked(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        campaign = item.data(CAMPAIGN)
        on = item.checkState() == Qt.CheckState.Checked
        if campaign == self.campaign_id:
            if not on:  # the tab's own campaign stays in
                self._filling = True
                item.setCheckState(Qt.CheckState.Checked)
                self._filling = False
            return
        if on and campaign not in self.others:
            from core.campaigns.comparison import MAX_CAMPAIGNS

            if len(self.others) + 1 >= MAX_CAMPAIGNS:
                self._filling = True
                item.setCheckState(Qt.CheckState.Unchecked)
                self._filling = False
                self.hint.setText(
                    self.tr("最多同时对比 {count} 个活动").format(count=MAX_CAMPAIGNS)
                )
                return
            self.others.append(campaign)
        elif not on and campaign in self.others:
            self.others.remove(campaign)
        self._compare()

    def _compare(self) -> None:
        self._generation += 1
        generation = self._generation
        self.export_button.setEnabled(False)
        if self.campaign_id is None or not self.others:
            self.comparison = None
            self.model.clear()
            self.hint.setText(
                self.tr("先在左侧选一个活动")
                if self.campaign_id is None
                else self.tr("再勾选 1–3 个活动，与当前活动并排对比")
            )
            return
        from core.campaigns.comparison import compare_campaigns

        ids = [self.campaign_id, *self.others]
        self.tab.tasks.read(
            lambda session: compare_campaigns(session, ids),
            lambda result: self._show(generation, result),
        )

    def _show(self, generation: int, result: Comparison) -> None:
        if generation != self._generation:
            return
        self.comparison = result
        self.export_button.setEnabled(True)
        self.hint.setText(self.tr("“—”：该活动没有这项数据（如外部工具导入的活动没有波次）"))
        self.model.clear()
        self.model.setHorizontalHeaderLabels([name for _cid, name in result.campaigns])
        self.model.setVerticalHeaderLabels([shown(row.label) for row in result.rows])
        for number, row in enumerate(result.rows):
            for column, value in enumerate(row.values):
                cell = QStandardItem(_value_text(row.kind, value))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.model.setItem(number, column, cell)

    def export(self) -> None:
        if self.comparison is None:
            return
        path = ask_xlsx_path(self, self.tr("导出 Excel"), self.tr("活动对比.xlsx"))
        if path is None:
            return
        from core.campaigns.comparison import export_comparison

        comparison = self.comparison
        # No database: the figures are already here; a refused path is shown over the page.
        self.tab.tasks.start(
            lambda: export_comparison(comparison, path, shown),
            lambda saved: self.hint.setText(self.tr("已导出到 {path}").format(path=saved)),
        )


def _value_text(kind: str, value) -> str:
    if value is None:
        return "—"
    if kind == "count":
        return f"{value:,}"
    if kind == "number":
        return f"{value:.2f}"
    if kind == "share":
        return f"{value:.1%}"
    if kind == "hours":
        return f"{value:.1f}"
    if kind == "money":
        return f"¥{Decimal(value):,.2f}"
    return shown(value)
