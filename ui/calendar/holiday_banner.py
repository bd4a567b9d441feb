"""The banner over the calendar when a shown year has no holiday data, and the paste box that
reads the State Council's notice into that year (core/calendar/notice.py, then holidays.py)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.common.i18n import shown
from ui.common.widgets import accept_cancel_buttons, hint_label, push_button, warning_label


class HolidayBanner(QFrame):
    paste_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_holiday_banner")
        self.setProperty("card", True)
        self.text = warning_label("calendar_holiday_banner_text")
        paste = push_button(
            "calendar_holiday_paste", self.tr("粘贴放假通知…"), self.paste_requested
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(paste)
        self.hide()

    def show_messages(self, messages) -> None:
        if not messages:
            self.hide()
            return
        self.text.setText("\n".join(shown(m) for m in messages))
        self.show()


class NoticeDialog(QDialog):
    """A box to paste 国务院办公厅关于20XX年部分节假日安排的通知 into."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_notice_dialog")
        self.setWindowTitle(self.tr("导入放假通知"))
        self.busy = False
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("calendar_notice_text")
        self.edit.setPlaceholderText(
            self.tr("国务院办公厅关于20XX年部分节假日安排的通知\n一、元旦：1月1日放假……")
        )
        self.error = warning_label("calendar_notice_error")
        self.error.hide()
        self.buttons = accept_cancel_buttons(
            self,
            self._submit,
            ("calendar_notice_ok", self.tr("导入")),
            ("calendar_notice_cancel", self.tr("取消")),
        )
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(
                self.tr(
                    "在中国政府网找到当年的放假通知，全选复制正文粘贴到这里。"
                    "程序读出放假和调休上班的日子，所有数据库共用。"
                )
            )
        )
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, 420)

    def _submit(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.buttons.setEnabled(False)
        self.submitted.emit(self.edit.toPlainText())

    def refused(self, text: str) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        self.error.setText(text)
        self.error.show()
