"""Whether a widget shows its text whole, measured the way Qt lays it out."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionFrame

LINE_EDIT_MARGIN = 2  # QLineEdit's own horizontal margin either side of its text


def shows_whole_hint(edit: QLineEdit) -> bool:
    """The placeholder fits in the box's text area (frame, padding and margins taken off)."""
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    contents = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    room = contents.width() - margins.left() - margins.right() - 2 * LINE_EDIT_MARGIN
    return edit.fontMetrics().horizontalAdvance(edit.placeholderText()) <= room
