"""A table view whose typing goes to its search box.

Qt's type-ahead (QAbstractItemView.keyboardSearch) asks the model for the text of every row
until one starts with what was typed. Over the members table, which loads rows from the
database a page at a time, that is 1000 page loads for one key at 100000 members: the window
froze for seconds per key. Typing while the table has focus therefore goes to the search box
(which searches in SQL, with pinyin and phone tails), and the model is never walked.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QTableView, QWidget


class SearchBoxTableView(QTableView):
    """A QTableView that hands typed (and pasted) text to `search` instead of searching rows."""

    def __init__(self, search: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search

    def keyboardSearch(self, search: str) -> None:
        # Qt calls this for typed keys and for text an input method commits (Chinese pinyin).
        self._type_into_search(search)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self._type_into_search(QGuiApplication.clipboard().text().strip())
            return
        super().keyPressEvent(event)

    def _type_into_search(self, text: str) -> None:
        text = text.replace("\n", " ").replace("\r", "")
        if not text.strip() and not self._search.text():
            return  # a lone space or tab is not a search
        self._search.setFocus()
        self._search.end(False)
        self._search.insert(text)
