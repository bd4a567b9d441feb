"""A tab that builds its content the first time it is shown.

Some tabs (the poster designer) import heavy modules and render on opening; building them
at start-up would slow down every start for operators who seldom open them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.common.changes import EVERYTHING, Changes
from ui.common.tab import FeatureTab


class LazyTab(FeatureTab):
    """Holds `build(database)`'s tab once shown; forwards `refresh`, `database` and
    `data_changed`."""

    SHOWS = EVERYTHING  # the content decides what concerns it

    def __init__(self, object_name: str, build: Callable[[object], QWidget], database) -> None:
        super().__init__(database)
        self.setObjectName(object_name)
        self._build = build
        self.content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def database_replaced(self, database) -> None:
        if self.content is not None:
            self.content.database = database

    def ensure_built(self) -> QWidget:
        if self.content is None:
            self.content = self._build(self.database)
            if isinstance(self.content, FeatureTab):
                self.content.data_changed.connect(self.data_changed)
            self._layout.addWidget(self.content)
        return self.content

    def reload(self, changed: Changes | None) -> None:
        # Not built yet: it reads everything fresh when it is.
        if self.content is not None:
            self.content.refresh(changed)

    def busy(self) -> bool:
        return self.content is not None and self.content.busy()

    def showEvent(self, event) -> None:
        self.ensure_built()
        super().showEvent(event)
