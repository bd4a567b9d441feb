"""The 预测 page in a plain tab: a campaign that starts in two days with five code holders is
forecast from the planner's K and hours per generation typed on the page; the chart has one
point per day asked for, the assumptions are written beside it, the target group fills and
new groups are listed."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QSpinBox

from db.models import Community, Member
from db.referral_models import Campaign, CampaignCommunity, InviteCode
from tests.ui.campaigns.page_host import host
from ui.campaigns.forecast_page import ForecastPage


def _planned(database) -> int:
    starts = datetime.now().replace(microsecond=0) + timedelta(days=2)
    with database.session(write=True) as session:
        session.add_all(Member(id=m, nickname=f"m{m}") for m in range(1, 6))
        community = Community(name="新人群")
        campaign = Campaign(name="下周拉新", starts_at=starts, status="draft")
        session.add_all([community, campaign])
        session.flush()
        session.add(CampaignCommunity(campaign_id=campaign.id, community_id=community.id))
        for member in range(1, 6):
            session.add(InviteCode(value=f"P{member:04d}", member_id=member,
                                   campaign_id=campaign.id, issued_at=starts,
                                   origin="campaign"))  # fmt: skip
        return campaign.id


def test_forecast_before_the_start_from_the_plan(app, qtbot, sqlite_database):
    campaign = _planned(sqlite_database)
    tab = host(qtbot, sqlite_database, ForecastPage)
    page = tab.page
    page.findChild(QDoubleSpinBox, "campaign_forecast_plan_k").setValue(2.0)
    page.findChild(QDoubleSpinBox, "campaign_forecast_plan_hours").setValue(12)
    page.show_campaign(campaign)
    qtbot.waitUntil(lambda: page.result is not None and not tab.busy(), timeout=60_000)
    assumptions = page.findChild(QLabel, "campaign_forecast_assumptions").text()
    assert "K = 2.00：计划假设（实测数据不足）" in assumptions
    assert "每代约 12.0 小时：计划假设" in assumptions
    assert "开始时有 5 位种子参与者" in assumptions
    assert "K ≥ 1：预测将无限增长" in assumptions
    assert page.chart.series.count() == 30
    days = page.findChild(QSpinBox, "campaign_forecast_days")
    days.setValue(14)
    qtbot.waitUntil(lambda: page.chart.series.count() == 14 and not tab.busy(), timeout=60_000)
    joins = [page.chart.series.at(i).y() for i in range(14)]
    assert joins[0] == 0 and joins[3] > 0  # nobody before the seeds arrive on day 2
    assert joins[-1] > joins[3]  # K = 2 keeps growing
    groups = page.groups_model
    assert groups.rowCount() >= 2  # 新人群 fills (200 by QR), then new groups open
    assert groups.data(groups.index(0, 0)) == "新人群"
    assert groups.data(groups.index(1, 0)) == "新群 1"
    note = page.findChild(QLabel, "campaign_forecast_groups_note").text()
    assert note.startswith("需要新开")
