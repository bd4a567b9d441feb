"""Undo of the calendar's writes (the poster designer's QUndoStack, ui/posters/edits.py).

A command is pushed after its write committed, so its first `redo` (which QUndoStack calls on
push) does nothing; later redo and undo write again through the tab (core move_item, or
delete_item / restore_item), each its own transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from core.calendar.items import DeletedItem
    from ui.calendar.tab import CalendarTab


class MoveItem(QUndoCommand):
    def __init__(self, tab: CalendarTab, item_id: int, old: datetime, new: datetime, text: str):
        super().__init__(text)
        self.tab, self.item_id, self.old, self.new = tab, item_id, old, new
        self._pushed = True

    def redo(self) -> None:
        if self._pushed:
            self._pushed = False
            return
        self.tab.write_move(self.item_id, self.new)

    def undo(self) -> None:
        self.tab.write_move(self.item_id, self.old)


class DeleteItem(QUndoCommand):
    """Undo puts the item back (under a new number, which redo then deletes again)."""

    def __init__(self, tab: CalendarTab, kept: DeletedItem, text: str):
        super().__init__(text)
        self.tab, self.kept = tab, kept
        self.item_id: int | None = None
        self._pushed = True

    def redo(self) -> None:
        if self._pushed:
            self._pushed = False
            return
        if self.item_id is not None:
            self.tab.write_delete(self.item_id, command=self)

    def undo(self) -> None:
        self.tab.write_restore(self)
