"""Spin boxes and combo boxes in a scrolling form take the mouse wheel only when focused.

Turning the wheel to scroll a long form (the poster's properties, the level rules, a member's
details) must not change whichever number or choice passes under the cursor. `scroll_safe`
makes every spin box and combo box inside a form — also those the form adds later, such as a
new level row or gradient stop — take the wheel only once clicked or tabbed into
(Qt.StrongFocus); until then the wheel goes on to the scroll area around it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

EDITORS = (QAbstractSpinBox, QComboBox)  # date edits are spin boxes too


class _WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Wheel:
            editor = _editor_of(watched)
            if editor is not None and not editor.hasFocus():
                _scroll_instead(editor, event)
                return True  # the box keeps its value
        elif kind == QEvent.Type.ChildPolished:  # a widget added later, now fully built
            child = event.child()
            if isinstance(child, QWidget):
                _guard(child, self)
        return False


def _editor_of(widget: QObject) -> QWidget | None:
    """The spin box or combo box `widget` is, or is part of (its line edit gets the wheel
    first)."""
    if isinstance(widget, EDITORS):
        return widget
    parent = widget.parent() if isinstance(widget, QWidget) else None
    return parent if isinstance(parent, EDITORS) else None


def _scroll_instead(editor: QWidget, event: QWheelEvent) -> None:
    """Hand the wheel to the nearest scroll area around `editor` that can still scroll that
    way (a table of spin boxes first, then the form around it)."""
    area = editor.parentWidget()
    while area is not None:
        if isinstance(area, QAbstractScrollArea):
            viewport = area.viewport()
            turned = QWheelEvent(
                QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint())),
                event.globalPosition(),
                event.pixelDelta(),
                event.angleDelta(),
                event.buttons(),
                event.modifiers(),
                event.phase(),
                event.inverted(),
            )
            QApplication.sendEvent(viewport, turned)
            if turned.isAccepted():
                break
        area = area.parentWidget()
    event.accept()  # taken care of: Qt offers it to no one else


def scroll_safe(form: QWidget) -> None:
    """Guard the spin boxes and combo boxes in `form` (the widget inside a scroll area)."""
    guard = form.findChild(_WheelGuard, "wheelGuard", Qt.FindChildOption.FindDirectChildrenOnly)
    if guard is None:
        guard = _WheelGuard(form)
        guard.setObjectName("wheelGuard")
    _guard(form, guard)


def _guard(widget: QWidget, guard: _WheelGuard) -> None:
    for each in (widget, *widget.findChildren(QWidget)):
        each.installEventFilter(guard)  # installing twice keeps one
        if isinstance(each, EDITORS):
            each.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
