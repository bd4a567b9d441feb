"""The 活动 tab's list of campaigns: name, type, status and dates, filtered by status, with
新建活动 (the tab shows what a campaign is in place of the list while there is none)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QVBoxLayout, QWidget

from ui.common.i18n import shown
from ui.common.list_model import ListTableModel
from ui.common.widgets import combo_fits, push_button
from ui.ledger.common import make_table

LIST_WIDTH = (320, 480)  # the list's least and most width; the pages take the rest
NAME_SAMPLE = "夏日送饮品活动"  # the name column shows at least this much, in any language


def _dates(row) -> str:
    start = f"{row.starts_at:%m-%d}" if row.starts_at else ""
    end = f"{row.ends_at:%m-%d}" if row.ends_at else ""
    return f"{start} ~ {end}" if (start or end) else ""


class CampaignList(QWidget):
    """`picked(id or None)` when the selection changes; `new_requested` for 新建活动."""

    picked = Signal(object)
    new_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        from core.campaigns.records import STATUS_LABELS

        super().__init__(parent)
        self.setObjectName("campaign_list")
        self.rows: list = []
        self.status = QComboBox()
        self.status.setObjectName("campaign_status_filter")
        self.status.addItem(self.tr("全部状态"), None)
        for key, label in STATUS_LABELS.items():
            self.status.addItem(shown(label), key)
        combo_fits(self.status, [self.status.itemText(i) for i in range(self.status.count())])
        self.status.currentIndexChanged.connect(lambda _i: self._filter())
        self.new_button = push_button("campaign_new", self.tr("新建活动…"), self.new_requested)
        self.new_button.setProperty("primary", True)
        top = QHBoxLayout()
        top.addWidget(self.status)
        top.addStretch(1)
        top.addWidget(self.new_button)

        self.model = ListTableModel(
            [
                (self.tr("活动"), lambda r: r.name),
                (self.tr("类型"), lambda r: shown(r.kind_label)),
                (self.tr("状态"), lambda r: shown(r.status_label)),
                (self.tr("日期"), _dates),
            ],
            parent=self,
        )
        self.table = make_table("campaign_table", self.model, (150, 80, 60, 100))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)  # the name takes what the others leave
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._picked())
        # The other columns fit what they show (an English type is long): the list widens
        # with them, so the name column is never squeezed to a few letters.
        self.model.modelReset.connect(self._fit_width)
        self._fit_width()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def _fit_width(self) -> None:
        table, header = self.table, self.table.horizontalHeader()
        name = max(
            header.sectionSizeHint(0),
            table.fontMetrics().horizontalAdvance(NAME_SAMPLE) + 16,  # the item's margins
        )
        others = sum(header.sectionSize(column) for column in range(1, self.model.columnCount()))
        chrome = 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width()
        least, most = LIST_WIDTH
        self.setMinimumWidth(min(max(least, name + others + chrome), most))

    def set_rows(self, rows: list, keep: int | None = None) -> None:
        """Show `rows` (core CampaignRow), keeping the campaign `keep` picked if it is there."""
        self.rows = rows
        self._filter(keep)

    def current_id(self) -> int | None:
        picked = self.table.selectionModel().selectedRows()
        return self.model.item(picked[0].row()).id if picked else None

    def select(self, campaign_id: int | None) -> None:
        for row in range(self.model.rowCount()):
            if self.model.item(row).id == campaign_id:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(self.model.index(row, 0))
                return
        self.table.clearSelection()

    def _filter(self, keep: int | None = None) -> None:
        keep = keep if keep is not None else self.current_id()
        wanted = self.status.currentData()
        shown_rows = [r for r in self.rows if wanted is None or r.status == wanted]
        blocker = self.table.selectionModel().blockSignals(True)
        self.model.set_items(shown_rows)
        self.table.selectionModel().blockSignals(blocker)
        if shown_rows:
            self.select(keep if any(r.id == keep for r in shown_rows) else shown_rows[0].id)
        self._picked()

    def _picked(self) -> None:
        self.picked.emit(self.current_id())
