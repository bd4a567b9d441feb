"""The bar over a tab's content that says what just happened (已删除「…」, 已移到 6 月 5 日…),
with the tab's own buttons (撤销) and 知道了, which hides it. Hidden until shown."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from ui.common.widgets import push_button, restyle


class NoticeBar(QFrame):
    """Object names `<prefix>_notice`, `<prefix>_notice_text` and `<prefix>_notice_close`;
    `card` frames it like a card, `wrap` lets a long message take two lines."""

    def __init__(
        self,
        prefix: str,
        close_text: str,
        buttons: tuple[QWidget, ...] = (),
        *,
        card: bool = False,
        wrap: bool = False,
    ) -> None:
        super().__init__()
        self.setObjectName(f"{prefix}_notice")
        if card:
            self.setProperty("card", True)
        self.label = QLabel()
        self.label.setObjectName(f"{prefix}_notice_text")
        self.label.setWordWrap(wrap)
        close = push_button(f"{prefix}_notice_close", close_text, self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        layout.addWidget(self.label, 1)
        for button in buttons:
            layout.addWidget(button)
        layout.addWidget(close)
        self.hide()

    def say(self, text: str, *, warning: bool = False) -> None:
        """Show `text` (in the warning colour when `warning`)."""
        if bool(self.label.property("warning")) != warning:
            restyle(self.label, warning=warning)
        self.label.setText(text)
        self.show()
