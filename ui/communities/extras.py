"""What features above communities add to the 社群 tab, handed in by the window.

Communities may not import the features built on them (ARCHITECTURE.md's table), yet the
community detail shows what the chat history says (群聊活跃时段). ui/wiring.py fills this in;
without it (a bare tab in a test) the detail shows no extra sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from PySide6.QtWidgets import QWidget

    from core.common.database import Database


def _no_sections(_database: Database) -> list[QWidget]:
    return []


@dataclass(frozen=True)
class CommunitiesTabExtras:
    # Cards the community detail shows after the growth chart; each has
    # `show_community(community_id | None)`.
    detail_sections: Callable[[Database], list[QWidget]] = _no_sections
