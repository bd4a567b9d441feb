"""One participant's part of a campaign's referral tree, for the tab's tree: who brought them,
whom they brought, and everyone below by wave — one recursive query down from them, so opening
a participant does not read the whole campaign.

Edges count as the figures count them (core/campaigns/waves): live (pending or verified), and
for each invitee only the first referrer's (earliest join, then lowest inviter id), so each
member sits under one inviter. A cycle (a fraud signal) would loop: the walk stops at
MAX_DEPTH waves down and each member is kept once, at the first depth found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

MAX_DEPTH = 100

# An edge e counts when no other live edge of its invitee in the campaign came first.
_COUNTED = """
    e.campaign_id = :campaign AND e.status IN ('pending', 'verified')
    AND NOT EXISTS (
        SELECT 1 FROM referral_edges o
        WHERE o.invitee_id = e.invitee_id AND o.campaign_id = e.campaign_id
          AND o.status IN ('pending', 'verified')
          AND (o.occurred_at < e.occurred_at
               OR (o.occurred_at = e.occurred_at AND o.inviter_id < e.inviter_id)))
"""

_DOWN = f"""
WITH RECURSIVE down(member_id, parent_id, depth, joined_at) AS (
    SELECT e.invitee_id, e.inviter_id, 1, e.occurred_at
    FROM referral_edges e
    WHERE e.inviter_id = :member AND {_COUNTED}
  UNION ALL
    SELECT e.invitee_id, e.inviter_id, d.depth + 1, e.occurred_at
    FROM down d JOIN referral_edges e ON e.inviter_id = d.member_id
    WHERE d.depth < :max_depth AND {_COUNTED}
)
SELECT member_id, parent_id, depth, joined_at FROM down
"""

_UP = f"""
SELECT e.inviter_id, e.occurred_at FROM referral_edges e
WHERE e.invitee_id = :member AND {_COUNTED}
"""


@dataclass(frozen=True)
class Node:
    member_id: int
    parent_id: int
    depth: int  # 1: brought by the member opened, 2: by one of those, …
    joined_at: datetime | None


@dataclass
class Subtree:
    member_id: int
    inviter_id: int | None  # None: a seed (or not in the campaign)
    joined_at: datetime | None  # their own joining, when brought by someone
    nodes: list[Node] = field(default_factory=list)  # everyone below, wave by wave

    @property
    def invitees(self) -> list[int]:
        return [node.member_id for node in self.nodes if node.depth == 1]

    @property
    def by_wave(self) -> list[int]:
        """How many below at each depth: [brought directly, brought by those, …]."""
        counts: list[int] = []
        for node in self.nodes:
            while len(counts) < node.depth:
                counts.append(0)
            counts[node.depth - 1] += 1
        return counts

    @property
    def descendants(self) -> int:
        return len(self.nodes)


def subtree(session: Session, campaign_id: int, member_id: int) -> Subtree:
    """Member `member_id`'s place in campaign `campaign_id`'s referral tree."""
    up = session.execute(text(_UP), {"campaign": campaign_id, "member": member_id}).first()
    rows = session.execute(
        text(_DOWN), {"campaign": campaign_id, "member": member_id, "max_depth": MAX_DEPTH}
    ).all()
    seen = {member_id}
    nodes = []
    for member, parent, depth, joined_at in sorted(rows, key=lambda row: (row[2], row[0])):
        if member in seen:  # on a cycle
            continue
        seen.add(member)
        nodes.append(Node(member, parent, depth, _when(joined_at)))
    return Subtree(
        member_id,
        None if up is None else up[0],
        None if up is None else _when(up[1]),
        nodes,
    )


def _when(value) -> datetime | None:
    """SQLite hands a DATETIME column back as text through a text() query."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)
