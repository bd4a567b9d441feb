"""The 预测 page's forecast: before the start the campaign's code holders are the planned
seeds, arriving at the start; once it has started the plan has no seeds and the observed
figures take over when there are enough."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.campaigns.planning import plan_for, planned_forecast
from db.models import Member
from db.referral_models import Campaign, InviteCode
from tests.core.campaigns import tree15_db
from tests.core.campaigns.tree15 import AS_OF


def test_before_the_start_the_code_holders_are_the_seeds(database):
    now = datetime(2026, 6, 1, 9, 0)
    starts = now + timedelta(days=2)
    with database.session(write=True) as session:
        session.add_all(Member(id=m, nickname=f"m{m}") for m in range(1, 4))
        campaign = Campaign(name="下周", starts_at=starts, status="draft")
        session.add(campaign)
        session.flush()
        for member in (1, 2, 3):
            session.add(InviteCode(value=f"W{member}", member_id=member, campaign_id=campaign.id,
                                   issued_at=now, origin="campaign"))  # fmt: skip
        cid = campaign.id
    with database.session() as session:
        plan = plan_for(session, cid, 1.5, 24, now)
        result = planned_forecast(session, cid, 5, 1.5, 24, as_of=now)
    assert (plan.seeds, plan.start, plan.k, plan.cycle_hours) == (3, starts, 1.5, 24)
    assert not result.started and result.forecast.k_source == "plan"
    days = result.forecast.days
    assert [round(d.joins, 3) for d in days[:2]] == [0, 0]  # nobody before the start
    # 3 seeds at the start, 1.5 each spread over 48 hours: 2.25 on the first day from the seeds
    # alone, and a little more from the newcomers of that day, who start inviting at once
    assert 2.25 < days[2].joins < 3.5


def test_after_the_start_the_plan_has_no_seeds(database):
    with database.session() as session:
        cid = tree15_db.load(session)
        plan = plan_for(session, cid, 1.2, 24, AS_OF)
        result = planned_forecast(session, cid, 3, as_of=AS_OF)
    assert (plan.seeds, plan.start) == (0, None)
    assert result.started and result.name == "tree15"
    assert result.forecast.cycle_source == "observed"  # 12 timed invites are enough
