"""A tab's pages side by side in a QTabWidget, each read only when it is on screen: the tab
marks them stale when what they show changed, and the page in view reads again at once, the
others when they are shown (the 内容日历 and 活动 tabs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QTabWidget, QWidget


class PageTabs(QTabWidget):
    def __init__(
        self,
        object_name: str,
        pages: Iterable[Callable[[QWidget], QWidget]],
        tab: QWidget,
        show: Callable[[QWidget], object],
    ) -> None:
        """`pages`: the page classes, each built with `tab` and titled by its `title()`;
        `show(page)`: what makes a page read (its `reload()`, or the campaign to show)."""
        super().__init__()
        self.setObjectName(object_name)
        self.setDocumentMode(True)
        for page_class in pages:
            page = page_class(tab)
            self.addTab(page, page.title())
        self._show = show
        self._fresh: set[int] = set()  # the pages that read since they were last marked stale
        self.currentChanged.connect(lambda _i: self.show_current())

    def page(self, object_name: str) -> QWidget | None:
        return self.findChild(QWidget, object_name)

    def all_pages(self) -> list[QWidget]:
        return [self.widget(index) for index in range(self.count())]

    def mark_stale(self) -> None:
        """Every page reads again when it is next shown (`show_current` for the one in view)."""
        self._fresh.clear()

    def show_current(self) -> None:
        """Only the page on screen reads; the others read when they are shown."""
        index = self.currentIndex()
        if index < 0 or index in self._fresh:
            return
        self._fresh.add(index)
        self._show(self.widget(index))
