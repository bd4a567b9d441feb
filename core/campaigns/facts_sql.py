"""The `Facts` of one campaign (core/campaigns/facts.py), read from the tables: one query per
kind of fact, never one per member, so a campaign of 200000 edges loads in seconds.

- edges: referral_edges of the campaign (void edges read as rejected);
- left: the invitee's first leave (membership_events, else memberships.left_at) after the edge,
  in the edge's community when it names one;
- activated: the invitee's first message or check-in (activity_events) after the edge;
- people: nickname, phone, 微信号 and first membership of every participant, and whether a
  reviewer blacklisted them in another campaign;
- applied: the campaign's ledger entries and fulfilment-queue prizes by their key;
- reviews: the reviewers' actions on this campaign (campaign_reviews).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.campaigns.facts import Budget, Facts, Person, ReviewAction
from core.campaigns.facts_types_sql import with_type_facts
from core.campaigns.inputs import PENDING, REJECTED, VERIFIED, Edge
from core.campaigns.people_sql import barred_members, read_people
from core.campaigns.sql_rows import as_text, of_campaign, parser
from core.common.gc_pause import gc_paused
from core.ledger.catalogue import issued_prizes
from core.ledger.entries import ENTRY
from core.ledger.liability import yuan_per_point
from db.models import ActivityEvent, Membership, MembershipEvent
from db.referral_models import Campaign, CampaignReview, ReferralEdge

EDGE = ReferralEdge.__table__
ACTIVATING_KINDS = ("message", "checkin")
_EDGE_STATUS = {"pending": PENDING, "verified": VERIFIED, "rejected": REJECTED, "void": REJECTED}


def campaign_prefix(campaign_id: int) -> str:
    """Every decision key of the campaign starts with this (decisions.reward_key)."""
    return f"campaign:{campaign_id}:"


def _first_after(session: Session, mine, rows, at, *where) -> dict[int, datetime]:
    """Edge id → the earliest `at` of the invitee's `rows` (a table with member_id) at or after
    the edge, among those `where` picks; `mine`: the campaign's edges (sql_rows.of_campaign)."""
    edge = EDGE.c
    query = (
        select(edge.id, as_text(session, func.min(at)))
        .join(rows, rows.c.member_id == edge.invitee_id)
        .where(mine, at >= edge.occurred_at, *where)
        .group_by(edge.id)
    )
    parse = parser(session)
    connection = session.connection()  # Core rows: no ORM loading over 200000 rows
    found = connection.execute(query).all()
    return {edge_id: parse(first) for edge_id, first in found if first is not None}


def _in_community(community_column):
    """The row is in the edge's community, or the edge names none."""
    edge = EDGE.c
    return or_(edge.community_id.is_(None), community_column == edge.community_id)


def _left(session: Session, mine) -> dict[int, datetime]:
    """Edge id → the invitee's first leave after it (either table may hold the leave)."""
    event, membership = MembershipEvent.__table__, Membership.__table__
    left = _first_after(
        session,
        mine,
        event,
        event.c.occurred_at,
        event.c.kind == "leave",
        _in_community(event.c.community_id),
    )
    by_membership = _first_after(
        session, mine, membership, membership.c.left_at, _in_community(membership.c.community_id)
    )
    for edge_id, at in by_membership.items():
        if edge_id not in left or at < left[edge_id]:
            left[edge_id] = at
    return left


def _activated(session: Session, mine) -> dict[int, datetime]:
    event = ActivityEvent.__table__
    return _first_after(
        session, mine, event, event.c.occurred_at, event.c.kind.in_(ACTIVATING_KINDS)
    )


def load_edges(session: Session, campaign_id: int) -> tuple[Edge, ...]:
    mine = of_campaign(session, campaign_id)
    left = _left(session, mine)
    activated = _activated(session, mine)
    parse = parser(session)
    rows = (
        session.connection()
        .execute(
            select(
                EDGE.c.id,
                EDGE.c.inviter_id,
                EDGE.c.invitee_id,
                as_text(session, EDGE.c.occurred_at),
                EDGE.c.status,
            )
            .where(mine)
            .order_by(EDGE.c.occurred_at, EDGE.c.id)
        )
        .all()
    )
    status_of = _EDGE_STATUS
    return tuple(
        Edge(
            inviter,
            invitee,
            parse(at),
            activated.get(edge_id),
            left.get(edge_id),
            status_of[status],
        )
        for edge_id, inviter, invitee, at, status in rows
    )


def load_people(
    session: Session, campaign_id: int, edges: tuple[Edge, ...] | None = None
) -> dict[int, Person]:
    """The participants of the campaign's edges (`edges`: as load_edges read them, so they
    are not read again)."""
    if edges is None:
        mine = EDGE.c.campaign_id == campaign_id
        ids = set(session.scalars(select(EDGE.c.inviter_id).where(mine).distinct()))
        ids.update(session.scalars(select(EDGE.c.invitee_id).where(mine).distinct()))
    else:
        ids = {edge.inviter_id for edge in edges}
        ids.update(edge.invitee_id for edge in edges)
    return read_people(session, campaign_id, ids)


def applied_points(session: Session, campaign_id: int) -> dict[str, tuple[int, int, bool]]:
    """Dedupe key → (entry id, member, reversed) of the campaign's ledger awards."""
    reversal = ENTRY.alias("reversal")
    rows = session.execute(
        select(
            ENTRY.c.dedupe_key,
            ENTRY.c.id,
            ENTRY.c.member_id,
            select(reversal.c.id)
            .where(reversal.c.reverses_id == ENTRY.c.id)
            .exists()
            .label("reversed"),
        ).where(ENTRY.c.dedupe_key.like(campaign_prefix(campaign_id) + "%"))
    ).all()
    return {key: (entry_id, member, bool(gone)) for key, entry_id, member, gone in rows}


def load_reviews(session: Session, campaign_id: int) -> tuple[ReviewAction, ...]:
    rows = session.scalars(
        select(CampaignReview)
        .where(CampaignReview.campaign_id == campaign_id)
        .order_by(CampaignReview.at, CampaignReview.id)
    ).all()
    return tuple(
        ReviewAction(
            action=row.action,
            who=row.who,
            at=row.at,
            why=row.why,
            key=row.reward_key,
            member_id=row.member_id,
        )
        for row in rows
    )


@with_type_facts  # helps, teams, draws, swaps, coupons… (core/campaigns/facts_types_sql.py)
def load_facts(session: Session, campaign: Campaign, as_of: datetime) -> Facts:
    """Everything the decision core needs for `campaign`, as of `as_of`."""
    applied = {
        key: member
        for key, (_, member, gone) in applied_points(session, campaign.id).items()
        if not gone
    }
    for key, (_, member, status) in issued_prizes(session, campaign_prefix(campaign.id)).items():
        if status != "cancelled":
            applied[key] = member
    budget = Budget(
        total_cents=campaign.budget_total_cents,
        per_day_cents=campaign.budget_per_day_cents,
        per_member_cents=campaign.budget_per_member_cents,
        fen_per_point=yuan_per_point(session) * 100,
    )
    with gc_paused():  # 200000 edges and people, all kept: nothing for the collector to find
        edges = load_edges(session, campaign.id)
        people = load_people(session, campaign.id, edges)
    return Facts(
        campaign_id=campaign.id,
        as_of=as_of,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        edges=edges,
        people=people,
        budget=budget,
        applied=applied,
        reviews=load_reviews(session, campaign.id),
    )


__all__ = [
    "applied_points",
    "barred_members",
    "campaign_prefix",
    "load_edges",
    "load_facts",
    "load_people",
    "load_reviews",
]
