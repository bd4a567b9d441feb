"""The campaign record: created as a draft, listed and shown with its communities and
counts, and moved only along 草稿 → 进行中 ⇄ 暂停 → 已结束 → 已复盘. Bad input is refused
with one line and changes nothing. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from core.campaigns.records import (
    TRANSITIONS,
    CampaignFields,
    create_campaign,
    find_campaign,
    list_campaigns,
    set_status,
    show_campaign,
)
from core.common.errors import UserError
from db.models import Community
from db.referral_models import CAMPAIGN_STATUSES, Campaign


def group(session, name="读书会") -> int:
    row = Community(name=name)
    session.add(row)
    session.flush()
    return row.id


def test_create_list_and_show(database):
    with database.session() as session:
        cid = group(session)
        campaign = create_campaign(
            session,
            CampaignFields(
                "  春季  邀请 ",
                kind="任务宝",
                goal_kind="new_members",
                goal_target=300,
                starts_at=datetime(2026, 4, 1),
                ends_at=datetime(2026, 4, 30),
                budget_total_cents=50_000,
                community_ids=[cid, cid],
                owner="小王",
            ),
        )
        assert (campaign.name, campaign.kind, campaign.status) == (
            "春季 邀请",
            "task_ladder",
            "draft",
        )
        rows = list_campaigns(session)
        assert [(r.name, r.communities, r.codes, r.edges) for r in rows] == [
            ("春季 邀请", ["读书会"], 0, 0)
        ]
        assert show_campaign(session, "春季 邀请").id == campaign.id
        assert find_campaign(session, f"#{campaign.id}").name == "春季 邀请"


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"name": ""}, "请填写活动名称"),
        ({"name": "长" * 101}, "太长"),
        ({"kind": "pyramid"}, "未知的活动类型"),
        ({"goal_kind": "fame"}, "未知的活动目标"),
        ({"goal_target": -1}, "目标应在"),
        ({"budget_per_day_cents": 10**12}, "每日预算应在"),
        (
            {"starts_at": datetime(2026, 5, 1), "ends_at": datetime(2026, 4, 1)},
            "结束时间早于开始时间",
        ),
        ({"community_ids": [987654]}, "没有编号为 987654 的社群"),
    ],
)
def test_bad_campaigns_are_refused(database, fields, says):
    fields.setdefault("name", "活动")
    with database.session() as session, pytest.raises(UserError, match=says):
        create_campaign(session, CampaignFields(**fields))
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_a_name_is_used_once(database):
    with database.session() as session:
        create_campaign(session, CampaignFields("春季"))
        with pytest.raises(UserError, match="已有名为「春季」的活动"):
            create_campaign(session, CampaignFields("春季"))


def test_only_the_allowed_transitions(database):
    with database.session() as session:
        campaign = create_campaign(session, CampaignFields("春季"))
        for status in ("进行中", "paused", "running", "暂停", "已结束", "reviewed"):
            set_status(session, "春季", status)
        assert campaign.status == "reviewed"
    allowed = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert allowed == {
        ("draft", "running"),
        ("running", "paused"),
        ("paused", "running"),
        ("running", "ended"),
        ("paused", "ended"),
        ("ended", "reviewed"),
    }
    for start in CAMPAIGN_STATUSES:
        for target in CAMPAIGN_STATUSES:
            if start == target or (start, target) in allowed:
                continue
            with database.session() as session:
                campaign = create_campaign(session, CampaignFields(f"{start}-{target}"))
                campaign.status = start
                session.flush()
            with database.session() as session, pytest.raises(UserError, match="不能改为"):
                set_status(session, f"{start}-{target}", target)
            with database.session() as session:
                assert find_campaign(session, f"{start}-{target}").status == start


def test_unknown_status_and_campaign(database):
    with database.session() as session:
        create_campaign(session, CampaignFields("春季"))
        with pytest.raises(UserError, match="未知的活动状态"):
            set_status(session, "春季", "'; DROP TABLE campaigns; --")
        with pytest.raises(UserError, match="没有编号或名称"):
            set_status(session, "秋季", "running")
