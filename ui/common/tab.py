"""The contract every feature tab keeps with the main window.

- `database`: the open database; the window sets another one after a restore
  (`database_replaced` hands it to the widgets that keep their own reference).
- `refresh(changed)`: reload what the tab shows; `changed` is the `Change` topics a write
  announced (None: everything). A tab declares the topics it shows in `SHOWS` and is not
  bothered by the others.
- `data_changed(Changes)`: emitted after a write of this tab has committed.
- `busy()`: background reads or writes are still in flight (tests wait on it).
- `tasks.read(work, show)` and `tasks.write(work, label=…, changes=…)`: the one way to read in
  the background then show, and to write then announce (ui/common/tasks.py).

Vorta's tabs share their plumbing through a base class and Anki's screens learn what an
operation changed from its OpChanges; this is the same idea at this program's size.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ui.common.changes import Change, Changes, checked
from ui.common.tasks import TaskGroup

if TYPE_CHECKING:
    from core.common.database import Database


class FeatureTab(QWidget):
    """A tab of the main window; subclasses set `SHOWS` and implement `reload`."""

    data_changed = Signal(object)  # Changes
    SHOWS: Changes = frozenset()

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self.tasks = TaskGroup(self, announce=self.announce)

    @property
    def database(self) -> Database:
        return self._database

    @database.setter
    def database(self, database: Database) -> None:
        self._database = database
        self.database_replaced(database)

    def database_replaced(self, database: Database) -> None:
        """Hand a reopened database to child widgets that keep their own (after a restore)."""

    def refresh(self, changed: Iterable[Change] | None = None) -> None:
        """Reload when something shown here changed (None: reload everything)."""
        if changed is None:
            self.reload(None)
            return
        topics = checked(changed)
        if topics & self.SHOWS:
            self.reload(topics)

    def reload(self, changed: Changes | None) -> None:
        raise NotImplementedError

    def announce(self, changes: Iterable[Change]) -> None:
        """Tell the window (and through it every tab) what a committed write changed."""
        self.data_changed.emit(checked(changes))

    def say(self, text: str, msecs: int = 8000) -> None:
        """Show what a finished action did in the window's status bar (when the tab has one)."""
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, msecs)

    def busy(self) -> bool:
        return self.tasks.busy()
