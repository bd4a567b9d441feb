"""What a campaign's reward decisions are computed from, besides its referral edges
(core/campaigns/inputs.Edge) and its settings: plain frozen dataclasses the database side fills.

Decisions are recomputed from all the facts each time (a pure function), so the facts carry
what was already applied (`applied`: dedupe keys the ledger or the fulfilment queue holds,
`coupons`: codes already handed out) and the reviewers' actions: an applied reward keeps its
stock and its coupon code however late an earlier-dated fact arrives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from core.campaigns.inputs import Edge


@dataclass(frozen=True, slots=True)
class Person:
    """What eligibility and the fraud signals read of one member."""

    member_id: int
    member_since: datetime | None = None  # first known as a member (any community)
    nickname: str = ""
    phone: str = ""
    wechat_id: str = ""
    # blacklisted in an earlier campaign (this campaign's own blacklisting comes in `reviews`)
    barred: bool = False
    team: bool = False  # owner or staff: in no figure and on no leaderboard (DOMAIN)


def team_of_people(people: Mapping[int, Person]) -> set[int]:
    """The team members among `people` (waves.build_tree leaves them out of the tree)."""
    return {member for member, person in people.items() if person.team}


@dataclass(frozen=True, slots=True)
class Help:
    """助力 / 砍价: `helper_id` helped (cut for) `target_id`."""

    target_id: int
    helper_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Team:
    """拼团: a team opened by its leader; `joins` are the others, (member id, when)."""

    team_id: int
    leader_id: int
    opened_at: datetime
    joins: tuple[tuple[int, datetime], ...] = ()


@dataclass(frozen=True, slots=True)
class Draw:
    """抽奖: one draw asked for. `number` is its place in the recorded sequence (1, 2, …),
    given when it is recorded and never changed: the replay goes by it."""

    number: int
    member_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Offer:
    """以物换物: something a member offers."""

    offer_id: int
    member_id: int
    category: str
    item: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Want:
    want_id: int
    member_id: int
    category: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Swap:
    """A swap marked done: the offer went to the one who wanted it."""

    offer_id: int
    want_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class ReviewAction:
    """One reviewer's decision (core/campaigns/review.py): on a reward (`key`) or a member."""

    action: str  # approve / reject / blacklist
    who: str
    at: datetime
    why: str = ""
    key: str | None = None  # approve / reject: the reward's key
    member_id: int | None = None  # blacklist: the member


@dataclass(frozen=True)
class Budget:
    """The campaign's money caps (its columns), in fen; None: no cap. Points cost
    `fen_per_point` each (the ledger's value per point × 100)."""

    total_cents: int | None = None
    per_day_cents: int | None = None
    per_member_cents: int | None = None
    fen_per_point: Decimal = Decimal(0)


@dataclass(frozen=True)
class Facts:
    campaign_id: int
    as_of: datetime
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    edges: tuple[Edge, ...] = ()
    people: dict[int, Person] = field(default_factory=dict)
    purchases: dict[int, datetime] = field(default_factory=dict)  # member → first purchase
    helps: tuple[Help, ...] = ()
    begun: dict[int, datetime] = field(default_factory=dict)  # 助力/砍价: target → started
    teams: tuple[Team, ...] = ()
    draws: tuple[Draw, ...] = ()
    offers: tuple[Offer, ...] = ()
    wants: tuple[Want, ...] = ()
    swaps: tuple[Swap, ...] = ()
    budget: Budget = field(default_factory=Budget)
    stock_used: dict[str, int] = field(default_factory=dict)  # prize key → used elsewhere
    spent_cents: int = 0  # of the budget, outside these decisions
    # reward key → member, for rewards already in the ledger or the fulfilment queue
    applied: dict[str, int] = field(default_factory=dict)
    coupons: dict[str, str] = field(default_factory=dict)  # reward key → code handed out
    pool: tuple[str, ...] = ()  # 券 codes imported or generated, after the settings' own pool
    redeemed: dict[str, datetime] = field(default_factory=dict)  # coupon code → redeemed at
    reviews: tuple[ReviewAction, ...] = ()
    # what is worked out of these facts once and asked for again (the screening: decide and
    # a 任务宝's 还差 N 人 both); not an argument, so a `replace`d copy starts empty
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
