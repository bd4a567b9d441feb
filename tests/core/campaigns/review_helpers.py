"""A running campaign built through core, with held rewards to review (the review page's
tests and core's review-board tests share it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.campaigns.records import CampaignFields, create_campaign, set_status
from core.members.editing import add_members_to_community, create_member
from core.referrals.edges import Claim, record_edge
from db.models import Community

HOLD_ALL = {"inviter": {"points": 10}, "screening": {"mode": "hold_all", "review_days": 3}}


@dataclass
class Built:
    campaign_id: int
    name: str
    community_id: int
    members: dict[str, int]


def build_campaign(database, settings=None, *, now: datetime | None = None) -> Built:
    """跑步群 and a running invite-code campaign: 张小凡 brought 新人甲 (2 h ago) and 张小凡丫
    (1 h ago, a nickname like the inviter's: flagged); 李大嘴 brought 新人乙 5 days ago (its
    review is overdue). Every reward is held (hold_all, 3 days to review)."""
    now = now or datetime.now()
    with database.session(write=True) as session:
        group = Community(name="跑步群", platform="wechat")
        session.add(group)
        session.flush()
        campaign = create_campaign(
            session,
            CampaignFields(
                "双十二邀请",
                starts_at=now - timedelta(days=10),
                community_ids=[group.id],
                settings=HOLD_ALL if settings is None else settings,
                owner="店长",
            ),
        )
        set_status(session, str(campaign.id), "running")
        members = {}
        for name, joined in (
            ("张小凡", now - timedelta(days=90)),
            ("李大嘴", now - timedelta(days=90)),
            ("新人甲", now - timedelta(hours=2)),
            ("张小凡丫", now - timedelta(hours=1)),
            ("新人乙", now - timedelta(days=5)),
        ):
            members[name] = create_member(session, name)
            add_members_to_community(session, [members[name]], group.id, when=joined)
        for inviter, invitee, at in (
            ("张小凡", "新人甲", now - timedelta(hours=2)),
            ("张小凡", "张小凡丫", now - timedelta(hours=1)),
            ("李大嘴", "新人乙", now - timedelta(days=5)),
        ):
            record_edge(
                session,
                Claim(members[inviter], members[invitee], "manual", "typed", campaign.id,
                      group.id, at),
                operator="店长",
                now=at,
            )  # fmt: skip
        return Built(campaign.id, campaign.name, group.id, members)
