"""以物换物: members post offers and wants, a want is matched with an offer, the swap is done.

An offer beyond the member's `max_offers_per_member` is refused; a match needs the same
category (trimmed, case-insensitive), two different members, and an offer and a want that are
in no other swap; a swap is done once. The reward of a done swap comes with the settlement
(core/campaigns/rewards/swaps.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.campaigns.facts_sql import load_facts
from core.campaigns.rewards.swaps import matches
from core.campaigns.type_recording import begin, open_campaign, shown_time
from core.common.errors import UserError
from core.common.text import msg
from db.campaign_fact_models import (
    MAX_CATEGORY_CHARS,
    MAX_ITEM_CHARS,
    CampaignSwap,
    CampaignSwapOffer,
    CampaignSwapWant,
)


@dataclass(frozen=True)
class SwapRecorded:
    campaign_id: int
    campaign_name: str
    action: str  # offer / want / match / done
    id: int  # the offer's, the want's or the swap's
    member_id: int | None = None
    category: str = ""
    item: str = ""
    offer_id: int | None = None
    want_id: int | None = None


def _text(value: str, most: int, what) -> str:
    value = " ".join(value.split())
    if not value:
        raise UserError(msg("{what}不能为空", what=what))
    if len(value) > most:
        raise UserError(msg("{what}最多 {most} 个字", what=what, most=most))
    return value


def _key(category: str) -> str:
    return category.strip().casefold()


def _begin(session: Session, campaign_text: str, at, now, members: tuple[int, ...] = ()):
    return begin(session, campaign_text, ("swap",), msg("换物"), at, now, members)


def record_offer(
    session: Session,
    campaign_text: str,
    member_id: int,
    category: str,
    item: str,
    *,
    at: datetime | None = None,
    now: datetime | None = None,
) -> SwapRecorded:
    campaign, settings, at = _begin(session, campaign_text, at, now, (member_id,))
    category = _text(category, MAX_CATEGORY_CHARS, msg("类别"))
    item = _text(item, MAX_ITEM_CHARS, msg("物品"))
    posted = session.scalar(
        select(func.count()).where(
            CampaignSwapOffer.campaign_id == campaign.id, CampaignSwapOffer.member_id == member_id
        )
    )
    if posted >= settings.max_offers_per_member:
        raise UserError(
            msg(
                "成员 {member} 已发布 {count} 件（每人最多 {most} 件）",
                member=member_id,
                count=posted,
                most=settings.max_offers_per_member,
            )
        )
    row = CampaignSwapOffer(
        campaign_id=campaign.id, member_id=member_id, category=category, item=item, at=at
    )
    session.add(row)
    session.flush()
    return SwapRecorded(campaign.id, campaign.name, "offer", row.id, member_id, category, item)


def record_want(
    session: Session,
    campaign_text: str,
    member_id: int,
    category: str,
    *,
    at: datetime | None = None,
    now: datetime | None = None,
) -> SwapRecorded:
    campaign, _, at = _begin(session, campaign_text, at, now, (member_id,))
    category = _text(category, MAX_CATEGORY_CHARS, msg("类别"))
    row = CampaignSwapWant(campaign_id=campaign.id, member_id=member_id, category=category, at=at)
    session.add(row)
    session.flush()
    return SwapRecorded(campaign.id, campaign.name, "want", row.id, member_id, category)


def record_match(
    session: Session,
    campaign_text: str,
    offer_id: int,
    want_id: int,
    *,
    at: datetime | None = None,
    now: datetime | None = None,
) -> SwapRecorded:
    campaign, _, at = _begin(session, campaign_text, at, now)
    offer = session.get(CampaignSwapOffer, offer_id)
    want = session.get(CampaignSwapWant, want_id)
    if offer is None or offer.campaign_id != campaign.id:
        raise UserError(msg("本活动没有编号为 {id} 的物品", id=offer_id))
    if want is None or want.campaign_id != campaign.id:
        raise UserError(msg("本活动没有编号为 {id} 的需求", id=want_id))
    if offer.member_id == want.member_id:
        raise UserError(msg("不能和自己交换"))
    if _key(offer.category) != _key(want.category):
        raise UserError(
            msg(
                "类别不同：物品是「{offer}」，需求是「{want}」",
                offer=offer.category,
                want=want.category,
            )
        )
    for column, value, what in (
        (CampaignSwap.offer_id, offer_id, msg("物品")),
        (CampaignSwap.want_id, want_id, msg("需求")),
    ):
        if session.scalar(select(CampaignSwap.id).where(column == value)) is not None:
            raise UserError(msg("这个{what}（编号 {id}）已在另一次交换里", what=what, id=value))
    if at < max(offer.at, want.at):
        raise UserError(msg("配对时间早于物品或需求的发布时间"))
    row = CampaignSwap(campaign_id=campaign.id, offer_id=offer_id, want_id=want_id, matched_at=at)
    session.add(row)
    session.flush()
    return SwapRecorded(
        campaign.id,
        campaign.name,
        "match",
        row.id,
        category=offer.category,
        item=offer.item,
        offer_id=offer_id,
        want_id=want_id,
    )


def record_done(
    session: Session,
    campaign_text: str,
    swap_id: int,
    *,
    at: datetime | None = None,
    now: datetime | None = None,
) -> SwapRecorded:
    campaign, _, at = _begin(session, campaign_text, at, now)
    swap = session.get(CampaignSwap, swap_id)
    if swap is None or swap.campaign_id != campaign.id:
        raise UserError(msg("本活动没有编号为 {id} 的交换", id=swap_id))
    if swap.done_at is not None:
        raise UserError(
            msg(
                "交换 {id} 已在 {at} 完成",
                id=swap_id,
                at=shown_time(swap.done_at),
            )
        )
    if at < swap.matched_at:
        raise UserError(msg("完成时间早于配对时间"))
    swap.done_at = at
    session.flush()
    return SwapRecorded(
        campaign.id, campaign.name, "done", swap.id, offer_id=swap.offer_id, want_id=swap.want_id
    )


def open_matches(session: Session, campaign_text: str, now: datetime | None = None):
    """Open wants × open offers of the same category (rewards/swaps.matches), and the campaign."""
    campaign, settings = open_campaign(session, campaign_text, ("swap",), msg("换物"))
    facts = load_facts(session, campaign, now or datetime.now())
    matched = {
        (offer, want)
        for offer, want in session.execute(
            select(CampaignSwap.offer_id, CampaignSwap.want_id).where(
                CampaignSwap.campaign_id == campaign.id
            )
        )
    }
    used_offers = {offer for offer, _ in matched}
    used_wants = {want for _, want in matched}
    return campaign, [
        m
        for m in matches(settings, facts)
        if m.offer.offer_id not in used_offers and m.want.want_id not in used_wants
    ]
