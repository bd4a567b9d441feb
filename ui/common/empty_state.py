"""An empty state: what is missing, what to do next, and the button that does it.

    empty = EmptyState("ledger_rewards_empty", "gift", tr("还没有兑换礼品"),
                       tr("添加第一件礼品，成员就能用积分兑换了。"))
    empty.add_action("ledger_rewards_empty_add", tr("添加礼品…"), self.add_reward)
    layout.addWidget(EmptySwitch(self.rewards_table, empty))
    …
    switch.set_empty(not rewards)

`EmptySwitch` shows the content or the empty state in the same place, so a tab adds an empty
state with a few lines and keeps its layout.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.common.icons import icon_pixmap
from ui.common.theme import current_theme, theme_manager
from ui.common.widgets import push_button

ICON_SIZE = 48
TEXT_WIDTH = 420


class EmptyState(QWidget):
    """A centred icon, a title, a sentence, and one or two buttons that lead on."""

    def __init__(
        self,
        object_name: str,
        icon_name: str,
        title: str,
        text: str,
        parent: QWidget | None = None,
        *,
        text_width: int = TEXT_WIDTH,
    ) -> None:
        """`text_width`: narrower for a side panel, which must not grow to fit the sentence."""
        super().__init__(parent)
        self.setObjectName(object_name)
        self._text_width = text_width
        self.setProperty("emptyState", True)
        self.icon_name = icon_name
        self.icon_label = QLabel()
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label = QLabel(title)
        self.title_label.setObjectName(f"{object_name}_title")
        self.title_label.setProperty("emptyTitle", True)
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setWordWrap(True)
        self.text_label = QLabel(text)
        self.text_label.setObjectName(f"{object_name}_text")
        self.text_label.setProperty("emptyText", True)
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text_label.setWordWrap(True)
        self._fit_text()
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(8)
        self.buttons.addStretch(1)
        self.buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(8)
        layout.addStretch(1)
        layout.addWidget(self.icon_label)
        self.icon_label.setMinimumHeight(ICON_SIZE)
        layout.addSpacing(4)
        layout.addWidget(self.title_label)
        layout.addWidget(self.text_label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(8)
        layout.addLayout(self.buttons)
        layout.addStretch(1)
        self._icon_theme = None  # drawn when first shown: most empty states never are
        theme_manager().theme_changed.connect(self._draw_icon)

    def add_action(
        self, object_name: str, text: str, slot: Callable[[], object], *, primary: bool = True
    ) -> QPushButton:
        """A button under the sentence; the first (primary) one in the accent colour."""
        button = push_button(object_name, text, lambda _checked=False: slot())
        button.setProperty("primary", primary)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.buttons.insertWidget(self.buttons.count() - 1, button)
        return button

    def set_text(self, text: str) -> None:
        self.text_label.setText(text)
        self._fit_text()

    def _fit_text(self) -> None:
        # A wrapped label under a centring alignment gets its one-line height from the
        # layout and is cut: give it a fixed width and the height that width needs.
        self.text_label.setFixedWidth(self._text_width)
        self.text_label.setMinimumHeight(self.text_label.heightForWidth(self._text_width))
        self.text_label.setVisible(bool(self.text_label.text()))

    def _draw_icon(self, theme=None) -> None:
        theme = theme or current_theme()
        if self.isVisible() and theme != self._icon_theme:
            self.icon_label.setPixmap(icon_pixmap(self.icon_name, ICON_SIZE, theme.muted))
            self._icon_theme = theme
        elif not self.isVisible():
            self._icon_theme = None  # redraw on showing

    def showEvent(self, event) -> None:
        self._draw_icon()
        super().showEvent(event)


class EmptySwitch(QStackedWidget):
    """Shows `content`, or `empty` in its place while there is nothing to show."""

    def __init__(self, content: QWidget, empty: EmptyState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{empty.objectName()}_switch")
        self.content = content
        self.empty = empty
        self.setSizePolicy(content.sizePolicy())  # takes the room the content would take
        self.addWidget(content)
        self.addWidget(empty)

    def set_empty(self, empty: bool) -> None:
        self.setCurrentWidget(self.empty if empty else self.content)

    def is_empty(self) -> bool:
        return self.currentWidget() is self.empty
