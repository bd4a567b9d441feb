"""Where the window joins features that may not import each other (ARCHITECTURE.md's table).

A lower feature's screen offers a small slot (ui/members/extras.py); the features above it fill
it here, so the 成员 tab shows level names, 行为 names and 分群 without importing tiers,
activity or segments.
"""

from __future__ import annotations

from core.tiers.ladder import level_choices
from ui.activity.labels import activity_name
from ui.members.extras import MembersTabExtras
from ui.segments.member_scope import SegmentScope


def members_tab_extras() -> MembersTabExtras:
    return MembersTabExtras(
        activity_name=activity_name, level_names=level_choices, scope=SegmentScope
    )
