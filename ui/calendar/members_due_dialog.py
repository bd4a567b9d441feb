"""The members a relative SOP line counts ("今天：欢迎 12 位新成员"): who joined, when, and a
button that copies their names as @mentions for the welcome message."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidgetItem, QVBoxLayout

from ui.common.widgets import hint_label, push_button, read_only_table, section_title


class MembersDueDialog(QDialog):
    def __init__(self, heading: str, window: str, members: list, parent=None) -> None:
        """`members`: (member id, name in the group, joined at), from core members_due."""
        super().__init__(parent)
        self.setObjectName("today_members_due")
        self.setWindowTitle(self.tr("今天要跟进的成员"))
        self.members = members
        layout = QVBoxLayout(self)
        title = section_title(heading, "today_members_due_heading")
        layout.addWidget(title)
        hint = self.tr("发送时段 {window}；按入群时间排列。").format(window=window)
        layout.addWidget(hint_label(hint))
        table = read_only_table("today_members_due_table", [self.tr("成员"), self.tr("入群时间")],
                                stretch=0)  # fmt: skip
        table.setRowCount(len(members))
        for row, (_mid, name, joined) in enumerate(members):
            table.setItem(row, 0, QTableWidgetItem(name))
            table.setItem(row, 1, QTableWidgetItem(f"{joined:%Y-%m-%d %H:%M}" if joined else ""))
        layout.addWidget(table)
        self.copied = QLabel("")
        self.copied.setProperty("muted", True)
        layout.addWidget(self.copied)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(
            push_button("today_members_due_copy", self.tr("复制 @名单"), self.copy_names),
            QDialogButtonBox.ButtonRole.ActionRole,
        )
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, 420)

    def mentions(self) -> str:
        return " ".join(f"@{name}" for _mid, name, _joined in self.members)

    def copy_names(self) -> None:
        QGuiApplication.clipboard().setText(self.mentions())
        self.copied.setText(self.tr("已复制 {count} 个名字，可粘贴到欢迎语里").format(
            count=len(self.members)))  # fmt: skip
