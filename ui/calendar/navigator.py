"""The bar above the month and week views: ‹ 今天 › and the period shown."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ui.common.widgets import push_button


class PeriodBar(QWidget):
    step = Signal(int)  # -1 back, +1 on
    today = Signal()

    def __init__(self, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        back = push_button(f"{prefix}_back", "‹", lambda: self.step.emit(-1))
        back.setToolTip(self.tr("上一页"))
        on = push_button(f"{prefix}_next", "›", lambda: self.step.emit(1))
        on.setToolTip(self.tr("下一页"))
        for button in (back, on):
            button.setFixedWidth(36)
        today = push_button(f"{prefix}_today", self.tr("今天"), self.today)
        self.label = QLabel()
        self.label.setObjectName(f"{prefix}_period")
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(back)
        self.layout_.addWidget(today)
        self.layout_.addWidget(on)
        self.layout_.addSpacing(8)
        self.layout_.addWidget(self.label)
        self.layout_.addSpacing(16)  # then what the page adds (the colour legend)

    def set_text(self, text: str) -> None:
        self.label.setText(text)
