"""The pure figures' inputs (core/campaigns/inputs) read from the database, one query per kind
of fact:

edges       referral_edges of the campaign (void ones left out: they never happened), plus a
            seed row for each holder of a campaign code who is no counted invitee (a code
            handed out is taking part), joined at the code's issue
activity    per counted edge: the first message or check-in after joining (activation) and
            the first activity (any kind but a violation) in each week the figures measure
            (days 7–13, 21–27, 30–36 after joining) — all the figures read of activity, so
            a member's years of messages never leave the database
purchases   per participant, purchases (activity 'purchase', amount in integer fen) and
            reported shares (activity 'share') from their joining on, up to `as_of`
costs       prize costs: redemptions (not cancelled) whose spend entry is the campaign's
            (ledger reference `campaign:<id>`), in fen

Money is integer fen in the database and Decimal yuan in the figures. Posters made for a
member are not recorded per member, so `poster_made` is never set from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from core.campaigns.decisions import reference
from core.campaigns.inputs import REJECTED, VERIFIED, Costs, Edge, MemberFacts
from core.campaigns.retention import RETAINED_FROM_DAY, WEEK
from db.ledger_models import LedgerEntry, LedgerRedemption
from db.models import ActivityEvent
from db.referral_models import LIVE_STATUSES, InviteCode, ReferralEdge

# The weeks the figures measure, in days after joining (figures: active after 7, 21, 30).
MEASURED_DAYS = (7, RETAINED_FROM_DAY, 30)
_WEEK_DAYS = WEEK.days
_ACTIVATING = ("message", "checkin")


def yuan(cents: int | None) -> Decimal:
    return Decimal(cents or 0) / 100


def _days_between(session: Session, later, earlier):
    """`later − earlier` in days, as a SQL expression (each dialect has its own arithmetic)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return func.extract("epoch", later - earlier) / 86400.0


@dataclass
class Inputs:
    edges: list[Edge]
    facts: dict[int, MemberFacts]
    costs: Costs


def read_edges(session: Session, campaign_id: int) -> tuple[list[Edge], dict[Edge, int], set]:
    """The campaign's edges (and seed rows for code holders), which edge id each came from,
    and the members holding a campaign code."""
    rows = session.execute(
        select(
            ReferralEdge.id,
            ReferralEdge.inviter_id,
            ReferralEdge.invitee_id,
            ReferralEdge.occurred_at,
            ReferralEdge.status,
            literal(False).label("code"),
        )
        .where(ReferralEdge.campaign_id == campaign_id, ReferralEdge.status != "void")
        .union_all(
            select(
                InviteCode.id,
                literal(None).label("inviter_id"),
                InviteCode.member_id,
                InviteCode.issued_at,
                literal(VERIFIED),
                literal(True),
            ).where(InviteCode.campaign_id == campaign_id)
        )
    ).all()
    edges: list[Edge] = []
    ids: dict[Edge, int] = {}
    counted = {row.invitee_id for row in rows if not row.code and row.status in LIVE_STATUSES}
    holders = set()
    for row in rows:
        if row.code:
            holders.add(row.invitee_id)
            if row.invitee_id in counted:
                continue  # an invitee given a code: their edge says how they came
            edges.append(Edge(None, row.invitee_id, row.occurred_at))
            continue
        status = REJECTED if row.status == "rejected" else row.status
        edge = Edge(row.inviter_id, row.invitee_id, row.occurred_at, status=status)
        edges.append(edge)
        ids[edge] = row.id
    return edges, ids, holders


def read_activity(session: Session, campaign_id: int) -> dict[int, tuple]:
    """Edge id → (activated at, first activity in each of MEASURED_DAYS' weeks)."""
    edge, event = ReferralEdge, ActivityEvent
    age = _days_between(session, event.occurred_at, edge.occurred_at)
    firsts = [
        func.min(
            case(
                (and_(age >= day, age < day + _WEEK_DAYS, event.kind != "violation"),
                 event.occurred_at),
            )
        )
        for day in MEASURED_DAYS
    ]  # fmt: skip
    activated = func.min(case((event.kind.in_(_ACTIVATING), event.occurred_at)))
    query = (
        select(edge.id, activated, *firsts)
        .join(event, event.member_id == edge.invitee_id)
        .where(
            edge.campaign_id == campaign_id,
            edge.status.in_(LIVE_STATUSES),
            event.occurred_at >= edge.occurred_at,
            age < max(MEASURED_DAYS) + _WEEK_DAYS,
        )
        .group_by(edge.id)
    )
    return {row[0]: tuple(row[1:]) for row in session.execute(query)}


def _participants(campaign_id: int):
    """Each participant and their joining (None: an inviter with no edge or code of their own)."""
    live = ReferralEdge.status.in_(LIVE_STATUSES)
    mine = ReferralEdge.campaign_id == campaign_id
    rows = union_all(
        select(
            ReferralEdge.invitee_id.label("member_id"), ReferralEdge.occurred_at.label("at")
        ).where(mine, live),
        select(InviteCode.member_id, InviteCode.issued_at).where(
            InviteCode.campaign_id == campaign_id
        ),
        select(ReferralEdge.inviter_id, literal(None)).where(mine, live),
    ).subquery()
    return (
        select(rows.c.member_id, func.min(rows.c.at).label("joined_at"))
        .group_by(rows.c.member_id)
        .subquery()
    )


def read_purchases(
    session: Session, campaign_id: int, as_of: datetime | None = None
) -> dict[int, tuple[int, int, bool]]:
    """Member → (purchase fen, purchases, reported a share), from their joining to `as_of`."""
    people = _participants(campaign_id)
    event = ActivityEvent
    is_purchase = event.kind == "purchase"
    query = (
        select(
            event.member_id,
            func.sum(case((is_purchase, event.amount_cents), else_=0)),
            func.sum(case((is_purchase, 1), else_=0)),
            func.max(case((event.kind == "share", 1), else_=0)),
        )
        .join(people, people.c.member_id == event.member_id)
        .where(
            event.kind.in_(("purchase", "share")),
            or_(people.c.joined_at.is_(None), event.occurred_at >= people.c.joined_at),
        )
        .group_by(event.member_id)
    )
    if as_of is not None:
        query = query.where(event.occurred_at <= as_of)
    return {row[0]: (int(row[1]), int(row[2]), bool(row[3])) for row in session.execute(query)}


def read_costs(session: Session, campaign_id: int) -> Costs:
    """Prize costs: the campaign's redemptions that were not cancelled."""
    cents = session.scalar(
        select(func.coalesce(func.sum(LedgerRedemption.cost_cents), 0))
        .join(LedgerEntry, LedgerEntry.id == LedgerRedemption.spend_entry_id)
        .where(
            LedgerEntry.reference == reference(campaign_id),
            LedgerRedemption.status != "cancelled",
        )
    )
    return Costs(prizes=yuan(cents))


def _first(edge: Edge) -> tuple:
    """The order in which an invitee's counted edges win (core/campaigns/waves: first referrer)."""
    return (edge.joined_at, edge.inviter_id)


def read_inputs(session: Session, campaign_id: int, as_of: datetime | None = None) -> Inputs:
    """Everything the pure figures need of one campaign."""
    edges, ids, holders = read_edges(session, campaign_id)
    activity = read_activity(session, campaign_id)
    purchases = read_purchases(session, campaign_id, as_of)
    costs = read_costs(session, campaign_id)

    # Activity is per edge (weeks count from that edge's joining): the edge gets its
    # activation; the member gets the weeks of the edge they count under (the first referrer).
    counted: dict[int, tuple[Edge, int]] = {}
    fed: list[Edge] = []
    for edge in edges:
        edge_id = ids.get(edge)
        found = activity.get(edge_id) if edge_id is not None else None
        if found is not None and found[0] is not None:
            edge = Edge(edge.inviter_id, edge.invitee_id, edge.joined_at, found[0], None,
                        edge.status)  # fmt: skip
        fed.append(edge)
        if edge_id is not None and edge.status != REJECTED:
            held = counted.get(edge.invitee_id)
            if held is None or _first(edge) < _first(held[0]):
                counted[edge.invitee_id] = (edge, edge_id)

    facts: dict[int, MemberFacts] = {}
    for member in holders | set(counted) | set(purchases):
        weeks: tuple[datetime, ...] = ()
        held = counted.get(member)
        if held is not None:
            found = activity.get(held[1])
            if found is not None:
                weeks = tuple(sorted(at for at in found[1:] if at is not None))
        cents, bought, shared = purchases.get(member, (0, 0, False))
        facts[member] = MemberFacts(
            member,
            code_issued=member in holders,
            shared=shared,
            active_at=weeks,
            revenue=yuan(cents),
            purchases=bought,
        )
    return Inputs(fed, facts, costs)
