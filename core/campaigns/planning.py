"""The forecast as the 预测 page asks for it: the planner's assumptions (K and hours per
generation, typed on the page) completed from the campaign itself.

Once the campaign has started, core/campaigns/report.campaign_forecast (observed figures win
over the plan when there are enough). Before its start nobody invites yet: the code holders
arrive as the plan's seeds at the start. They are not also taken as participants already
inviting since their code's issue (which is what the tree read from the database would say),
so the forecast starts from no one, not twice from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.campaigns import forecast as forecasting
from core.campaigns.forecast import Forecast, Plan
from core.campaigns.inputs_sql import yuan
from core.campaigns.records import find_campaign
from core.campaigns.report import campaign_forecast, target_groups
from core.campaigns.waves import build_tree
from db.referral_models import InviteCode

DEFAULT_K = 1.2
DEFAULT_CYCLE_HOURS = 24.0


@dataclass
class PlannedForecast:
    campaign_id: int
    name: str
    started: bool  # False: the forecast starts from the planned seeds at the start
    forecast: Forecast


def plan_for(
    session: Session, campaign_id: int, k: float, cycle_hours: float, as_of: datetime
) -> Plan:
    """The planner's assumptions; before the start, the code holders are its seeds."""
    campaign = find_campaign(session, str(campaign_id))
    if campaign.starts_at is None or campaign.starts_at <= as_of:
        return Plan(k, cycle_hours)
    holders = session.scalar(
        select(func.count(func.distinct(InviteCode.member_id))).where(
            InviteCode.campaign_id == campaign_id
        )
    )
    return Plan(k, cycle_hours, seeds=int(holders or 0), start=campaign.starts_at)


def planned_forecast(
    session: Session,
    campaign_id: int,
    days: int,
    k: float = DEFAULT_K,
    cycle_hours: float = DEFAULT_CYCLE_HOURS,
    via_qr: float = 1.0,
    as_of: datetime | None = None,
) -> PlannedForecast:
    """The forecast for `days` days; observed K and cycle time win over the plan once the
    campaign has enough data (core/campaigns/forecast)."""
    as_of = as_of or datetime.now()
    plan = plan_for(session, campaign_id, k, cycle_hours, as_of)
    if plan.start is None:
        campaign, result = campaign_forecast(
            session, str(campaign_id), days, as_of, plan=plan, via_qr=via_qr
        )
        return PlannedForecast(campaign.id, campaign.name, True, result)
    campaign = find_campaign(session, str(campaign_id))
    budget = forecasting.Budget(
        total=None if campaign.budget_total_cents is None else yuan(campaign.budget_total_cents),
        per_day=None
        if campaign.budget_per_day_cents is None
        else yuan(campaign.budget_per_day_cents),
    )
    result = forecasting.forecast(
        build_tree([]), as_of, days, plan=plan, groups=target_groups(session, campaign.id),
        budget=budget, via_qr=via_qr,
    )  # fmt: skip
    return PlannedForecast(campaign.id, campaign.name, False, result)
