"""What a write changed, named once: the topics a tab announces after a write and listens for.

A write announces `changes(Change.MEMBERS, Change.TAGS)`; every tab declares the topics it
shows (`FeatureTab.SHOWS`) and reloads only when one of them changed. A misspelt topic is an
AttributeError at the line that names it, and `changes()` refuses anything that is not a
`Change` (a bare "members" string included), so a typo cannot silently refresh nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Change(StrEnum):
    COMMUNITIES = "communities"  # a community's fields, archive state, trash, QR code
    MEMBERS = "members"  # members' fields, memberships, roles, levels, merges
    TAGS = "tags"  # tags given or taken
    ACTIVITY = "activity"  # behaviour records (签到, 消费…) and their weights
    POINTS = "points"  # the points ledger, its rules, catalogue and redemptions
    POSTERS = "posters"  # poster templates
    CAMPAIGNS = "campaigns"  # campaigns, their codes, referral edges, reviews and rewards
    CALENDAR = "calendar"  # content items, their status, sending, results, SOP plans, the 素材库


Changes = frozenset[Change]
# After a restore or the demo data: every tab reloads.
EVERYTHING: Changes = frozenset(Change)


def changes(*topics: Change) -> Changes:
    """The set of topics a write announces; anything that is not a `Change` is refused."""
    return checked(topics)


def checked(topics: Iterable[object]) -> Changes:
    """`topics` as `Changes`, or a ValueError naming the first that is not a topic."""
    found = frozenset(topics)
    for topic in found:
        if not isinstance(topic, Change):
            raise ValueError(f"unknown change topic {topic!r}: use ui.common.changes.Change")
    return found  # type: ignore[return-value]
