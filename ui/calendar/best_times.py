"""The editor's best send times, under its time field: for each chosen community its busiest
weekday × hour slots from chat history ("周三 20:00（12 天有发言）"), each a button that sets the
planned time to the next such slot; a community without usable chat history says why
(core's reason) instead of guessing. The tab reads them off the GUI thread
(core/calendar/send_times.py) and hands them to `show_times`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.common.flow_layout import FlowLayout
from ui.common.heat_grid import weekday_names
from ui.common.i18n import shown
from ui.common.widgets import hint_label

if TYPE_CHECKING:
    from core.calendar.send_times import CommunityTimes

MAX_COMMUNITIES = 3  # more would push the rest of the form off a laptop screen


class BestTimesView(QWidget):
    slot_chosen = Signal(int, int)  # weekday (0 = Monday), hour

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("item_best_times")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.show_waiting()

    def _clear(self) -> None:
        self.buttons: list[QPushButton] = []
        self.reasons: list[QLabel] = []
        while self._layout.count():
            child = self._layout.takeAt(0)
            widget = child.widget()
            if widget is not None:
                widget.deleteLater()
            elif child.layout() is not None:
                _drop_layout(child.layout())

    def show_waiting(self) -> None:
        self._clear()
        self._layout.addWidget(
            hint_label(self.tr("勾选发到的社群后，这里显示群里最活跃的发送时间。"))
        )

    def show_times(self, found: list[CommunityTimes]) -> None:
        self._clear()
        if not found:
            self.show_waiting()
            return
        title = hint_label(self.tr("推荐发送时间（按群聊记录，点一下改到下一个这样的时段）："))
        self._layout.addWidget(title)
        names = weekday_names()
        for entry in found[:MAX_COMMUNITIES]:
            name = QLabel(self.tr("{name}：").format(name=entry.name))
            if not entry.times.slots:  # name and reason side by side, the reason wrapping
                line = QHBoxLayout()
                line.addWidget(name, 0, Qt.AlignmentFlag.AlignTop)
                reason = hint_label(shown(entry.times.reason), "item_best_times_reason")
                line.addWidget(reason, 1, Qt.AlignmentFlag.AlignTop)
                self.reasons.append(reason)
                self._layout.addLayout(line)
                continue
            row = FlowLayout(spacing=4)
            row.addWidget(name)
            for slot in entry.times.slots:
                button = QPushButton(
                    self.tr("{weekday} {hour:02d}:00（{days} 天有发言）").format(
                        weekday=names[slot.weekday], hour=slot.hour, days=slot.days
                    )
                )
                button.setObjectName("item_best_time")
                button.setToolTip(self.tr("{count} 条成员发言").format(count=slot.messages))
                button.clicked.connect(
                    lambda _c=False, w=slot.weekday, h=slot.hour: self.slot_chosen.emit(w, h)
                )
                row.addWidget(button)
                self.buttons.append(button)
            self._layout.addLayout(row)
        if len(found) > MAX_COMMUNITIES:
            self._layout.addWidget(
                hint_label(
                    self.tr("另有 {count} 个社群未列出").format(count=len(found) - MAX_COMMUNITIES)
                )
            )

    def texts(self) -> list[str]:
        """What the slot buttons and reasons say (tests read it)."""
        return [b.text() for b in self.buttons] + [r.text() for r in self.reasons]


def _drop_layout(layout) -> None:
    while layout.count():
        child = layout.takeAt(0)
        if child.widget() is not None:
            child.widget().deleteLater()
    layout.deleteLater()
