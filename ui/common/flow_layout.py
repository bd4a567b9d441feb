"""A row of widgets that wraps onto more lines when the window is narrow.

A toolbar of buttons and filters laid out in a QHBoxLayout demands its full width: on a laptop
screen, or with the longer English labels, it pushed the panel beside it off the edge. Here the
row asks only for its widest item and grows downwards instead.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        if parent is None:
            self.setContentsMargins(0, 0, 0, 0)

    # ------------------------------------------------------------ the QLayout interface

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins: QMargins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # ------------------------------------------------------------------------ placing

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Place the items left to right, wrapping; return the height they need."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        line: list[tuple[QLayoutItem, QPoint, QSize]] = []

        def finish_line() -> None:
            # Items of one line share its height: centre the shorter ones (a checkbox
            # beside buttons). setAlignment(AlignRight) puts each line against the right.
            shift = 0
            if line and self.alignment() & Qt.AlignmentFlag.AlignRight:
                _item, point, size = line[-1]
                shift = area.right() + 1 - (point.x() + size.width())
            for item, point, size in line:
                offset = (line_height - size.height()) // 2
                item.setGeometry(QRect(QPoint(point.x() + shift, point.y() + offset), size))
            line.clear()

        for item in self._items:
            if item.isEmpty():
                continue
            size = item.sizeHint()
            gap_x = self._spacing
            if x > area.x() and x + size.width() > area.right() + 1:
                if move:
                    finish_line()
                x = area.x()
                y += line_height + self._spacing
                line_height = 0
            if move:
                line.append((item, QPoint(x, y), size))
            x += size.width() + gap_x
            line_height = max(line_height, size.height())
        if move:
            finish_line()
        return y + line_height - rect.y() + margins.bottom()


def flow_row(*widgets: QWidget, parent: QWidget | None = None) -> QWidget:
    """A widget holding `widgets` in a FlowLayout (for use where a layout item is wanted)."""
    holder = QWidget(parent)
    layout = FlowLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return holder
