"""需要处理: the warnings of every community in use, most urgent first; double-click to go there."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.communities.attention import Attention
from ui.common.screen_fit import fit_to_screen
from ui.communities.labels import attention_message, kind_color, status_label


class AttentionDialog(QDialog):
    """The list behind the status bar's 需要处理 count."""

    community_chosen = Signal(int)

    def __init__(self, items: list[Attention], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("communities_attention_dialog")
        self.setWindowTitle(self.tr("需要处理"))
        fit_to_screen(self, 860, 480)
        self.items = list(items)

        intro = QLabel(
            self.tr("共 %n 项。双击一行查看该社群。", "", len(items))
            if items
            else self.tr("没有需要处理的事项：二维码都在有效期内，各群人数也没有接近上限。")
        )
        intro.setObjectName("communities_attention_intro")
        intro.setWordWrap(True)
        self.table = QTableWidget(len(items), 3)
        self.table.setObjectName("communities_attention_table")
        self.table.setHorizontalHeaderLabels([self.tr("事项"), self.tr("社群"), self.tr("说明")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for number, item in enumerate(items):
            kind = QTableWidgetItem(status_label(item))
            kind.setForeground(QBrush(QColor(kind_color(item.kind, item.cap_reached))))
            kind.setData(Qt.ItemDataRole.UserRole, item.community_id)
            message = attention_message(item)
            explanation = QTableWidgetItem(message)
            explanation.setToolTip(message)
            self.table.setItem(number, 0, kind)
            self.table.setItem(number, 1, QTableWidgetItem(item.community_name))
            self.table.setItem(number, 2, explanation)
        self.table.cellDoubleClicked.connect(self._open_row)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("communities_attention_buttons")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def _open_row(self, row: int, _column: int) -> None:
        self.community_chosen.emit(self.items[row].community_id)
        self.accept()
