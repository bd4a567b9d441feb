"""A chat found in a file or folder, read on demand."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.chat.model import Chat, Event, Unreadable

Stream = Iterator[Event | Unreadable]


@dataclass
class ChatExport:
    """One chat: what it is, the files that hold it, and its events, streamed anew on each
    call of `events()` (a preview pass, then the import pass)."""

    chat: Chat
    files: list[Path]
    read: Callable[[], Stream]
    fraction: Callable[[], float] = field(default=lambda: 0.0)  # of the current pass, 0..1

    def events(self) -> Stream:
        return self.read()


@dataclass
class Found:
    """What a file or folder holds: its chats, and the files in it that are no chat export
    (with why) — listed, never silently passed over."""

    chats: list[ChatExport]
    skipped: list[tuple[Path, str]] = field(default_factory=list)
