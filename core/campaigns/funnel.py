"""The campaign funnel (DOMAIN's AARRR mapping):
reached (codes issued, posters made) → joined → activated → retained → referred → revenue.

Reached counts the members given a campaign code or a poster. Every later stage counts the
campaign's newcomers (its invitees), each stage on its own: activated = a first message or
check-in within 72 h of joining; retained = active in week 4 (only newcomers whose week 4 has
ended by `as_of` can be, and `measurable` says how many); referred = at least one verified
invite of their own (a newcomer whose invites are all still pending is not decided yet: not
measurable); revenue = at least one recorded purchase, with the amount. A stage nobody can be
counted in yet has a reason instead of a 0.

Team members (owner, staff) are in no stage, neither reached nor as newcomers (DOMAIN: team
members are excluded from statistics); the people they bring count like anyone's. Nothing
after `as_of` counts: an activation, week-4 activity or a purchase recorded later. Week 4 and
revenue's window: core/campaigns/retention and inputs_sql (week 4 is elapsed days 21–27 from
joining; revenue is every purchase from joining up to `as_of`, after the campaign's end too).
`stage_members` lists the members behind one stage, by the same rules.

Of the tree the funnel reads only the edge each participant counts under (Tree.edges): a
reader that needs the funnel alone gives it `waves.counted_edges` (that choice without the waves).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from core.campaigns.inputs import VERIFIED, MemberFacts, counted, team_of
from core.campaigns.retention import (
    ACTIVATION_HOURS,
    RETAINED_FROM_DAY,
    activated_in,
    invitees_active,
    not_measurable_yet,
    retained_members,
)
from core.campaigns.waves import Counted, Tree
from core.common.text import Message, msg

STAGES = ("reached", "joined", "activated", "retained", "referred", "revenue")


@dataclass(frozen=True)
class Stage:
    key: str
    label: Message
    count: int
    measurable: int  # how many could be counted in this stage
    of_previous: float | None  # count / the previous stage's count (None: either not known)
    amount: Decimal | None = None  # revenue only
    # why some (or all) could not be counted yet; with measurable 0 the count is no figure
    # (shown "—"), never a 0 of nothing
    reason: Message | None = None

    @property
    def known(self) -> bool:
        return self.measurable > 0 or self.key in ("reached", "joined")


def _labels() -> dict[str, Message]:
    return {
        "reached": msg("触达（发码、海报）"),
        "joined": msg("入群"),
        "activated": msg("激活"),
        "retained": msg("留存（第 4 周活跃）"),
        "referred": msg("推荐（≥1 个有效邀请）"),
        "revenue": msg("付费"),
    }


def _reached(fact: MemberFacts) -> bool:
    return (fact.code_issued or fact.poster_made) and counted(fact)


def _paid(fact: MemberFacts | None) -> bool:
    return fact is not None and bool(fact.purchases or fact.revenue)


def _invited(tree: Tree | Counted) -> tuple[set[int], set[int]]:
    """Who has a counted invitee, and who a verified one (rejected edges are in no tree): two
    passes of set building, cheaper than the tree's per-inviter stats over 200000 edges."""
    edges = tree.edges.values()
    return (
        {edge.inviter_id for edge in edges},
        {edge.inviter_id for edge in edges if edge.status == VERIFIED},
    )


def stage_members(
    tree: Tree | Counted, facts: Mapping[int, MemberFacts], key: str, as_of: datetime | None = None
) -> list[int]:
    """The members `funnel` counts in stage `key`, sorted (as many as its count)."""
    if key == "reached":
        return sorted(member for member, fact in facts.items() if _reached(fact))
    if key == "retained":
        return retained_members(tree, facts, RETAINED_FROM_DAY, as_of)
    newcomers = {
        member: edge
        for member, edge in tree.edges.items()
        if edge.inviter_id is not None and counted(facts.get(member))
    }
    if key == "joined":
        chosen = newcomers
    elif key == "activated":
        hours = timedelta(hours=ACTIVATION_HOURS)
        chosen = [
            m
            for m, e in newcomers.items()
            if activated_in(e.joined_at, e.activated_at, hours)
            and (as_of is None or e.activated_at <= as_of)
        ]
    elif key == "referred":
        verified = _invited(tree)[1]
        chosen = [m for m in newcomers if m in verified]
    elif key == "revenue":
        chosen = [m for m in newcomers if _paid(facts.get(m))]
    else:
        raise ValueError(key)
    return sorted(chosen)


def funnel(
    tree: Tree | Counted, facts: Mapping[int, MemberFacts], as_of: datetime | None = None
) -> list[Stage]:
    reached = sum(1 for fact in facts.values() if _reached(fact))
    (retained,) = invitees_active(tree, facts, (RETAINED_FROM_DAY,), as_of)
    # Each stage a set of the newcomers (team members left out: inputs.counted) or one pass
    # over their edges, not a pass with a test per stage for each of 200000 of them.
    team = team_of(facts)
    newcomers = {member for member, edge in tree.edges.items() if edge.inviter_id is not None}
    newcomers -= team
    joined = len(newcomers)
    window = timedelta(hours=ACTIVATION_HOURS)  # built once, not per member
    edge_of = tree.edges.__getitem__
    activated = 0
    for member in newcomers:
        edge = edge_of(member)
        at = edge.activated_at
        # not an activation after the figures' moment
        if at is not None and (as_of is None or at <= as_of):
            activated += activated_in(edge.joined_at, at, window)
    inviting, verified = _invited(tree)
    referred = len(newcomers & verified)
    # invites, none verified: pending (rejected ones are no edge)
    undecided = len(newcomers & inviting) - referred
    paying = 0
    amount = Decimal(0)
    for member, fact in facts.items():
        if member in newcomers and _paid(fact):
            paying += 1
            amount += fact.revenue

    counts = {
        "reached": (reached, reached),
        "joined": (joined, joined),
        "activated": (activated, joined),
        "retained": (retained.count, retained.of),
        "referred": (referred, joined - undecided),
        "revenue": (paying, joined),
    }
    reasons = {}
    if joined and not retained.of:
        reasons["retained"] = not_measurable_yet(RETAINED_FROM_DAY)
    if undecided:
        reasons["referred"] = msg(
            "{count} 位新成员的邀请还在待定期，是否有效尚未确定", count=undecided
        )
    labels = _labels()
    stages: list[Stage] = []
    for key in STAGES:
        count, of = counts[key]
        stage = Stage(key, labels[key], count, of, None, None, reasons.get(key))
        previous = stages[-1] if stages else None
        if previous is not None and previous.known and stage.known and previous.count:
            stage = replace(stage, of_previous=count / previous.count)
        if key == "revenue":
            stage = replace(stage, amount=amount)
        stages.append(stage)
    return stages
