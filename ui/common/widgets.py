"""Small widget helpers every tab uses."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton


def push_button(object_name: str, text: str, slot: Callable[[], object]) -> QPushButton:
    """A button with an objectName (tests find widgets by it) wired to `slot`."""
    button = QPushButton(text)
    button.setObjectName(object_name)
    button.clicked.connect(slot)
    return button
