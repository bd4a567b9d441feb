"""The referral tree of a campaign: one inviter per invitee, seeds in wave 0, their invitees
in wave 1, and so on.

An invitee named by several counted edges counts under one (first referrer wins: an edge
with an inviter beats a seed row, then the earliest join, then the lowest inviter id); the
others are counted in `duplicates`. Rejected edges are left out. A cycle (A brought B, B
brought A) cannot be reached from a seed: its members, and everyone below them, are in no
wave; they are listed in `unreached` and each cycle in `cycles` (a fraud signal), so a
cycle never loops.

Team members (owner, staff) are in no figure (DOMAIN: team members are excluded from
statistics), so the tree leaves them out here, once, for every figure read from it: a team
member is no participant, in no wave and no inviter; the people a team member brought are
seeds (wave 0, the operator's own seeding, like a code handed out), so K measures the spread
from member to member. Their counted edge stays in `edges` as it is (the funnel and the
retention shares count them as newcomers, as they count anyone's invitees). The tab's referral
tree (core/campaigns/branches, subtree) still shows who brought whom, staff too: a record,
not a figure.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from core.campaigns.inputs import REJECTED, VERIFIED, Edge
from core.common.gc_pause import gc_paused

_LATEST = datetime.max


@dataclass
class Tree:
    parent: dict[int, int | None]  # every participant → the inviter they count under
    joined_at: dict[int, datetime | None]  # None: an inviter with no edge of their own
    # the edge each invitee counts under (absent: implicit seed); a team member's own too, and
    # a seed brought by a team member keeps theirs (its inviter is no parent)
    edges: dict[int, Edge]
    children: dict[int, list[int]]  # inviter → invitees counted under them
    waves: list[list[int]]  # wave n → its participants; wave 0 = the seeds
    wave_of: dict[int, int]
    cycles: list[tuple[int, ...]] = field(default_factory=list)  # a → b → … → a
    unreached: list[int] = field(default_factory=list)  # on or below a cycle: in no wave
    duplicates: int = 0  # edges left out because their invitee counts under another
    tried: set[int] = field(default_factory=set)  # inviters of any edge, rejected ones too
    # figures several readers derive from the same tree (the generation time: the report's
    # K and the forecast both), computed once
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def participants(self) -> int:
        return len(self.parent)

    @property
    def seeds(self) -> list[int]:
        return self.waves[0] if self.waves else []

    @property
    def invitees(self) -> int:
        """The campaign's new members: participants who joined through a counted invite, the
        team's invites too (the funnel's 入群, the cost per new member's divisor)."""
        return sum(
            1
            for member, edge in self.edges.items()
            if edge.inviter_id is not None and member in self.parent
        )

    @property
    def brought_by_members(self) -> int:
        """Participants counted under an inviter of the tree (a member, not the team): 裂变率's
        numerator, participants − seeds."""
        return sum(1 for inviter in self.parent.values() if inviter is not None)

    def wave_sizes(self) -> list[int]:
        return [len(wave) for wave in self.waves]

    @cached_property
    def inviters(self) -> dict[int, InviterStats]:
        """What each inviter's counted invitees add up to, in one pass over the tree."""
        stats: dict[int, InviterStats] = {}
        for inviter, invitees in self.children.items():
            held = stats[inviter] = InviterStats()
            for invitee in invitees:
                held.add(self.edges[invitee])
        return stats


class InviterStats:
    """One inviter's counted invitees: how many, how many verified, when the first and the
    last joined (the last verified too)."""

    __slots__ = ("converted", "first_at", "last_at", "last_verified_at", "verified")

    def __init__(self) -> None:
        self.converted = self.verified = 0
        self.first_at = self.last_at = self.last_verified_at = None

    def add(self, edge: Edge) -> None:
        self.converted += 1
        at = edge.joined_at
        if at is not None:
            if self.first_at is None or at < self.first_at:
                self.first_at = at
            if self.last_at is None or at > self.last_at:
                self.last_at = at
        if edge.status == VERIFIED:
            self.verified += 1
            if at is not None and (self.last_verified_at is None or at > self.last_verified_at):
                self.last_verified_at = at


def _rank(edge: Edge) -> tuple:
    """Which of an invitee's edges counts: the smallest rank."""
    return (
        edge.inviter_id is None,
        edge.joined_at or _LATEST,
        edge.inviter_id if edge.inviter_id is not None else 0,
    )


def build_tree(edges: Iterable[Edge], team: Collection[int] = ()) -> Tree:
    """The tree of `edges`, the members of `team` (inputs.team_of) left out of it."""
    with gc_paused():  # dicts and lists of 200000 members, all kept
        return _build_tree(edges, team)


def choose_edges(edges: Iterable[Edge]) -> tuple[dict[int, Edge], int, set[int]]:
    """invitee → the edge they count under; how many edges were left out as duplicates; the
    inviters of any edge."""
    chosen: dict[int, Edge] = {}
    duplicates = 0
    tried: set[int] = set()
    for edge in edges:
        if edge.inviter_id is not None:
            tried.add(edge.inviter_id)
        if edge.status == REJECTED:
            continue
        invitee = edge.invitee_id
        held = chosen.get(invitee)
        if held is None:
            chosen[invitee] = edge
            continue
        duplicates += 1
        if _rank(edge) < _rank(held):
            chosen[invitee] = edge
    return chosen, duplicates, tried


def tree_cycles(edges: Iterable[Edge]) -> list[tuple[int, ...]]:
    """The cycles build_tree(edges).cycles lists, without building the tree: one walk up the
    counted inviters (the fraud screening asks for nothing else)."""
    with gc_paused():
        chosen, _, _ = choose_edges(edges)
        parent = {invitee: edge.inviter_id for invitee, edge in chosen.items()}
    reaches: dict[int, bool] = {}  # member → their inviter chain ends at a seed
    for start in parent:
        if start in reaches:
            continue
        path: list[int] = []
        on_path: set[int] = set()
        member: int | None = start
        while True:
            if member is None or member not in parent:  # past a seed (with or without a row)
                found = True
                break
            if member in reaches:
                found = reaches[member]
                break
            if member in on_path:  # round a cycle
                found = False
                break
            path.append(member)
            on_path.add(member)
            member = parent[member]
        for member in path:
            reaches[member] = found
    unreached = sorted(member for member, found in reaches.items() if not found)
    return _cycles(unreached, parent) if unreached else []


def _build_tree(edges: Iterable[Edge], team: Collection[int]) -> Tree:
    # the first referrer is chosen among every edge, team members' too: a person the staff
    # brought first is theirs (a seed), not a later inviter's
    chosen, duplicates, tried = choose_edges(edges)
    team = set(team)

    parent: dict[int, int | None] = {}
    joined_at: dict[int, datetime | None] = {}
    children: dict[int, list[int]] = {}
    for invitee, edge in chosen.items():
        inviter = edge.inviter_id
        if team:
            if invitee in team:
                continue  # no participant
            if inviter in team:
                inviter = None  # brought by the team: a seed
        parent[invitee] = inviter
        joined_at[invitee] = edge.joined_at
        if inviter is not None:
            if inviter in children:
                children[inviter].append(invitee)
            else:
                children[inviter] = [invitee]
    for inviter in children:
        if inviter not in parent:  # an inviter with no edge of their own: a seed
            parent[inviter] = None
            joined_at[inviter] = None

    seeds = sorted(member for member, inviter in parent.items() if inviter is None)
    waves: list[list[int]] = []
    wave_of: dict[int, int] = {}
    current = seeds
    while current:
        number = len(waves)
        for member in current:
            wave_of[member] = number
        waves.append(current)
        current = [child for member in current for child in children.get(member, ())]

    tree = Tree(
        parent, joined_at, chosen, children, waves, wave_of, duplicates=duplicates, tried=tried
    )
    if len(wave_of) < len(parent):
        tree.unreached = sorted(member for member in parent if member not in wave_of)
        tree.cycles = _cycles(tree.unreached, parent)
    return tree


def _cycles(unreached: list[int], parent: dict[int, int | None]) -> list[tuple[int, ...]]:
    """The cycles among members no seed reaches. Each such member's inviter chain never ends
    at a seed, so it runs into a cycle; walking each chain once finds every cycle once."""
    done: set[int] = set()
    cycles = []
    for start in unreached:
        path: dict[int, int] = {}  # member → position on the current walk
        member: int | None = start
        while member is not None and member not in done and member not in path:
            path[member] = len(path)
            member = parent[member]
        if member is not None and member in path:
            walk = list(path)[path[member] :]  # invitee → inviter order
            walk.reverse()  # inviter → invitee order
            first = walk.index(min(walk))
            cycles.append(tuple(walk[first:] + walk[:first]))
        done.update(path)
    return sorted(cycles)


@dataclass(frozen=True)
class Counted:
    """All the funnel reads of a campaign's tree: the edge each participant counts under, as
    Tree.edges holds it (the same choice of first referrer), without the waves."""

    edges: dict[int, Edge]


def counted_edges(edges: Iterable[Edge]) -> Counted:
    """What build_tree(edges) would give the funnel, without building the tree."""
    with gc_paused():  # a dict of 200000 edges, all kept
        return Counted(choose_edges(edges)[0])
