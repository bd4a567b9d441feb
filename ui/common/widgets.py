"""Small widget helpers every tab uses."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton, QToolButton, QWidget


def push_button(object_name: str, text: str, slot: Callable[[], object]) -> QPushButton:
    """A button with an objectName (tests find widgets by it) wired to `slot`."""
    button = QPushButton(text)
    button.setObjectName(object_name)
    button.clicked.connect(slot)
    return button


def menu_button(object_name: str, text: str, tip: str, menu_name: str) -> tuple[QToolButton, QMenu]:
    """A tool button that opens its menu on click, with ▾ beside the text (Qt's own arrow
    is drawn over it); returns the button and the menu to fill."""
    button = QToolButton()
    button.setObjectName(object_name)
    button.setText(text + " ▾")
    button.setProperty("menuButton", True)  # the style sheet hides Qt's corner arrow
    button.setToolTip(tip)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    menu.setObjectName(menu_name)
    button.setMenu(menu)
    return button, menu


def confirm(
    parent: QWidget,
    object_name: str,
    title: str,
    text: str,
    yes_text: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> bool:
    """Ask before something that cannot be taken back; Cancel is the default answer."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setObjectName(object_name)
    box.button(QMessageBox.StandardButton.Yes).setText(yes_text)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Yes
