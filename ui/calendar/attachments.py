"""The editor's 附件: the item's materials from the 素材库 in order (a thumbnail for a picture,
the file's type for a file), 添加… opens the 素材库 picker, 移除 takes the selected one off.
The list is saved with the item, in the same write (ui/calendar/tab.py); core refuses a change
to what a sent item went out with, and the editor shows its message."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.common.icons import icon
from ui.common.widgets import push_button

THUMB = 40


@dataclass(frozen=True)
class Attachment:
    id: int
    title: str
    filename: str
    thumb: str | None  # a picture's thumbnail file; None for a file


def attachment_rows(session, item_id: int) -> list[Attachment]:
    """The item's attachments in order, thumbnails made (off the GUI thread)."""
    from core.calendar.materials import attachments_of, thumbnail

    found = []
    for row in attachments_of(session, [item_id]).get(item_id, []):
        thumb = thumbnail(row)
        found.append(Attachment(row.id, row.title, row.filename, str(thumb) if thumb else None))
    return found


class AttachmentsField(QWidget):
    add_requested = Signal()

    def __init__(self, attachments: list[Attachment], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("item_attachments_field")
        self.list = QListWidget()
        self.list.setObjectName("item_attachments")
        self.list.setViewMode(QListView.ViewMode.ListMode)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFixedHeight(THUMB + 16)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.add = push_button("item_attachments_add", self.tr("添加…"), self.add_requested)
        self.remove = push_button("item_attachments_remove", self.tr("移除"), self.remove_selected)
        self.remove.setEnabled(False)
        buttons = QVBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.known: dict[int, Attachment] = {}  # every material shown here, by id
        self.set_attachments(attachments)

    def set_attachments(self, attachments: list[Attachment]) -> None:
        self.known.update({row.id: row for row in attachments})
        self.list.clear()
        file_icon = icon("file-text")
        for row in attachments:
            shown_icon = QIcon(QPixmap(row.thumb)) if row.thumb else file_icon
            item = QListWidgetItem(shown_icon, row.title)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setToolTip(f"{row.title}\n{row.filename}")
            self.list.addItem(item)
        self.list.setToolTip("" if attachments else self.tr("还没有附件"))
        self._selection_changed()

    def ids(self) -> list[int]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.remove.setEnabled(bool(self.list.selectedItems()))


def merged(current: list[int], chosen: list[int]) -> list[int]:
    """The picker's choice kept in the item's order: what stays keeps its place, what was
    added comes after, what was unselected goes."""
    keep = set(chosen)
    return [m for m in current if m in keep] + [m for m in chosen if m not in current]
