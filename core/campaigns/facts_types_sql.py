"""The facts of the campaign types that are not referral edges, read from their tables
(db/campaign_fact_models.py) into `Facts` (core/campaigns/facts.py), one query per kind:

- 助力: helps; 砍价: cuts (as helps: the schedule is recomputed from their order);
- 拼团: teams with their joins; 抽奖: the numbered draws;
- 以物换物: offers, wants and the swaps marked done;
- 优惠券: the pool's codes beyond the settings' own, the codes handed out (their rewards count
  as applied, so they keep their place in the pool) and the redemptions;
- 送 with the purchase trigger: each invitee's first purchase (activity 'purchase') since the
  campaign began;
- people: the participants of these facts whom no edge names yet.

Only facts up to `as_of` count. `with_type_facts` wraps facts_sql.load_facts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from core.campaigns.facts import Draw, Facts, Help, Offer, Person, Swap, Team, Want
from core.campaigns.people_sql import read_people
from core.campaigns.sql_rows import as_text, parser
from db.campaign_fact_models import (
    CampaignCoupon,
    CampaignCut,
    CampaignDraw,
    CampaignHelp,
    CampaignSwap,
    CampaignSwapOffer,
    CampaignSwapWant,
    CampaignTeam,
    CampaignTeamMember,
)
from db.models import ActivityEvent
from db.referral_models import Campaign, ReferralEdge

CHUNK = 5000  # ids per IN (…): well inside SQLite's and PostgreSQL's parameter limits


def _helps(session: Session, campaign: Campaign, as_of: datetime) -> tuple[Help, ...]:
    table = (CampaignCut if campaign.kind == "bargain" else CampaignHelp).__table__
    parse = parser(session)
    rows = (
        session.connection()
        .execute(  # Core rows, times as text on SQLite: 40000 helps
            select(table.c.target_id, table.c.helper_id, as_text(session, table.c.at))
            .where(table.c.campaign_id == campaign.id, table.c.at <= as_of)
            .order_by(table.c.at, table.c.id)
        )
        .all()
    )
    return tuple(Help(target, helper, parse(at)) for target, helper, at in rows)


def _teams(session: Session, campaign: Campaign, as_of: datetime) -> tuple[Team, ...]:
    joins: dict[int, list[tuple[int, datetime]]] = {}
    member = CampaignTeamMember
    for team_id, member_id, at in session.execute(
        select(member.team_id, member.member_id, member.joined_at)
        .join(CampaignTeam, CampaignTeam.id == member.team_id)
        .where(
            member.campaign_id == campaign.id,
            member.joined_at <= as_of,
            member.member_id != CampaignTeam.leader_id,
        )
        .order_by(member.joined_at, member.id)
    ):
        joins.setdefault(team_id, []).append((member_id, at))
    rows = session.execute(
        select(CampaignTeam.id, CampaignTeam.leader_id, CampaignTeam.opened_at)
        .where(CampaignTeam.campaign_id == campaign.id, CampaignTeam.opened_at <= as_of)
        .order_by(CampaignTeam.opened_at, CampaignTeam.id)
    )
    return tuple(
        Team(team_id, leader, opened, tuple(joins.get(team_id, ())))
        for team_id, leader, opened in rows
    )


def _draws(session: Session, campaign: Campaign, as_of: datetime) -> tuple[Draw, ...]:
    rows = session.execute(
        select(CampaignDraw.number, CampaignDraw.member_id, CampaignDraw.at)
        .where(CampaignDraw.campaign_id == campaign.id, CampaignDraw.at <= as_of)
        .order_by(CampaignDraw.number)
    )
    return tuple(Draw(number, member, at) for number, member, at in rows)


def _swaps(session: Session, campaign: Campaign, as_of: datetime) -> dict:
    offer, want, swap = CampaignSwapOffer, CampaignSwapWant, CampaignSwap
    offers = session.execute(
        select(offer.id, offer.member_id, offer.category, offer.item, offer.at)
        .where(offer.campaign_id == campaign.id, offer.at <= as_of)
        .order_by(offer.at, offer.id)
    )
    wants = session.execute(
        select(want.id, want.member_id, want.category, want.at)
        .where(want.campaign_id == campaign.id, want.at <= as_of)
        .order_by(want.at, want.id)
    )
    done = session.execute(
        select(swap.offer_id, swap.want_id, swap.done_at)
        .where(swap.campaign_id == campaign.id, swap.done_at <= as_of)
        .order_by(swap.done_at, swap.id)
    )
    return {
        "offers": tuple(Offer(*row) for row in offers),
        "wants": tuple(Want(*row) for row in wants),
        "swaps": tuple(Swap(*row) for row in done),
    }


def _coupons(session: Session, campaign: Campaign, as_of: datetime, applied: dict) -> dict:
    """The pool beyond the settings' codes, the handed-out codes and the redemptions."""
    own = set((campaign.settings or {}).get("pool") or ())
    pool, handed, redeemed = [], {}, {}
    rows = session.execute(
        select(
            CampaignCoupon.code,
            CampaignCoupon.reward_key,
            CampaignCoupon.member_id,
            CampaignCoupon.issued_at,
            CampaignCoupon.redeemed_at,
        )
        .where(CampaignCoupon.campaign_id == campaign.id)
        .order_by(CampaignCoupon.id)
    )
    for code, key, member, issued_at, redeemed_at in rows:
        if code not in own:
            pool.append(code)
        if key is not None and issued_at <= as_of:
            handed[key] = code
            applied.setdefault(key, member)
            if redeemed_at is not None and redeemed_at <= as_of:
                redeemed[code] = redeemed_at
    return {"pool": tuple(pool), "coupons": handed, "redeemed": redeemed}


def _purchases(session: Session, campaign: Campaign, as_of: datetime) -> dict[int, datetime]:
    invitees = select(ReferralEdge.invitee_id).where(ReferralEdge.campaign_id == campaign.id)
    query = (
        select(ActivityEvent.member_id, func.min(ActivityEvent.occurred_at))
        .where(
            ActivityEvent.kind == "purchase",
            ActivityEvent.member_id.in_(invitees),
            ActivityEvent.occurred_at <= as_of,
        )
        .group_by(ActivityEvent.member_id)
    )
    if campaign.starts_at is not None:
        query = query.where(ActivityEvent.occurred_at >= campaign.starts_at)
    return dict(session.execute(query).all())


def _participants(campaign: Campaign):
    """A query of the members the type's facts name (None: the type has no such facts)."""
    kind, cid = campaign.kind, campaign.id
    if kind in ("help", "bargain"):
        table = (CampaignCut if kind == "bargain" else CampaignHelp).__table__
        mine = table.c.campaign_id == cid
        return union(
            select(table.c.target_id.label("member_id")).where(mine),
            select(table.c.helper_id.label("member_id")).where(mine),
        )
    if kind == "swap":
        offers, wants = CampaignSwapOffer.__table__, CampaignSwapWant.__table__
        return union(
            select(offers.c.member_id).where(offers.c.campaign_id == cid),
            select(wants.c.member_id).where(wants.c.campaign_id == cid),
        )
    table = {"group_buy": CampaignTeamMember, "lottery": CampaignDraw}.get(kind)
    if table is None:
        return None
    table = table.__table__
    return select(table.c.member_id).where(table.c.campaign_id == cid).distinct()


def people_of(session: Session, campaign_id: int, members) -> dict[int, Person]:
    """What eligibility and the signals read of the members `members` (a query of their ids)
    gives, as facts_sql.load_people reads the edges' participants."""
    # a query of the ids, not the ids: 40000 helpers in one query, not in chunks of IN lists
    return read_people(session, campaign_id, select(members.subquery()))


def load_type_facts(session: Session, campaign: Campaign, facts: Facts) -> Facts:
    """`facts` (edges, people, applied rewards, reviews) with the campaign type's own facts."""
    as_of, kind = facts.as_of, campaign.kind
    found: dict = {}
    applied = dict(facts.applied)
    if kind in ("help", "bargain"):
        found["helps"] = _helps(session, campaign, as_of)
    elif kind == "group_buy":
        found["teams"] = _teams(session, campaign, as_of)
    elif kind == "lottery":
        found["draws"] = _draws(session, campaign, as_of)
    elif kind == "swap":
        found |= _swaps(session, campaign, as_of)
    elif kind == "coupon":
        found |= _coupons(session, campaign, as_of, applied)
    elif kind == "gift":
        found["purchases"] = _purchases(session, campaign, as_of)
    people = facts.people
    members = _participants(campaign)
    if members is not None:
        people = people_of(session, campaign.id, members) | people  # edges' people kept
    return replace(facts, applied=applied, people=people, **found)


def with_type_facts(load: Callable[..., Facts]) -> Callable[..., Facts]:
    """Decorates facts_sql.load_facts(session, campaign, as_of): adds the type's own facts."""

    @functools.wraps(load)
    def loaded(session: Session, campaign: Campaign, as_of: datetime) -> Facts:
        return load_type_facts(session, campaign, load(session, campaign, as_of))

    return loaded


__all__ = ["load_type_facts", "people_of", "with_type_facts"]
