"""Where the chat import is opened from: the 成员 tab's 导入 menu (through ui/wiring.py) and
the window's 数据 menu. The dialog's module loads when it is first opened (start-up)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction

if TYPE_CHECKING:  # pragma: no cover
    from PySide6.QtWidgets import QWidget

    from core.common.database import Database
    from ui.common.changes import Changes
    from ui.members.tab import MembersTab


def open_chat_import(
    parent: QWidget, database: Database, announce: Callable[[Changes], None]
) -> None:
    from ui.chat.import_dialog import ChatImportDialog

    dialog = ChatImportDialog(database, parent)
    dialog.data_changed.connect(announce)
    dialog.exec()
    dialog.deleteLater()


def members_import_actions(tab: MembersTab) -> list[QAction]:
    """群聊记录… in the 成员 tab's 导入 menu."""
    action = QAction(QCoreApplication.translate("chat_entry", "群聊记录…"), tab)
    action.setObjectName("members_import_chat")
    action.triggered.connect(lambda: open_chat_import(tab, tab.database, tab.announce))
    return [action]
