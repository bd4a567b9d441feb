"""One CampaignFields for a new campaign and an edited one: checked once by the same rules,
read back as the editor starts from it, and saved back unchanged. SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from core.campaigns.records import (
    CampaignFields,
    create_campaign,
    read_fields,
    set_notes,
    update_campaign,
    validate_fields,
)
from core.common.errors import UserError
from db.models import Community

GOOD = {"inviter": {"points": 50}, "invitee": {"points": 20}}


def group(session, name: str) -> int:
    row = Community(name=name)
    session.add(row)
    session.flush()
    return row.id


def full(community_ids) -> CampaignFields:
    return CampaignFields(
        name="双十一邀请",
        kind="invite_code",
        goal_kind="sales",
        goal_target=500_000,
        starts_at=datetime(2026, 11, 1),
        ends_at=datetime(2026, 11, 11, 23, 59, 59),
        budget_total_cents=100_000,
        budget_per_day_cents=10_000,
        budget_per_member_cents=500,
        community_ids=tuple(community_ids),
        owner="小王",
        settings=GOOD,
        copy={"poster": "扫码入群", "h5_top": "双十一福利"},
    )


def test_validate_cleans_without_changing_what_it_was_given(database):
    with database.session() as session:
        cid = group(session, "一群")
        given = CampaignFields(
            "  春季   邀请 ", kind="任务宝", goal_kind="签到", community_ids=[cid, cid], owner=""
        )
        checked = validate_fields(session, given)
        assert (checked.name, checked.kind, checked.goal_kind) == (
            "春季 邀请",
            "task_ladder",
            "checkins",
        )
        assert checked.community_ids == (cid,)
        assert (checked.settings, checked.copy, checked.owner) == (None, {}, "")
        assert given.name == "  春季   邀请 " and given.community_ids == [cid, cid]


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"name": " "}, "请填写活动名称"),
        ({"kind": "pyramid"}, "未知的活动类型"),
        ({"goal_target": -1}, "目标应在"),
        ({"budget_total_cents": -1}, "总预算应在"),
        ({"budget_per_member_cents": 10**12}, "每人预算应在"),
        ({"ends_at": datetime(2026, 10, 1)}, "结束时间早于开始时间"),
        ({"community_ids": (987654,)}, "没有编号为 987654 的社群"),
        ({"copy": {"rules": "长" * 5001}}, "活动规则太长"),
        ({"settings": {"inviter": {"points": -5}}}, None),
    ],
)
def test_an_edit_refuses_what_a_new_campaign_refuses(database, changes, says):
    with database.session() as session:
        cid = group(session, "一群")
        bad = replace(full([cid]), **changes)
        with pytest.raises(UserError, match=says):
            create_campaign(session, bad)
        campaign = create_campaign(session, full([cid]))
        before = read_fields(session, campaign.id)
        with pytest.raises(UserError, match=says):
            update_campaign(session, campaign.id, bad)
        session.expire_all()
        assert read_fields(session, campaign.id) == before


def test_the_fields_read_back_save_back_unchanged(database):
    with database.session() as session:
        a, b = group(session, "一群"), group(session, "二群")
        campaign = create_campaign(session, full([b, a]))
        set_notes(session, campaign.id, "下次提前一周预热")
        read = read_fields(session, campaign.id)
        assert read.community_ids == (a, b) and read.notes == "下次提前一周预热"
        assert read.settings["rules"]["new_members_only"] is True  # stored in full
        update_campaign(session, campaign.id, read)
        session.expire_all()
        assert read_fields(session, campaign.id) == read


def test_an_edit_keeps_the_notes_and_copy_it_does_not_give(database):
    with database.session() as session:
        campaign = create_campaign(session, full([]))
        set_notes(session, campaign.id, "复盘：海报太密")
        update_campaign(session, campaign.id, replace(full([]), copy={"rules": "每人限一次"}))
        assert campaign.notes == "复盘：海报太密"
        assert campaign.copy == {**full([]).copy, "rules": "每人限一次"}
        update_campaign(session, campaign.id, replace(full([]), notes=""))
        assert campaign.notes == ""
