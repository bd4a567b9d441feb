"""Asks a reviewer why (驳回, 拉黑): the action is described, and it goes ahead only with a
reason written — an empty one is refused in the dialog, which stays open."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.campaigns.reviewing import MAX_WHY
from ui.common.widgets import ok_cancel_buttons, wrapping_label


class ReasonDialog(QDialog):
    def __init__(
        self,
        object_name: str,
        title: str,
        text: str,
        yes_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        said = wrapping_label(f"{object_name}_text", text)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("campaign_review_reason")
        self.reason.setPlaceholderText(self.tr("写明原因（必填），会记入审核记录"))
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 16)
        self.message = QLabel()
        self.message.setObjectName("campaign_review_reason_message")
        self.message.setProperty("warning", True)
        self.message.hide()
        self.buttons = ok_cancel_buttons(self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(yes_text)
        ok.setObjectName("campaign_review_reason_ok")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        layout = QVBoxLayout(self)
        layout.addWidget(said)
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def why(self) -> str:
        return " ".join(self.reason.toPlainText().split())[:MAX_WHY]

    def accept(self) -> None:
        if not self.why():
            self.message.setText(self.tr("请写明原因"))
            self.message.show()
            self.reason.setFocus()
            return
        super().accept()
