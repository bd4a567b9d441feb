"""The one place where the window joins features that may not import each other.

The rule (ARCHITECTURE.md's feature table): a lower feature's screen offers a small slot (a
frozen dataclass of callables beside its tab, e.g. ui/members/extras.py: names, filters, detail
sections); the features above it fill the slot here, and nowhere else. ui/main_window.py only
places the tabs it is handed, connects their signals to the window (switching pages, the status
bar, `data_changed`) and opens the dialogs a tab asks for; it builds no feature's piece into
another feature's tab. So the 成员 tab shows 行为 names, level names, 分群 and the 等级 section
without importing activity, tiers or segments, and a new feature's join is one function here.
"""

from __future__ import annotations

from core.tiers.ladder import level_choices
from core.workflows.role_evidence import suggest_roles_with_chat
from ui.activity.labels import activity_name
from ui.chat.entry import members_import_actions
from ui.chat.insights_community import ChatRhythmSection
from ui.chat.insights_member import ChatPresencePanel, silent_choice
from ui.communities.extras import CommunitiesTabExtras
from ui.members.extras import MembersTabExtras
from ui.segments.member_scope import SegmentScope
from ui.tiers.level_panel import LevelPanel


def communities_tab_extras() -> CommunitiesTabExtras:
    return CommunitiesTabExtras(
        detail_sections=lambda database: [ChatRhythmSection(database)],
    )


def role_suggestions():
    """The 分层 tab's 角色建议, with the chat's answer-givers as evidence for 贡献者."""
    return suggest_roles_with_chat


def members_tab_extras() -> MembersTabExtras:
    return MembersTabExtras(
        activity_name=activity_name,
        level_names=level_choices,
        more_imports=members_import_actions,
        scope=lambda tab: SegmentScope(tab, extra=[silent_choice()]),
        detail_sections=lambda database: [LevelPanel(database), ChatPresencePanel(database)],
    )
