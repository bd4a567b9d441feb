"""A narrowing of the members list that a feature above members computes (分群: ui/segments).

The window plugs one into the 成员 tab (ui/members/extras.py); the tab shows its widgets,
computes the chosen key's members once on a worker thread, keeps them until data changes, and
runs its own query within them (MemberFilter.member_ids). The tab never imports the feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ExtraChoice:
    """One more narrowing a feature above the scope's own offers in the same box (the chat's
    「30 天未发言」): its members computed on a worker thread like a segment's."""

    key: str
    label: str
    tooltip: str
    member_ids: Callable[[Session], list[int]]


class MemberScope(QObject):
    changed = Signal()  # another choice: query again

    def filter_widget(self) -> QWidget:
        """Shown beside the search box."""
        raise NotImplementedError

    def action_widgets(self) -> list[QWidget]:
        """Shown among the tab's buttons."""
        return []

    def key(self) -> str | None:
        """The current choice; None narrows nothing."""
        raise NotImplementedError

    def clear(self) -> None:
        """Back to no narrowing, without `changed` (清除筛选 queries once, for everything)."""
        raise NotImplementedError

    def computing_text(self) -> str:
        """Shown where the count goes while `member_ids` runs."""
        return ""

    def member_ids(self, session: Session, key: str) -> dict[str, list[int]]:
        """On a worker thread: the member ids of `key`, and of any other keys that came with
        it at no cost (the tab keeps them all)."""
        raise NotImplementedError
