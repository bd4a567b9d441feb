"""Page navigation as a left sidebar with icons and names, as 企业微信 and 有赞 back-offices have.

`SideNav` is a list beside a stack of pages. It speaks the part of QTabWidget's interface the
program uses (`addTab`, `setCurrentWidget`, `currentIndex`, `tabText`, `currentChanged`…), so
callers and tests move pages the way they did with tabs. Keyboard: Ctrl+1…9 opens page 1…9,
Ctrl+Tab / Ctrl+Shift+Tab (and Ctrl+PgDown / Ctrl+PgUp) the next and previous page.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QWidget,
)

from ui.common.icons import icon

ICON_ROLE = Qt.ItemDataRole.UserRole + 1


class SideNav(QWidget):
    """A sidebar list (objectName `main_nav`) that drives a page stack (`main_pages`)."""

    currentChanged = Signal(int)  # QTabWidget's name, so callers need not change

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setObjectName("main_nav")
        self.list.setIconSize(QSize(20, 20))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.pages = QStackedWidget()
        self.pages.setObjectName("main_pages")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.list)
        layout.addWidget(self.pages, 1)
        self.list.currentRowChanged.connect(self._on_row)
        self.pages.currentChanged.connect(self.currentChanged)

    # ----- the QTabWidget-like interface ---------------------------------------------------

    def addTab(self, page: QWidget, text: str, icon_name: str | None = None) -> int:
        item = QListWidgetItem(text)
        item.setData(ICON_ROLE, icon_name)
        if icon_name:
            item.setIcon(icon(icon_name))
        self.list.addItem(item)
        index = self.pages.addWidget(page)
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(index)
        self._fit_width()
        return index

    def removeTab(self, index: int) -> None:
        page = self.pages.widget(index)
        if page is None:
            return
        self.list.blockSignals(True)
        self.list.takeItem(index)
        self.list.blockSignals(False)
        self.pages.removeWidget(page)
        self.list.setCurrentRow(self.pages.currentIndex())

    def count(self) -> int:
        return self.pages.count()

    def widget(self, index: int) -> QWidget | None:
        return self.pages.widget(index)

    def indexOf(self, page: QWidget) -> int:
        return self.pages.indexOf(page)

    def tabText(self, index: int) -> str:
        item = self.list.item(index)
        return item.text() if item is not None else ""

    def currentIndex(self) -> int:
        return self.pages.currentIndex()

    def currentWidget(self) -> QWidget | None:
        return self.pages.currentWidget()

    def setCurrentIndex(self, index: int) -> None:
        if 0 <= index < self.count():
            self.list.setCurrentRow(index)

    def setCurrentWidget(self, page: QWidget) -> None:
        self.setCurrentIndex(self.pages.indexOf(page))

    # ----- keyboard, theme -----------------------------------------------------------------

    def install_shortcuts(self, window: QWidget) -> None:
        """Ctrl+1…9 and Ctrl+(Shift+)Tab anywhere in `window`."""
        for number in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), window)
            shortcut.setObjectName(f"shortcut_page_{number}")
            shortcut.activated.connect(lambda index=number - 1: self.setCurrentIndex(index))
        for keys, step in (
            ("Ctrl+Tab", 1),
            ("Ctrl+PgDown", 1),
            ("Ctrl+Shift+Tab", -1),
            ("Ctrl+Backtab", -1),
            ("Ctrl+PgUp", -1),
        ):
            shortcut = QShortcut(QKeySequence(keys), window)
            shortcut.activated.connect(lambda step=step: self.step(step))

    def step(self, step: int) -> None:
        if self.count():
            self.setCurrentIndex((self.currentIndex() + step) % self.count())

    def retint(self, theme) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            name = item.data(ICON_ROLE)
            if name:
                item.setIcon(icon(name, theme))

    def _on_row(self, row: int) -> None:
        if 0 <= row < self.pages.count():
            self.pages.setCurrentIndex(row)

    def _fit_width(self) -> None:
        # As wide as the longest name (English ones are longer), within reason.
        font = QFont(self.list.font())
        font.setPixelSize(14)  # the sidebar's size in ui/common/style.py
        font.setBold(True)  # the selected item
        metrics = QFontMetrics(font)
        widest = max(
            (metrics.horizontalAdvance(self.list.item(r).text()) for r in range(self.list.count())),
            default=0,
        )
        self.list.setFixedWidth(min(220, max(132, widest + 20 + 10 + 20 + 16 + 8)))
