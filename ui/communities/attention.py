"""需要处理: the warnings of every community in use, most urgent first; double-click to go there.

Below them, every other community in use with the reason it is not on the list (the same
verdict the communities list colours its rows by), so the panel and the list never disagree.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.communities.attention import Attention
from core.communities.listing import CommunityRow
from ui.common.screen_fit import fit_to_screen
from ui.common.sorting import sorted_by_name
from ui.common.widgets import wrapping_label
from ui.communities.labels import (
    QUIET_COLOR,
    attention_message,
    kind_color,
    status_label,
    verdict_text,
)


class AttentionDialog(QDialog):
    """The list behind the status bar's 需要处理 count."""

    community_chosen = Signal(int)

    def __init__(
        self,
        items: list[Attention],
        rows: list[CommunityRow] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("communities_attention_dialog")
        self.setWindowTitle(self.tr("需要处理"))
        fit_to_screen(self, 860, 560)
        self.items = list(items)
        # Every community in use that is not on the list, each with its reason, in the
        # communities list's order (pinyin, 2群 before 10群).
        self.others = sorted_by_name(
            (r for r in rows or [] if not r.archived and not r.verdict.listed),
            lambda r: r.name,
        )

        if items:
            text = self.tr("共 %n 项。双击一行查看该社群。", "", len(items))
        elif self.others:
            text = self.tr("没有需要处理的事项。下面是每个群不在这里的原因。")
        else:
            text = self.tr("没有需要处理的事项。")
        intro = wrapping_label("communities_attention_intro", text)
        self.table = self._table(
            "communities_attention_table", [self.tr("事项"), self.tr("社群"), self.tr("说明")]
        )
        self.table.setRowCount(len(items))
        for number, item in enumerate(items):
            kind = QTableWidgetItem(status_label(item))
            kind.setForeground(QBrush(QColor(kind_color(item.kind, item.cap_reached))))
            kind.setData(Qt.ItemDataRole.UserRole, item.community_id)
            self._fill(self.table, number, kind, item.community_name, attention_message(item))
        self.table.cellDoubleClicked.connect(
            lambda row, _column: self._open(self.items[row].community_id)
        )

        self.others_title = QLabel(
            self.tr("不需要处理的社群（{count} 个）").format(count=len(self.others))
        )
        self.others_title.setObjectName("communities_attention_others_title")
        self.others_title.setProperty("sectionTitle", True)
        self.others_table = self._table(
            "communities_attention_others",
            [self.tr("状态"), self.tr("社群"), self.tr("为什么不在需要处理里")],
        )
        self.others_table.setRowCount(len(self.others))
        for number, row in enumerate(self.others):
            state = QTableWidgetItem(
                status_label(row.warnings[0]) if row.warnings else self.tr("正常")
            )
            state.setForeground(QBrush(QColor(QUIET_COLOR)))
            self._fill(self.others_table, number, state, row.name, verdict_text(row.verdict))
        self.others_table.cellDoubleClicked.connect(
            lambda row, _column: self._open(self.others[row].id)
        )
        others = QWidget()
        others_layout = QVBoxLayout(others)
        others_layout.setContentsMargins(0, 0, 0, 0)
        others_layout.addWidget(self.others_title)
        others_layout.addWidget(self.others_table, 1)
        others.setVisible(bool(self.others))
        self.table.setVisible(bool(items))

        parts = QSplitter(Qt.Orientation.Vertical)
        parts.setObjectName("communities_attention_parts")
        parts.addWidget(self.table)
        parts.addWidget(others)
        parts.setChildrenCollapsible(False)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("communities_attention_buttons")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(parts, 1)
        layout.addWidget(buttons)

    def _table(self, name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        return table

    @staticmethod
    def _fill(
        table: QTableWidget, number: int, first: QTableWidgetItem, name: str, text: str
    ) -> None:
        explanation = QTableWidgetItem(text)
        explanation.setToolTip(text)
        table.setItem(number, 0, first)
        table.setItem(number, 1, QTableWidgetItem(name))
        table.setItem(number, 2, explanation)

    def _open(self, community_id: int) -> None:
        self.community_chosen.emit(community_id)
        self.accept()
