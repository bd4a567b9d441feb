"""A mouse-wheel turn over a widget, delivered as Qt delivers a real one: to the widget under
the cursor first, then to each parent in turn while none has taken it. (QApplication.sendEvent
alone stops at the first widget: Qt passes only the operating system's wheel events on.)"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget


def turn_wheel(widget: QWidget, notches: int = -1) -> None:
    """Turn the wheel `notches` (negative: towards the user, scrolling down) over the middle
    of `widget`."""
    centre = widget.mapToGlobal(widget.rect().center())
    target = widget.childAt(widget.rect().center()) or widget  # a spin box's line edit, say
    while target is not None:
        event = QWheelEvent(
            QPointF(target.mapFromGlobal(centre)),
            QPointF(centre),
            QPoint(),
            QPoint(0, 120 * notches),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        if QApplication.sendEvent(target, event) and event.isAccepted():
            return
        target = None if target.isWindow() else target.parentWidget()
