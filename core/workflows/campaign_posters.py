"""海报裂变: a poster batch for a campaign, each poster carrying the member's code in it.

The batch itself is core.posters.bulk's (`load_recipients(..., campaign_id=…)` issues and
stores the codes through core.referrals.issuing); this module knows what only the campaigns
feature knows: which campaigns hand out codes, which of them may get posters now, their
names and labels. Posters may not use campaigns (campaigns use posters), so the step that
joins them lives here, and the bulk dialog and `posters render --campaign` call it:

    with database.session(write=True) as session:
        recipients, campaign = campaign_recipients(session, "春季邀请", community="晨跑群")
    render_recipients(template, recipients, out, activity=campaign.name, …)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.campaigns.records import KIND_LABELS, STATUS_LABELS, find_campaign
from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.text import msg
from core.posters.bulk import Recipients, load_recipients
from db.referral_models import Campaign

# The types whose participants bring people in with a code (their rewards rest on referral
# edges: core/campaigns/rewards/invites.py), 海报裂变 first.
CODE_KINDS = ("poster", "invite_code", "task_ladder", "gift", "ranking", "coupon")
# Posters are made before and while a campaign runs, not after it.
POSTER_STATUSES = ("running", "draft")


@dataclass(frozen=True)
class PosterCampaign:
    id: int
    name: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    ends_at: datetime | None = None

    @property
    def deadline(self) -> date | None:
        """The poster's {截止日期}: the day the campaign ends, when it has one."""
        return self.ends_at.date() if self.ends_at else None


def _row(campaign: Campaign) -> PosterCampaign:
    return PosterCampaign(
        id=campaign.id,
        name=campaign.name,
        kind=campaign.kind,
        kind_label=KIND_LABELS[campaign.kind],
        status=campaign.status,
        status_label=STATUS_LABELS[campaign.status],
        ends_at=campaign.ends_at,
    )


def poster_campaigns(session: Session) -> list[PosterCampaign]:
    """The campaigns a poster batch can be for: 海报裂变 first, then the other code types;
    running before drafts; newest first within each."""
    rows = session.scalars(
        select(Campaign).where(Campaign.kind.in_(CODE_KINDS), Campaign.status.in_(POSTER_STATUSES))
    )
    found = [_row(campaign) for campaign in rows]
    found.sort(key=lambda c: (CODE_KINDS.index(c.kind), POSTER_STATUSES.index(c.status), -c.id))
    return found


def poster_campaign(session: Session, text: str) -> PosterCampaign:
    """A campaign by number or name, refused with the reason when posters cannot be for it."""
    campaign = _row(find_campaign(session, text))
    if campaign.kind not in CODE_KINDS:
        raise UserError(
            msg(
                "活动「{name}」是{kind}，不发邀请码，不能为它生成海报（可选：{kinds}）",
                name=campaign.name,
                kind=campaign.kind_label,
                kinds=joined_list([KIND_LABELS[kind] for kind in CODE_KINDS]),
            )
        )
    if campaign.status not in POSTER_STATUSES:
        raise UserError(
            msg(
                "活动「{name}」的状态是{status}，只能为草稿或进行中的活动生成海报",
                name=campaign.name,
                status=campaign.status_label,
            )
        )
    return campaign


def poster_refusal(session: Session, campaign_id: int) -> str | None:
    """Why a poster batch cannot be for this campaign now (its type hands out no codes, or it
    has ended), None when it can: what the 活动 tab's 生成海报 says instead of opening it."""
    try:
        poster_campaign(session, str(campaign_id))
    except UserError as refused:
        return refused.message
    return None


def campaign_recipients(
    session: Session,
    campaign_text: str,
    *,
    link_template: str | None = None,
    **choice,
) -> tuple[Recipients, PosterCampaign]:
    """The members chosen (`choice`: as for `load_recipients`), each with their code in the
    campaign (issued and stored now when they have none; the same code on a later batch).
    Writes: call it in a session(write=True)."""
    campaign = poster_campaign(session, campaign_text)
    recipients = load_recipients(
        session, link_template=link_template, campaign_id=campaign.id, **choice
    )
    return recipients, campaign
