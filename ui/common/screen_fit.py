"""Windows and dialogs that fit the screen they open on.

An owner's laptop offers 1366 × 768 or 1280 × 720 pixels, less the taskbar and the title bar.
A window asks for a comfortable size and gets the screen's size when that is smaller; a
dialog whose body can be taller than the screen scrolls inside (`scrolling`), so its buttons
stay on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from ui.common.wheel import scroll_safe

# Room for the window's title bar and borders, which the window's own size leaves out.
FRAME_ALLOWANCE = (16, 40)


def available_area(widget: QWidget) -> QRect:
    """The part of the widget's screen (else the main screen) that windows may use."""
    parent = widget.parentWidget()
    screen = (parent.window() if parent else widget).screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Give `window` its preferred size, or the screen's when that is smaller; a minimum size
    set earlier shrinks with it, so the title bar and the buttons stay on screen."""
    area = available_area(window)
    room_w = max(320, area.width() - FRAME_ALLOWANCE[0])
    room_h = max(240, area.height() - FRAME_ALLOWANCE[1])
    minimum = window.minimumSize()
    window.setMinimumSize(min(minimum.width(), room_w), min(minimum.height(), room_h))
    window.resize(min(width, room_w), min(height, room_h))


def keep_on_screen(window: QWidget) -> None:
    """Shrink and move a restored window into the screen (saved on a larger monitor)."""
    area = available_area(window)
    fit_to_screen(window, window.width(), window.height())
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
    window.move(max(area.x(), x), max(area.y(), y))


def scrolling(body: QWidget, object_name: str) -> QScrollArea:
    """`body` inside a frameless scroll area: on a short screen it scrolls, not the dialog."""
    area = QScrollArea()
    area.setObjectName(object_name)
    area.setWidget(body)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    scroll_safe(body)  # the wheel scrolls the body, not the spin box under the cursor
    return area
