"""A card of one figure: a small caption, the number in large type and a muted note under it
(the dashboard's KPIs, a community's figures)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class StatCard(QFrame):
    """`value` and `note` are named after the card: `<object_name>_value`, `<object_name>_note`.
    `value_style` is the style sheet's property for the number's size (statValue, commStat)."""

    def __init__(
        self,
        object_name: str,
        caption: str,
        *,
        value_style: str = "statValue",
        margins: tuple[int, int, int, int] = (16, 12, 16, 12),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setProperty("card", True)
        self.caption = QLabel(caption)
        self.caption.setProperty("statCaption", True)
        self.value = QLabel("—")
        self.value.setObjectName(f"{object_name}_value")
        self.value.setProperty(value_style, True)
        self.note = QLabel("")
        self.note.setObjectName(f"{object_name}_note")
        self.note.setProperty("muted", True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*margins)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.note)

    def set(self, value: str, note: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)
