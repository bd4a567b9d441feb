"""群聊发言 in the 成员 tab's member detail: per community, joining → first message after it
(the activation), the last message and how many (core/chat/insights.py).

Members may not import the chat: ui/wiring.py adds this section (ui/members/extras.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from core.chat.insights import SILENT_DAYS, ChatPresence, member_chat, silent_members
from core.common.database import Database
from ui.common.widgets import hint_label, wrapping_label
from ui.members.scope import ExtraChoice
from ui.members.section import MemberSection

SILENT_KEY = "chat_silent_30"


def silent_choice() -> ExtraChoice:
    """「30 天未发言」for the 成员 tab's 分群 box: in a community, spoke there before, not in
    the last 30 days (from the chat history)."""
    return ExtraChoice(
        SILENT_KEY,
        QCoreApplication.translate("ChatPresencePanel", "{days} 天未发言（群聊）").format(
            days=SILENT_DAYS
        ),
        QCoreApplication.translate(
            "ChatPresencePanel", "还在群里、在群聊记录里发过言，但最近 {days} 天没有发言的成员"
        ).format(days=SILENT_DAYS),
        lambda session: sorted({found.member_id for found in silent_members(session)}),
    )


def _at(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


class ChatPresencePanel(MemberSection):
    """A section of the member detail (it never emits `changed`: nothing is edited here)."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(database, "memberChatPanel", self.tr("群聊发言"), parent)
        self.label = wrapping_label("memberChatText")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.empty = hint_label(self.tr("群聊记录里没有此人的发言"), "memberChatEmpty")
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.empty)

    def show_member(self, member_id: int | None) -> None:
        self.member_id = member_id
        if member_id is None:
            self.label.clear()
            self.empty.hide()
            return
        self.tasks.read(lambda session: (member_id, member_chat(session, member_id)), self._loaded)

    def _loaded(self, result) -> None:
        member_id, found = result
        if member_id != self.member_id:
            return
        self.empty.setVisible(not found)
        self.label.setVisible(bool(found))
        self.label.setText("<br>".join(self._line(name, p) for name, p in found))

    def _line(self, community: str, presence: ChatPresence) -> str:
        """The community in bold, then joining → first message, then the last one."""
        if presence.first_after_join is None:
            first = self.tr("入群后未发言")
        else:
            first = self.tr("入群后首次发言 {at}").format(at=_at(presence.first_after_join))
            wait = presence.to_first_message
            if wait is not None:
                first += self.tr("（{wait}后）").format(wait=self._wait(wait))
        last = self.tr("共 {count} 条").format(count=f"{presence.messages:,}")
        if presence.last_message_at is not None:
            last = self.tr("最近发言 {at} · 共 {count} 条").format(
                at=_at(presence.last_message_at), count=f"{presence.messages:,}"
            )
        return f"<b>{escape(community)}</b><br>{escape(first)}<br>{escape(last)}"

    def _wait(self, wait: timedelta) -> str:
        hours = wait.total_seconds() / 3600
        if hours < 1:
            return self.tr("{n} 分钟").format(n=max(1, round(wait.total_seconds() / 60)))
        if hours < 48:
            return self.tr("{n} 小时").format(n=round(hours))
        return self.tr("{n} 天").format(n=wait.days)
