"""Whether a widget shows its text whole, measured the way Qt lays it out."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionFrame, QTabWidget, QWidget

LINE_EDIT_MARGIN = 2  # QLineEdit's own horizontal margin either side of its text


def shows_whole_hint(edit: QLineEdit) -> bool:
    """The placeholder fits in the box's text area (frame, padding and margins taken off)."""
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    contents = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    room = contents.width() - margins.left() - margins.right() - 2 * LINE_EDIT_MARGIN
    return edit.fontMetrics().horizontalAdvance(edit.placeholderText()) <= room


def settle_layout() -> None:
    """Deliver the layout requests a resize or a newly shown page posted (each round may post
    the next level's), so sizes are final when the test reads them: no waiting on a clock."""
    for _ in range(4):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()


def open_section_of(page: QWidget, widget: QWidget) -> None:
    """Show the inner tab (section) of `page` that holds `widget`."""
    sections = page.findChild(QTabWidget)
    holder = widget.parentWidget()
    while sections.indexOf(holder) < 0:
        holder = holder.parentWidget()
    sections.setCurrentWidget(holder)


def show_on_a_laptop(window, page: QWidget, widget: QWidget, qtbot) -> None:
    """The window at the size it opens on a 1366 × 768 screen (1280 × 728), `page` chosen, the
    section holding `widget` shown, and the layout settled."""
    window.resize(1280, 728)
    window.tabs.setCurrentWidget(page)
    open_section_of(page, widget)
    qtbot.waitUntil(widget.isVisible, timeout=60_000)
    settle_layout()
