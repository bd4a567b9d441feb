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
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.campaigns.facts import Draw, Facts, Help, Offer, Person, Swap, Team, Want
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
from db.models import ActivityEvent, Member, Membership
from db.referral_models import Campaign, CampaignReview, ReferralEdge

CHUNK = 5000  # ids per IN (…): well inside SQLite's and PostgreSQL's parameter limits


def _helps(session: Session, campaign: Campaign, as_of: datetime) -> tuple[Help, ...]:
    table = CampaignCut if campaign.kind == "bargain" else CampaignHelp
    rows = session.execute(
        select(table.target_id, table.helper_id, table.at)
        .where(table.campaign_id == campaign.id, table.at <= as_of)
        .order_by(table.at, table.id)
    )
    return tuple(Help(target, helper, at) for target, helper, at in rows)


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


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def people_of(session: Session, campaign_id: int, member_ids: Iterable[int]) -> dict[int, Person]:
    """What eligibility and the signals read of these members (as facts_sql.load_people)."""
    ids = sorted(set(member_ids))
    out: dict[int, Person] = {}
    if not ids:
        return out
    barred = set(
        session.scalars(
            select(CampaignReview.member_id).where(
                CampaignReview.action == "blacklist", CampaignReview.campaign_id != campaign_id
            )
        )
    )
    for part in _chunks(ids):
        since = dict(
            session.execute(
                select(Membership.member_id, func.min(Membership.joined_at))
                .where(Membership.member_id.in_(part))
                .group_by(Membership.member_id)
            ).all()
        )
        for member_id, nickname, phone, wechat_id in session.execute(
            select(Member.id, Member.nickname, Member.phone, Member.wechat_id).where(
                Member.id.in_(part)
            )
        ):
            out[member_id] = Person(
                member_id=member_id,
                member_since=since.get(member_id),
                nickname=nickname or "",
                phone=phone or "",
                wechat_id=wechat_id or "",
                barred=member_id in barred,
            )
    return out


def _participants(found: dict) -> set[int]:
    ids: set[int] = set()
    for item in found.get("helps", ()):
        ids |= {item.target_id, item.helper_id}
    for team in found.get("teams", ()):
        ids |= {team.leader_id, *(member for member, _ in team.joins)}
    for kind in ("draws", "offers", "wants"):
        ids |= {item.member_id for item in found.get(kind, ())}
    return ids


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
    missing = _participants(found) - facts.people.keys()
    people = facts.people | people_of(session, campaign.id, missing) if missing else facts.people
    return replace(facts, applied=applied, people=people, **found)


def with_type_facts(load: Callable[..., Facts]) -> Callable[..., Facts]:
    """Decorates facts_sql.load_facts(session, campaign, as_of): adds the type's own facts."""

    @functools.wraps(load)
    def loaded(session: Session, campaign: Campaign, as_of: datetime) -> Facts:
        return load_type_facts(session, campaign, load(session, campaign, as_of))

    return loaded


__all__ = ["load_type_facts", "people_of", "with_type_facts"]
