"""Who brought the campaign its people: top connectors and the leaderboard (排行榜).

Converted invites are a participant's counted invitees (pending or verified; `verified_only`
counts verified ones alone, as prizes do). Descendants are everyone below their invitees, in
later waves. The leaderboard ranks by converted invites; a tie goes to who got there first,
i.e. whose last counted invitee joined earlier (then the lower member id), so every rank is
given once. Top connectors rank by everyone they brought in, directly or below. Team members
(owner, staff) are neither: the tree has left them out (waves.build_tree).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime

from core.campaigns.waves import Tree

_LATEST = datetime.max


@dataclass(frozen=True)
class Connector:
    member_id: int
    wave: int | None  # None: on or below a cycle
    converted: int
    descendants: int  # in later waves, below their invitees
    reached_at: datetime | None  # when the last of `converted` joined

    @property
    def brought(self) -> int:
        return self.converted + self.descendants


@dataclass(frozen=True)
class Standing:
    rank: int
    member_id: int
    converted: int
    reached_at: datetime | None


def descendants(tree: Tree) -> dict[int, int]:
    """Participants below each member (invitees and theirs, all the way down); members on or
    below a cycle have none counted, so a cycle never loops."""
    below = dict.fromkeys(tree.wave_of, 0)
    for wave in reversed(tree.waves[1:]):
        for member in wave:
            below[tree.parent[member]] += below[member] + 1
    return below


def _last_joined(tree: Tree, invitees: list[int]) -> datetime | None:
    """When the last of `invitees` joined (None: none's joining is known)."""
    joined_at = tree.joined_at
    return max((at for at in map(joined_at.get, invitees) if at is not None), default=None)


def top_connectors(tree: Tree, top: int = 10) -> list[Connector]:
    below = descendants(tree)
    wave_of = tree.wave_of
    rows = []
    # from the counted invitees themselves: the tree's per-inviter stats cost twice as much
    # over 200000 edges, and only the count and the last joining are needed
    for inviter, invitees in tree.children.items():
        converted = len(invitees)
        last_at = _last_joined(tree, invitees)
        brought = below.get(inviter, converted)
        rows.append((-brought, -converted, last_at or _LATEST, inviter, last_at))
    return [
        Connector(inviter, wave_of.get(inviter), -converted, -brought + converted, last_at)
        for brought, converted, _, inviter, last_at in heapq.nsmallest(top, rows)
    ]


def leaderboard(tree: Tree, top: int | None = None, verified_only: bool = False) -> list[Standing]:
    rows = []
    for inviter, stats in tree.inviters.items():
        if verified_only:
            converted, reached_at = stats.verified, stats.last_verified_at
        else:
            converted, reached_at = stats.converted, stats.last_at
        if converted:
            rows.append((-converted, reached_at or _LATEST, inviter, reached_at))
    ordered = sorted(rows) if top is None else heapq.nsmallest(top, rows)
    return [
        Standing(rank, inviter, -negative, reached_at)
        for rank, (negative, _, inviter, reached_at) in enumerate(ordered, start=1)
    ]
