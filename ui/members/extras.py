"""What features above members add to the 成员 tab, handed in by the window.

Members may not import the features built on them (ARCHITECTURE.md's table), yet the tab shows
their words and choices: the names of 行为 kinds (activity), the 等级 filter's levels (tiers),
the 分群 filter (segments), the 等级 section of the detail panel (tiers), the imports of other
features in the 导入 menu (群聊记录: chat). ui/wiring.py, which
sees every feature, fills this in; without it (a bare tab in a test or benchmark) the tab works
with codes for names, no 分群 and no extra sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from PySide6.QtGui import QAction
    from sqlalchemy.orm import Session

    from core.common.database import Database
    from ui.members.scope import MemberScope
    from ui.members.section import MemberSection
    from ui.members.tab import MembersTab


def _code(kind: str) -> str:
    return kind


def _no_levels(_session: Session) -> list[tuple[str, str]]:
    return []


def _no_sections(_database: Database) -> list[MemberSection]:
    return []


def _no_imports(_tab: MembersTab) -> list[QAction]:
    return []


@dataclass(frozen=True)
class MembersTabExtras:
    # A 行为 kind's name in the detail panel's recent activity.
    activity_name: Callable[[str], str] = _code
    # (key, name) of every level the 等级 filter offers, read in the background.
    level_names: Callable[[Session], list[tuple[str, str]]] = _no_levels
    # A filter whose members another feature computes (分群), made for the tab it serves.
    scope: Callable[[MembersTab], MemberScope] | None = None
    # Sections the detail panel shows after the memberships (MemberDetailPanel.add_section).
    detail_sections: Callable[[Database], list[MemberSection]] = _no_sections
    # More entries of the 导入 button's menu, after the tab's own 成员名单 (made for the tab).
    more_imports: Callable[[MembersTab], list[QAction]] = _no_imports
