"""The frame of an import wizard (members, chat history): three pages — choose the file (or drop
it), the preview of what the import would do, done — over one database, with the community
choices read in the background. A wizard builds its pages and says what a chosen path does
(`set_path`); answers and choices take effect through a new preview, so what is imported is always
what the preview showed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from core.common.database import Database
from ui.common.file_drop import FileDropDialog
from ui.common.screen_fit import fit_to_screen
from ui.common.tasks import TaskGroup
from ui.common.widgets import page_title

PAGE_CHOOSE, PAGE_PREVIEW, PAGE_DONE = range(3)


class ImportWizard(FileDropDialog):
    """`data_changed` after a completed import."""

    data_changed = Signal(object)  # Changes

    def __init__(self, database: Database, parent: QWidget | None, name: str, title: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.database = database
        self.path: Path | None = None
        self.plan = None  # what the shown preview would import
        self._reads = TaskGroup(self)

    def build_pages(self) -> None:
        """Called by the wizard's __init__ once its own state is set."""
        self.pages = QStackedWidget()
        self.pages.addWidget(self._choose_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._done_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        fit_to_screen(self, 1000, 680)
        self._reads.start(self._load_communities, self._set_communities)

    def _choose_page(self) -> QWidget:
        raise NotImplementedError

    def _preview_page(self) -> QWidget:
        raise NotImplementedError

    def _done_page(self) -> QWidget:
        raise NotImplementedError

    def _set_communities(self, communities: list[tuple[int, str]]) -> None:
        raise NotImplementedError

    def set_path(self, path: Path) -> None:
        raise NotImplementedError

    def pending(self) -> bool:
        """Choices made since the shown preview: they need a new preview before importing."""
        raise NotImplementedError

    def replan(self) -> None:
        """A new preview with the choices made."""
        raise NotImplementedError

    def start_import(self, plan) -> None:
        raise NotImplementedError

    def apply(self) -> None:
        """Import what the preview showed; after new choices, preview them first."""
        if self.plan is None:
            return
        if self.pending():
            self.replan()  # import only what a preview has shown
            return
        self.start_import(self.plan)

    def _load_communities(self) -> list[tuple[int, str]]:
        """(id, name) of the communities to offer, read in the background."""
        raise NotImplementedError

    def take_dropped(self, path: Path) -> bool:
        if self.pages.currentIndex() != PAGE_CHOOSE:
            return False  # the preview shows another file's plan
        self.set_path(path)
        return True

    def back_to_choose(self) -> None:
        self.pages.setCurrentIndex(PAGE_CHOOSE)


def done_label(name: str) -> QLabel:
    """The done page's headline: what the import did."""
    label = page_title(name, "")
    label.setWordWrap(True)
    return label


def done_layout(page: QWidget, labels: list[QLabel], close: QWidget) -> None:
    layout = QVBoxLayout(page)
    for label in labels:
        layout.addWidget(label)
    layout.addStretch(1)
    layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
