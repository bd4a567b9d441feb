"""What the 活动 tab's 概况 shows of one campaign: the live counts and the phase checklist.

The counts come from the campaign's tree and inputs as the report reads them
(core/campaigns/report.py; only what the 概况 shows is computed), the reward states from the
decision core (core/campaigns/rewards), the group capacity from the forecast and the
communities' own limits; this module only gathers them and hands the checklist
(core/campaigns/checklist.py) its facts.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.campaigns import checklist
from core.campaigns.decisions import VOID, Decision
from core.campaigns.facts import Facts
from core.campaigns.facts_sql import load_facts
from core.campaigns.figures import money
from core.campaigns.forecast import MAX_DAYS
from core.campaigns.records import COPY_LABELS, community_ids_of
from core.campaigns.report import (
    Read,
    campaign_forecast,
    campaign_report,
    imported_totals,
    read_campaign,
)
from core.campaigns.rewards import decide
from core.campaigns.settings import Common, parse
from core.common.errors import UserError
from core.common.gc_pause import gc_paused
from core.common.text import Message, msg
from core.communities.limits import SCAN_CAP_PLATFORMS, load_limits
from core.communities.listing import list_communities
from db.referral_models import Campaign, InviteCode

FORECAST_DAYS = 30  # a campaign without an end date: the room needed in the next 30 days
_CAP_WARNINGS = ("member_cap", "scan_cap")


@dataclass
class Live:
    campaign_id: int
    status: str
    participants: int
    new_members: int
    rewards: dict[str, int]  # decision status → how many (approved, pending, held, void)
    points: int  # points of the rewards not void
    cost: Decimal  # yuan spent on prizes so far
    budget_total: Decimal | None
    starts_at: datetime | None
    ends_at: datetime | None
    days_left: int | None  # None: no end date; 0: ended
    notes: str
    items: list[checklist.Item] = field(default_factory=list)
    problems: list[Message] = field(default_factory=list)


# settings (None: they do not pass their check), facts, decisions, and the problem if any
Decided = tuple[Common | None, Facts | None, list[Decision], str | None]


class SharedDecisions:
    """The last campaign's decisions, for the pages of one view: the 概况 and the 参与者 both
    need the whole campaign's, and whichever reads second within `fresh` of the first takes
    them instead of deciding again. `clear()` whenever the data may have changed; a read that
    began before it does not keep its result. Safe across the reading threads."""

    def __init__(self, fresh: timedelta = timedelta(minutes=1)) -> None:
        self.fresh = fresh
        self._lock = threading.Lock()
        self._generation = 0
        self._held: tuple[int, datetime, Decided] | None = None

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._held = None

    def get(self, session: Session, campaign: Campaign, now: datetime) -> Decided:
        with self._lock:
            generation, held = self._generation, self._held
        if (
            held is not None
            and held[0] == campaign.id
            and timedelta(0) <= now - held[1] <= self.fresh
        ):
            return held[2]
        decided = _decide(session, campaign, now)
        with self._lock:
            if generation == self._generation:
                self._held = (campaign.id, now, decided)
        return decided


def campaign_decisions(
    session: Session, campaign: Campaign, now: datetime, shared: SharedDecisions | None = None
) -> Decided:
    """The campaign's settings, facts and reward decisions as of `now`; settings that do not
    pass their check give no decisions, and the reason. `shared`: decisions another page of the
    same view has just made, taken instead of deciding again."""
    if shared is not None:
        return shared.get(session, campaign, now)
    return _decide(session, campaign, now)


def _decide(session: Session, campaign: Campaign, now: datetime) -> Decided:
    try:
        settings = parse(campaign.kind, campaign.settings)
    except UserError as error:
        return None, None, [], error.message
    facts = load_facts(session, campaign, now)
    return settings, facts, decide(settings, facts), None


def _stocks(settings: Common | None) -> tuple[checklist.Stock, ...]:
    if settings is None:
        return ()
    stocks = [checklist.Stock(prize.name, prize.stock) for prize in settings.prizes]
    for stage in getattr(settings, "stages", ()):
        stocks.append(checklist.Stock(msg("{count} 人阶梯", count=stage.invites), stage.stock))
    for entry in getattr(settings, "entries", ()):
        stocks.append(checklist.Stock(entry.name, entry.stock))
    return tuple(stocks)


def _groups(session: Session, campaign_id: int) -> tuple[checklist.Group, ...]:
    wanted = set(community_ids_of(session, campaign_id))
    if not wanted:
        return ()
    return tuple(
        checklist.Group(
            name=row.name,
            members=row.members,
            member_cap=row.member_cap,
            scan_cap=row.scan_cap,
            scan_capped=row.platform in SCAN_CAP_PLATFORMS,
            has_qr=row.has_qr,
            qr_days_left=row.qr_days_left,
            near_cap=any(w.kind in _CAP_WARNINGS for w in row.warnings),
        )
        for row in list_communities(session, include_archived=True)
        if row.id in wanted
    )


def _days_left(campaign: Campaign, now: datetime) -> int | None:
    if campaign.ends_at is None:
        return None
    return max(0, (campaign.ends_at.date() - now.date()).days)


def _expected(
    session: Session, campaign: Campaign, now: datetime, days_left: int | None, read: Read | None
) -> tuple[int | None, str]:
    """Newcomers expected from now to the end: the forecast's, or without one the goal's."""
    if campaign.status in ("ended", "reviewed"):
        return None, ""  # nobody is expected any more (and the checklist does not ask)
    days = FORECAST_DAYS if days_left is None else min(max(days_left, 1), MAX_DAYS)
    try:
        _, result = campaign_forecast(session, str(campaign.id), days, as_of=now, read=read)
    except UserError:
        result = None
    if result is not None and result.k is not None and result.days:
        return round(result.days[-1].total_joins), "forecast"
    if campaign.goal_kind == "new_members" and campaign.goal_target:
        return campaign.goal_target, "goal"
    return None, ""


def campaign_live(
    session: Session,
    campaign_id: int,
    now: datetime | None = None,
    shared: SharedDecisions | None = None,
) -> Live:
    """The 概况 of the campaign: counts as of `now` and its checklist; `shared`: as for
    campaign_decisions."""
    # one pause over the whole read: between the steps' own pauses the collector would walk
    # the millions of objects the previous step left (the tree, the facts, the decisions)
    with gc_paused():
        return _campaign_live(session, campaign_id, now, shared)


def _campaign_live(
    session: Session, campaign_id: int, now: datetime | None, shared: SharedDecisions | None
) -> Live:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise UserError(msg("没有编号或名称为「{text}」的活动", text=str(campaign_id)))
    now = now or datetime.now()
    # the report and the forecast read the same inputs: once (a campaign of imported totals
    # has none to read)
    read = (
        read_campaign(session, campaign.id, now, counts_only=True)
        if imported_totals(session, campaign) is None
        else None
    )
    settings, _, decisions, problem = campaign_decisions(session, campaign, now, shared)
    unavailable: list[Message] = []
    if read is not None:  # the counts it shows, not the report's every figure
        participants, new_members = read.tree.participants, read.tree.invitees
        cost, revenue, roi = money(read.tree, read.inputs.facts, read.inputs.costs)
    else:  # imported totals only: every row of the export, matched to a member or not
        report = campaign_report(session, str(campaign.id), now)
        unavailable = list(report.unavailable)
        imported = report.imported
        participants = imported.participants if imported is not None else 0
        new_members = imported.new_customers if imported is not None else 0
        cost, roi, revenue = Decimal(0), None, None
    days_left = _days_left(campaign, now)
    actual: Decimal | int | None = None
    if campaign.goal_kind == "new_members":
        actual = new_members
    elif campaign.goal_kind == "sales":
        actual = revenue
    expected, expected_from = _expected(session, campaign, now, days_left, read)
    codes = session.scalar(
        select(func.count()).select_from(InviteCode).where(InviteCode.campaign_id == campaign.id)
    )
    copy = {key: str((campaign.copy or {}).get(key) or "") for key in COPY_LABELS}
    facts = checklist.Facts(
        status=campaign.status,
        kind=campaign.kind,
        goal_kind=campaign.goal_kind,
        goal_target=campaign.goal_target,
        budget_total_cents=campaign.budget_total_cents,
        settings_problem=problem,
        stocks=_stocks(settings),
        copy=copy,
        copy_labels=COPY_LABELS,
        codes=codes or 0,
        groups=_groups(session, campaign.id),
        expected_joins=expected,
        expected_from=expected_from,
        actual=actual,
        roi=roi,
        notes=campaign.notes or "",
        qr_remind_days=load_limits(session).qr_remind_days_left,
    )
    live = Live(
        campaign_id=campaign.id,
        status=campaign.status,
        participants=participants,
        new_members=new_members,
        rewards=dict(Counter(d.status for d in decisions)),
        points=sum(d.points for d in decisions if d.status != VOID),
        cost=cost,
        budget_total=None
        if campaign.budget_total_cents is None
        else Decimal(campaign.budget_total_cents) / 100,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        days_left=days_left,
        notes=campaign.notes or "",
        items=checklist.checklist(facts),
        problems=unavailable,
    )
    if problem:
        live.problems.append(problem)
    return live
