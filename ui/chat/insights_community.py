"""群聊活跃时段 in the 社群 tab's community detail: the weekday × hour heat map of members'
messages and the best times to post (core/chat/insights.py).

Communities may not import the chat (it sits above them): ui/wiring.py hands this section to
the detail (ui/communities/extras.py), which calls `show_community(id)`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from core.chat.insights import BestTimes, HeatMap, best_send_times, heat_map
from core.common.database import Database
from ui.common.heat_grid import HeatGrid, heat_note, weekday_names
from ui.common.i18n import shown
from ui.common.tasks import TaskGroup
from ui.common.widgets import hint_label, section_title, wrapping_label


class ChatRhythmSection(QFrame):
    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("communities_chat_card")
        self.setProperty("card", True)
        self.database = database
        self.community_id: int | None = None
        self.tasks = TaskGroup(self)
        title = section_title(self.tr("群聊活跃时段（成员发言，按星期和小时）"))
        self.grid = HeatGrid()
        self.grid.setObjectName("communities_chat_heat")
        self.grid.empty_text = self.tr("还没有导入群聊记录")
        self.best = wrapping_label("communities_chat_best")
        self.note = hint_label(name="communities_chat_note")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.grid)
        layout.addWidget(self.best)
        layout.addWidget(self.note)

    def show_community(self, community_id: int | None) -> None:
        self.community_id = community_id
        if community_id is None:
            self._show(None, HeatMap(()), None)
            return
        self.tasks.read(
            lambda session: (
                community_id,
                heat_map(session, community_id),
                best_send_times(session, [community_id])[community_id],
            ),
            lambda result: self._show(*result),
        )

    def _show(self, community_id: int | None, heat: HeatMap, best: BestTimes | None) -> None:
        if community_id != self.community_id:
            return  # another community was chosen meanwhile
        if not heat.total and heat.untimed:
            self.grid.empty_text = self.tr("群聊记录只有日期，没有具体时间")
        else:
            self.grid.empty_text = self.tr("还没有导入群聊记录")
        self.grid.set_counts(heat.counts)
        days = weekday_names()
        if best is None:
            self.best.clear()
        elif best.slots:
            slots = self.tr("、").join(
                self.tr("{day} {hour}:00").format(day=days[s.weekday], hour=f"{s.hour:02d}")
                for s in best.slots
            )
            self.best.setText(self.tr("最佳发送时间：{slots}").format(slots=slots))
        else:
            self.best.setText(self.tr("最佳发送时间：{reason}").format(reason=shown(best.reason)))
        self.note.setText(heat_note(heat.total, heat.untimed))
        self.note.setVisible(bool(self.note.text()))
        # With no history at all, the grid already says so.
        self.best.setVisible(bool(self.best.text()) and bool(heat.total or heat.untimed))
