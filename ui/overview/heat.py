"""The dashboard's weekday × hour heat map: when members talk in the chat (core.chat.insights'
heat map, the same the 社群 tab shows), drawn by the shared ui/common/heat_grid.py. A click on
a cell asks for the members who posted in that slot. Activity records are not counted (接龙 and
spreadsheet days sit at noon); without chat history the section says what to import, and where.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ui.common.heat_grid import HeatGrid, heat_note
from ui.common.widgets import hint_label, push_button


class ChatHeat(QWidget):
    cell_clicked = Signal(int, int)  # weekday (0 = Monday), hour
    import_requested = Signal()  # 数据 → 导入群聊记录…

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overview_heat_box")
        self.grid = HeatGrid(clickable=True)
        self.grid.setObjectName("overview_heat")
        self.grid.unit = self.tr("{count} 条成员发言（点击查看成员）")
        self.grid.cell_clicked.connect(self.cell_clicked)
        self.note = hint_label(name="overview_heat_note")
        self.import_button = push_button(
            "overview_heat_import", self.tr("导入群聊记录…"), self.import_requested.emit
        )
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        row.addWidget(self.import_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.grid)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.import_button.hide()

    def hasHeightForWidth(self) -> bool:
        # The grid fixes its own height from its width; passed up, height-for-width would make
        # the dashboard's grid size every chart beside it by its preferred (tall) height.
        return False

    def show_heat(self, heat, chat_history: bool) -> None:
        """`heat`: core.chat.insights.HeatMap of the period; `chat_history`: any chat imported
        for the community filter at all."""
        if not chat_history:
            self.grid.empty_text = self.tr(
                "还没有导入群聊记录。在「数据 → 导入群聊记录…」导入微信群的聊天导出后，"
                "这里显示成员在一周里什么时候发言。"
            )
        elif not heat.total and heat.untimed:
            self.grid.empty_text = self.tr("这段时间的群聊记录只有日期，没有具体时间")
        else:
            self.grid.empty_text = self.tr("这段时间没有成员在群里发言")
        self.grid.set_counts(heat.counts)
        self.import_button.setVisible(not chat_history)
        self.note.setText(heat_note(heat.total, heat.untimed))
        self.note.setVisible(bool(self.note.text()))
