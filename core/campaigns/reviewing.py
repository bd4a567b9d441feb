"""The review queue kept in the database (campaign_reviews): reviewers' approve / reject /
blacklist actions, each with who, when and why; core/campaigns/review.py says what they do to
the decisions. An action that would do nothing is refused in one line, never kept silently."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.campaigns.decisions import HELD, VOID, Decision
from core.campaigns.facts import ReviewAction
from core.campaigns.review import APPROVE, BLACKLIST, REJECT, check_action
from core.campaigns.settings import dump, parse
from core.common.errors import UserError
from core.common.text import msg
from db.models import Member
from db.referral_models import Campaign, CampaignReview

MAX_WHY = 500


def _target(decisions: list[Decision], action: str, key: str) -> Decision:
    found = next((d for d in decisions if d.key == key), None)
    if found is None:
        raise UserError(msg("本活动没有编号为 {key} 的奖励", key=key[:120]))
    if action == APPROVE and found.status != HELD:
        raise UserError(msg("奖励 {key} 不在待审核队列中，无需通过", key=key[:120]))
    if action == REJECT and found.status == VOID:
        raise UserError(msg("奖励 {key} 已作废，无需驳回", key=key[:120]))
    return found


def record_review(
    session: Session, campaign: Campaign, decisions: list[Decision], review: ReviewAction
) -> CampaignReview:
    """Keep one reviewer's action on `campaign`, checked against its current `decisions`; its
    who and why are kept trimmed (white space folded, at most 100 and MAX_WHY characters)."""
    why = " ".join((review.why or "").split())[:MAX_WHY]
    review = replace(review, who=(review.who or "").strip()[:100], why=why)
    check_action(review)
    action, member_id = review.action, review.member_id
    if action == BLACKLIST:
        member = session.get(Member, member_id)
        if member is None or member.merged_into_id is not None:
            raise UserError(msg("没有编号为 {id} 的成员", id=member_id))
        if not why:
            raise UserError(msg("拉黑须写明原因"))
        done = session.scalar(
            select(CampaignReview.id).where(
                CampaignReview.campaign_id == campaign.id,
                CampaignReview.action == BLACKLIST,
                CampaignReview.member_id == member_id,
            )
        )
        if done is not None:
            raise UserError(msg("成员 {id} 已在本活动被拉黑", id=member_id))
    else:
        member_id = _target(decisions, action, review.key).member_id
    row = CampaignReview(
        campaign_id=campaign.id,
        action=action,
        reward_key=review.key if action != BLACKLIST else None,
        member_id=member_id,
        who=review.who,
        at=review.at,
        why=why,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class ReviewRecord:
    """One kept action, for the history: who did what to which reward or member, when, why."""

    id: int
    at: datetime
    who: str
    action: str  # approve / reject / blacklist
    member_id: int | None
    reward_key: str | None
    why: str


def review_history(session: Session, campaign_id: int) -> list[ReviewRecord]:
    """The campaign's review actions, newest first."""
    rows = session.scalars(
        select(CampaignReview)
        .where(CampaignReview.campaign_id == campaign_id)
        .order_by(CampaignReview.at.desc(), CampaignReview.id.desc())
    )
    return [
        ReviewRecord(r.id, r.at, r.who, r.action, r.member_id, r.reward_key, r.why) for r in rows
    ]


def set_review_mode(
    session: Session, campaign: Campaign, mode: str, *, now: datetime | None = None
) -> str:
    """Store the campaign's moderation mode (settings → 风控 → 审核方式), checked by the
    settings' own validation; returns the mode kept."""
    settings = parse(campaign.kind, campaign.settings)
    screening = replace(settings.screening, mode=mode)  # __post_init__ refuses a bad mode
    campaign.settings = dump(replace(settings, screening=screening))
    campaign.updated_at = now or datetime.now()
    session.flush()
    return screening.mode
