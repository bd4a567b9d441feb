"""A tab that builds its content the first time it is shown.

Some tabs (the poster designer) import heavy modules and render on opening; building them
at start-up would slow down every start for operators who seldom open them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyTab(QWidget):
    """Holds `build(database)`'s widget once shown; forwards `refresh` and `database`."""

    def __init__(self, object_name: str, build: Callable[[object], QWidget], database) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self._build = build
        self._database = database
        self.content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def database(self):
        return self._database

    @database.setter
    def database(self, database) -> None:
        self._database = database
        if self.content is not None:
            self.content.database = database

    def ensure_built(self) -> QWidget:
        if self.content is None:
            self.content = self._build(self._database)
            self._layout.addWidget(self.content)
        return self.content

    def refresh(self, changed: set[str] | None = None) -> None:
        # Not built yet: it reads everything fresh when it is.
        if self.content is not None:
            self.content.refresh(changed)

    def showEvent(self, event) -> None:
        self.ensure_built()
        super().showEvent(event)
