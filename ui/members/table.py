"""The members table view: a list of rows, where every keyboard move selects the row it reaches.

Qt's table moves Home/End within a row's columns and lets Ctrl+moves shift only the focus, not
the selection: after Ctrl+End the table showed the last row while the selection, the detail
panel and every bulk action still meant the old member. Here Home/End go to the first/last
row, and any move without Shift selects where it lands (Shift still extends, Ctrl+click and
Ctrl+Space still add to the selection).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView

from ui.common.search_table import SearchBoxTableView

MOVE_KEYS = {
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}


class MembersTableView(SearchBoxTableView):
    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        if action in (
            QAbstractItemView.CursorAction.MoveHome,
            QAbstractItemView.CursorAction.MoveEnd,
        ):
            # With Ctrl, QTableView's Home/End go to the first/last row: rows are what we show.
            modifiers |= Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(action, modifiers)

    def selectionCommand(
        self, index: QModelIndex | QPersistentModelIndex, event: QEvent | None = None
    ) -> QItemSelectionModel.SelectionFlag:
        if (
            event is not None
            and event.type() == QEvent.Type.KeyPress
            and event.key() in MOVE_KEYS
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
            and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            return (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
        return super().selectionCommand(index, event)
