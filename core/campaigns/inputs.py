"""What a campaign's figures are computed from: its referral edges and per-member facts.

Plain frozen dataclasses, so the figures run in tests and benchmarks without a database and
the SQL side (core/referrals' referral_edges, the activity table, the ledger) only has to
produce rows of these shapes.

An edge says one participant took part: `inviter_id` brought `invitee_id`, or, with
`inviter_id` None, the participant is a seed (took part with no inviter in this campaign: got a
code or a poster, joined from an advert). An inviter who appears in no edge as an invitee is a
seed too, with no known joining time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

# Edge statuses. A pending edge is a real join whose reward is still under review; a rejected
# one (fraud review, left too early, not new) counts in no figure except the share rate (an
# attempt is still a share).
PENDING = "pending"
VERIFIED = "verified"
REJECTED = "rejected"
STATUSES = (PENDING, VERIFIED, REJECTED)


@dataclass(frozen=True, slots=True)
class Edge:
    """One participant's way into the campaign."""

    inviter_id: int | None
    invitee_id: int
    joined_at: datetime | None
    activated_at: datetime | None = None  # first message or check-in after joining
    left_at: datetime | None = None  # left the group (None: still in)
    status: str = VERIFIED


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What else is known of one member for this campaign."""

    member_id: int
    code_issued: bool = False  # a campaign invite code was issued to them
    poster_made: bool = False  # a personal poster was made for them
    shared: bool = False  # a share was recorded (their code typed or scanned, a share reported)
    active_at: tuple[datetime, ...] = ()  # activity times, sorted (any kind but a violation)
    revenue: Decimal = Decimal(0)  # recorded purchases attributed to the campaign
    purchases: int = 0  # how many purchases that revenue is
    team: bool = False  # owner or staff: in no funnel stage or retention share (DOMAIN)


def _setters(cls) -> tuple:
    """Each field's slot setter of the frozen slotted dataclass `cls`, in field order."""
    return tuple(getattr(cls, field).__set__ for field in cls.__dataclass_fields__)


_EDGE = _setters(Edge)
_FACTS = _setters(MemberFacts)
_new = object.__new__


# The readers make 200000 of each at a time: these set each field through its slot, about 3×
# faster than the dataclass's __init__ (which goes through object.__setattr__ by name); the
# result is the same frozen instance. Every field, in order.
def make_edge(inviter, invitee, joined, activated, left, status) -> Edge:
    made = _new(Edge)
    a, b, c, d, e, f = _EDGE
    a(made, inviter), b(made, invitee), c(made, joined), d(made, activated), e(made, left)
    f(made, status)
    return made


def make_facts(member, code, poster, shared, active_at, revenue, purchases, team) -> MemberFacts:
    made = _new(MemberFacts)
    a, b, c, d, e, f, g, h = _FACTS
    a(made, member), b(made, code), c(made, poster), d(made, shared), e(made, active_at)
    f(made, revenue), g(made, purchases), h(made, team)
    return made


def counted(fact: MemberFacts | None) -> bool:
    """Whether a member counts in the campaign's statistics: team members (owner, staff) count
    in none — no funnel stage, retention share, revenue or ROI (DOMAIN: team members are
    excluded from statistics); a member with no facts counts. Every figure asks here."""
    return fact is None or not fact.team


def team_of(facts: Mapping[int, MemberFacts]) -> set[int]:
    """The members `counted` leaves out, as one set (a test per member costs a call each)."""
    return {member for member, fact in facts.items() if fact.team}


@dataclass(frozen=True, slots=True)
class Costs:
    """What the campaign cost: prizes (the fulfilment queue and redemptions), the rest, and
    the points it gave (net of clawbacks and reversals) at the ledger's value per point."""

    prizes: Decimal = Decimal(0)
    other: Decimal = Decimal(0)
    points: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.prizes + self.other + self.points
