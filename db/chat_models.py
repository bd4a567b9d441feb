"""Group chat history (群聊记录导入): what an import keeps beyond the activity it records.

- `community_chats`: which chat (its chatroom id, or WeCom roomid) is which community, so the
  next export of the same chat finds its community without asking.
- `community_names`: the group's names over time, from the renames the chat shows.
- `chat_messages`: one row per imported message: sender, time (and whether its time of day is
  real), the chat's own kind (finer than the activity kind it was recorded as), its length, whom
  it quoted and whether that was a question, and its text only when the owner chose to keep
  it. `source_ref` is the message's dedupe key, the same as its activity record's: importing
  the same export twice, or an overlapping one, adds nothing twice.

Imported at the end of db/models.py, so `Base.metadata` always holds these tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.columns import references
from db.models import Base


class CommunityChat(Base):
    __tablename__ = "community_chats"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(100), unique=True)
    community_id: Mapped[int] = references("communities", ondelete="CASCADE", index=True)
    format: Mapped[str] = mapped_column(String(30), default="")
    linked_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)


class CommunityName(Base):
    """A name the group was given (修改群名为…), when and by whom."""

    __tablename__ = "community_names"
    __table_args__ = (UniqueConstraint("community_id", "name", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = references("communities", ondelete="CASCADE")
    name: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    by_member_id: Mapped[int | None] = references("members", ondelete="SET NULL")
    source: Mapped[str] = mapped_column(String(20), default="chat")


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    __table_args__ = (
        Index("ix_chat_messages_community_time", "community_id", "sent_at"),
        Index("ix_chat_messages_member_time", "member_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = references("communities", ondelete="CASCADE")
    member_id: Mapped[int] = references("members", ondelete="CASCADE")
    sent_at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(20))  # core.chat.model's kinds
    length: Mapped[int] = mapped_column(Integer, default=0)
    quoted_member_id: Mapped[int | None] = references("members", ondelete="SET NULL")
    text: Mapped[str | None] = mapped_column(Text)  # only when the owner keeps text
    source_ref: Mapped[str] = mapped_column(String(100), unique=True)
    # False for text copied from the Windows client (the day only, stored at midnight): no
    # hour-based figure counts it.
    time_known: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Whether the quoted message was a question; None when the format keeps no quoted text.
    quotes_question: Mapped[bool | None] = mapped_column(Boolean)
