"""Builders for the referral tests: members and a running campaign."""

from __future__ import annotations

from core.campaigns.records import CampaignFields, create_campaign, set_status
from db.models import Member


def people(session, *names: str) -> list[int]:
    rows = [Member(nickname=name) for name in names]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def running_campaign(session, name="春季邀请", **fields) -> int:
    campaign = create_campaign(session, CampaignFields(name, **fields))
    set_status(session, str(campaign.id), "running")
    return campaign.id
