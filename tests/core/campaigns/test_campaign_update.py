"""Editing a campaign's record: checked as a new one is (settings by the type's own class),
and a bad value changes nothing. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from core.campaigns.records import (
    CampaignFields,
    community_ids_of,
    create_campaign,
    set_status,
    update_campaign,
)
from core.common.errors import UserError
from db.models import Community
from db.referral_models import Campaign

GOOD = {"inviter": {"points": 50}, "invitee": {"points": 20}}


def fields(**changes):
    base = dict(
        name="双十一邀请",
        kind="invite_code",
        goal_kind="new_members",
        goal_target=200,
        starts_at=None,
        ends_at=None,
        budget_total_cents=100_000,
        budget_per_day_cents=None,
        budget_per_member_cents=500,
        community_ids=[],
        owner="小王",
        settings=GOOD,
        copy={"poster": "扫码入群", "h5_top": "双十一福利"},
    )
    base.update(changes)
    return base


def test_update_changes_the_record_and_its_groups(database):
    with database.session() as session:
        a, b = Community(name="一群"), Community(name="二群")
        session.add_all([a, b])
        session.flush()
        campaign = create_campaign(
            session, CampaignFields("双十一", settings=GOOD, community_ids=[a.id])
        )
        update_campaign(session, campaign.id, CampaignFields(**fields(community_ids=[b.id])))
        assert (campaign.name, campaign.goal_target, campaign.budget_per_member_cents) == (
            "双十一邀请",
            200,
            500,
        )
        assert campaign.settings["inviter"]["points"] == 50
        assert campaign.settings["rules"]["new_members_only"] is True  # stored in full
        assert campaign.copy["h5_top"] == "双十一福利"
        assert community_ids_of(session, campaign.id) == [b.id]


@pytest.mark.parametrize(
    "changes",
    [
        {"settings": {"inviter": {"points": 0}}},  # no reward at all
        {"settings": {"inviter": {"points": -5}}},
        {"kind": "task_ladder", "settings": {"stages": [{"invites": 6}, {"invites": 3}]}},
        {"name": "  "},
    ],
)
def test_a_bad_value_is_refused_and_nothing_changes(database, changes):
    with database.session() as session:
        campaign = create_campaign(session, CampaignFields("双十一", settings=GOOD))
        before = (campaign.name, campaign.kind, dict(campaign.settings))
        with pytest.raises(UserError):
            update_campaign(session, campaign.id, CampaignFields(**fields(**changes)))
        session.refresh(campaign)
        assert (campaign.name, campaign.kind, dict(campaign.settings)) == before


def test_create_refuses_bad_settings(database):
    with database.session() as session:
        with pytest.raises(UserError, match="阶梯"):
            create_campaign(
                session, CampaignFields("坏阶梯", kind="task_ladder", settings={"stages": []})
            )
        assert session.query(Campaign).count() == 0


def test_the_type_cannot_change_once_running(database):
    with database.session() as session:
        campaign = create_campaign(session, CampaignFields("双十一", settings=GOOD))
        set_status(session, str(campaign.id), "running")
        with pytest.raises(UserError, match="类型"):
            update_campaign(session, campaign.id, CampaignFields(**fields(kind="poster")))
