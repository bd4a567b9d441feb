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

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session

from core.campaigns.facts import Budget, Facts, Person, ReviewAction
from core.campaigns.facts_types_sql import with_type_facts
from core.campaigns.inputs import PENDING, REJECTED, VERIFIED, Edge
from core.campaigns.sql_rows import as_text, of_campaign, parser
from core.ledger.catalogue import issued_prizes
from core.ledger.entries import ENTRY
from core.ledger.liability import yuan_per_point
from db.models import ActivityEvent, Member, Membership, MembershipEvent
from db.referral_models import Campaign, CampaignReview, ReferralEdge

EDGE = ReferralEdge.__table__
ACTIVATING_KINDS = ("message", "checkin")
_EDGE_STATUS = {"pending": PENDING, "verified": VERIFIED, "rejected": REJECTED, "void": REJECTED}


def campaign_prefix(campaign_id: int) -> str:
    """Every decision key of the campaign starts with this (decisions.reward_key)."""
    return f"campaign:{campaign_id}:"


def _in_community(edge, community_column):
    return or_(edge.community_id.is_(None), community_column == edge.community_id)


def _first_after(session: Session, campaign_id: int, query_for) -> dict[int, datetime]:
    """Edge id → the time `query_for(edges, mine, as_text)` selects for it (None left out)."""
    mine = of_campaign(session, campaign_id)
    parse = parser(session)
    connection = session.connection()  # Core rows: no ORM loading over 200000 rows
    return {
        edge_id: parse(at)
        for edge_id, at in connection.execute(query_for(EDGE.c, mine, as_text))
        if at is not None
    }


def _left(session: Session, campaign_id: int) -> dict[int, datetime]:
    """Edge id → the invitee's first leave after it (either table may hold the leave)."""

    def by_event(edge, mine, text):
        event = MembershipEvent.__table__
        return (
            select(edge.id, text(session, func.min(event.c.occurred_at)))
            .join(event, event.c.member_id == edge.invitee_id)
            .where(
                mine,
                event.c.kind == "leave",
                event.c.occurred_at >= edge.occurred_at,
                _in_community(edge, event.c.community_id),
            )
            .group_by(edge.id)
        )

    def by_membership(edge, mine, text):
        membership = Membership.__table__
        return (
            select(edge.id, text(session, func.min(membership.c.left_at)))
            .join(membership, membership.c.member_id == edge.invitee_id)
            .where(
                mine,
                membership.c.left_at >= edge.occurred_at,
                _in_community(edge, membership.c.community_id),
            )
            .group_by(edge.id)
        )

    left = _first_after(session, campaign_id, by_event)
    for edge_id, at in _first_after(session, campaign_id, by_membership).items():
        if edge_id not in left or at < left[edge_id]:
            left[edge_id] = at
    return left


def _activated(session: Session, campaign_id: int) -> dict[int, datetime]:
    def query(edge, mine, text):
        event = ActivityEvent.__table__
        return (
            select(edge.id, text(session, func.min(event.c.occurred_at)))
            .join(event, event.c.member_id == edge.invitee_id)
            .where(
                mine,
                event.c.kind.in_(ACTIVATING_KINDS),
                event.c.occurred_at >= edge.occurred_at,
            )
            .group_by(edge.id)
        )

    return _first_after(session, campaign_id, query)


def load_edges(session: Session, campaign_id: int) -> tuple[Edge, ...]:
    left = _left(session, campaign_id)
    activated = _activated(session, campaign_id)
    parse = parser(session)
    rows = session.connection().execute(
        select(
            EDGE.c.id,
            EDGE.c.inviter_id,
            EDGE.c.invitee_id,
            as_text(session, EDGE.c.occurred_at),
            EDGE.c.status,
        )
        .where(of_campaign(session, campaign_id))
        .order_by(EDGE.c.occurred_at, EDGE.c.id)
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


def _participants(campaign_id: int):
    return union(
        select(EDGE.c.inviter_id.label("member_id")).where(EDGE.c.campaign_id == campaign_id),
        select(EDGE.c.invitee_id.label("member_id")).where(EDGE.c.campaign_id == campaign_id),
    ).subquery("p")


def barred_members(session: Session, campaign_id: int | None = None) -> set[int]:
    """Members a reviewer blacklisted in a campaign other than `campaign_id`."""
    query = select(CampaignReview.member_id).where(CampaignReview.action == "blacklist")
    if campaign_id is not None:
        query = query.where(CampaignReview.campaign_id != campaign_id)
    return {member_id for member_id in session.scalars(query) if member_id is not None}


def load_people(session: Session, campaign_id: int) -> dict[int, Person]:
    part = _participants(campaign_id)
    since = dict(
        session.execute(
            select(Membership.member_id, func.min(Membership.joined_at))
            .join(part, part.c.member_id == Membership.member_id)
            .group_by(Membership.member_id)
        ).all()
    )
    barred = barred_members(session, campaign_id)
    rows = session.execute(
        select(Member.id, Member.nickname, Member.phone, Member.wechat_id).join(
            part, part.c.member_id == Member.id
        )
    ).all()
    return {
        member_id: Person(
            member_id=member_id,
            member_since=since.get(member_id),
            nickname=nickname or "",
            phone=phone or "",
            wechat_id=wechat_id or "",
            barred=member_id in barred,
        )
        for member_id, nickname, phone, wechat_id in rows
    }


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
    return Facts(
        campaign_id=campaign.id,
        as_of=as_of,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        edges=load_edges(session, campaign.id),
        people=load_people(session, campaign.id),
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
