"""The whole report for a period: every figure once, for the workbook, the dashboard and the
phone picture alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from core.calendar.results import ItemResult, item_results
from core.campaigns.figures import WaveFigures
from core.campaigns.funnel import Stage
from core.campaigns.records import CampaignRow, list_campaigns
from core.campaigns.report import campaign_report
from core.common.progress import (
    CancelCheck,
    Progress,
    never_cancelled,
    no_progress,
    stop_if_cancelled,
)
from core.common.rate import Rate
from core.common.text import msg
from core.ledger.liability import (
    MonthRedemptions,
    Outstanding,
    PeriodRedemptions,
    liability,
    outstanding_at,
    redemptions_between,
)
from core.reports.cohorts import CohortTable, cohort_table, first_cohort_week, retention_4w
from core.reports.figures import Kpi
from core.reports.findings import findings
from core.reports.growth import GrowthPoint, growth
from core.reports.health import CommunityHealth, community_health
from core.reports.period import ALL_SHEETS, Period, week_start
from core.reports.stays import Activity, Stay, load_groups, load_stays, present_members
from core.reports.thresholds import load_thresholds
from core.tiers.distribution import LevelCount, level_distribution
from core.tiers.flow import FlowMatrix, level_flow

BEST_ITEMS = 10


@dataclass
class CampaignFigures:
    id: int
    name: str
    status: str
    starts_at: datetime | None
    ends_at: datetime | None
    stages: list[Stage]
    waves: list[WaveFigures]
    k: float | None
    participants: int | None
    invitees: int | None
    cost_yuan: float | None
    revenue_yuan: float | None
    cost_per_retained: float | None
    roi: float | None
    notes: list[str] = field(default_factory=list)


@dataclass
class PointsFigures:
    outstanding: Outstanding
    previous: Outstanding
    expiring_30: int  # as of today: expiry looks forward from now
    expiring_90: int
    redemptions: PeriodRedemptions
    months: list[MonthRedemptions]
    yuan_per_point: str


@dataclass
class ContentFigures:
    planned: int
    sent: int
    best: list[ItemResult]


@dataclass
class Report:
    period: Period
    previous: Period
    generated_at: datetime
    sheets: tuple[str, ...]
    kpis: list[Kpi]
    growth: list[GrowthPoint]
    communities: list[CommunityHealth]
    cohorts: CohortTable
    levels: list[LevelCount]
    flow: FlowMatrix | None  # None: the 分层 sheet was not asked for
    campaigns: list[CampaignFigures]
    points: PointsFigures
    content: ContentFigures
    follow_up: list = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def kpi(self, key: str) -> Kpi:
        return next(kpi for kpi in self.kpis if kpi.key == key)


def _overlaps(row: CampaignRow, period: Period) -> bool:
    if row.status == "draft":
        return False
    if period.community and period.community not in row.communities:
        return False
    return (row.starts_at is None or row.starts_at < period.end_at) and (
        row.ends_at is None or row.ends_at >= period.start_at
    )


def _campaign(session: Session, row: CampaignRow, as_of: datetime) -> CampaignFigures:
    report = campaign_report(session, str(row.id), as_of)
    figures = report.figures
    if figures is None:
        return CampaignFigures(
            row.id, row.name, row.status_label, row.starts_at, row.ends_at, [], [], None,
            len(report.totals or {}), sum((report.totals or {}).values()), None, None, None,
            None, list(report.unavailable),
        )  # fmt: skip

    def num(value):
        return None if value is None else float(value)

    return CampaignFigures(
        row.id, row.name, row.status_label, row.starts_at, row.ends_at, report.stages,
        figures.waves, figures.k, figures.participants, figures.invitees, num(figures.cost),
        num(figures.revenue), num(figures.cost_per_retained), figures.roi, list(figures.notes),
    )  # fmt: skip


def _period_counts(stays: list[Stay], activity: Activity, period: Period) -> dict:
    start, end = period.start_at, period.end_at
    present = present_members(stays, end)
    active = present & activity.members(start, end)
    joins = sum(1 for stay in stays if stay.joined_between(start, end))
    leaves = sum(1 for stay in stays if stay.left_between(start, end))
    return {
        "members": len(present),
        "net": joins - leaves,
        "active": Rate(len(active), len(present)),
        "retention": retention_4w(stays, activity, period.start, period.end),
    }


def _edges(period: Period, previous: Period) -> list[datetime]:
    """The edges of every window any figure looks at: both periods, the last 7 days, and the
    Monday-to-Monday weeks of the retention figures and the cohort table."""
    edges = {previous.start_at, period.start_at, period.end_at, period.end_at - timedelta(days=7)}
    monday = min(week_start(previous.start), first_cohort_week(period.end))
    while monday <= period.end:
        edges.add(datetime.combine(monday, time.min))
        monday += timedelta(days=7)
    return sorted(edge for edge in edges if edge <= period.end_at)


def build_report(
    session: Session,
    period: Period,
    *,
    sheets: tuple[str, ...] = ALL_SHEETS,
    now: datetime | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
    stays: list[Stay] | None = None,
) -> Report:
    """`stays`: the period's community's, when the caller has loaded them already."""
    now = now or datetime.now()
    as_of = min(now, period.end_at)
    previous = period.previous()
    steps, done = 8, 0

    def step() -> None:
        nonlocal done
        stop_if_cancelled(cancelled)
        done += 1
        progress(done, steps)

    # Each read below takes seconds at 100000 members: a read dropped in flight (a newer
    # period, the window closing) stops at the next of them, not at the next step.
    stop_if_cancelled(cancelled)
    cid = period.community_id
    stays = load_stays(session, cid) if stays is None else stays
    stop_if_cancelled(cancelled)
    activity = Activity(session, cid, _edges(period, previous), cancelled=cancelled)
    thresholds = load_thresholds(session)
    now_counts = _period_counts(stays, activity, period)
    stop_if_cancelled(cancelled)
    before = _period_counts(stays, activity, previous)
    step()
    campaigns = [row for row in list_campaigns(session) if _overlaps(row, period)]
    previous_campaigns = sum(1 for row in list_campaigns(session) if _overlaps(row, previous))
    points_now = outstanding_at(session, period.end_at)
    points_before = outstanding_at(session, previous.end_at)
    items = item_results(session, period.start_at, period.end_at, community_id=cid)
    items_before = item_results(session, previous.start_at, previous.end_at, community_id=cid)

    def sent_share(found: list[ItemResult]) -> Rate:
        return Rate(sum(1 for item in found if item.sent), len(found))

    content_now, content_before = sent_share(items), sent_share(items_before)
    kpis = [
        Kpi("members", msg("成员数"), "count", now_counts["members"], before["members"]),
        Kpi("net_growth", msg("净增（入群 − 退群）"), "count", now_counts["net"], before["net"]),
        Kpi("active_share", msg("活跃率"), "share", now_counts["active"].share,
            before["active"].share),
        Kpi("retention", msg("新人 4 周留存"), "share", now_counts["retention"].share,
            before["retention"].share),
        Kpi("points_liability", msg("积分负债（元）"), "fen", points_now.value_fen,
            points_before.value_fen),
        Kpi("campaigns_running", msg("进行中的活动"), "count", len(campaigns), previous_campaigns),
        Kpi("content_sent", msg("内容发送率"), "share", content_now.share, content_before.share,
            msg("已发送 {sent} / 计划 {planned}", sent=content_now.count,
                planned=content_now.of)),
    ]  # fmt: skip
    step()
    by_group: dict[int, list[Stay]] = {}
    for stay in stays:
        by_group.setdefault(stay.community_id, []).append(stay)
    communities = []
    for group in load_groups(session, cid):
        stop_if_cancelled(cancelled)  # hundreds of groups, a few reads each
        communities.append(
            community_health(
                session, group, by_group.get(group.id, []), activity, period, thresholds
            )
        )
    step()
    cohorts = cohort_table(stays, activity, period.end)
    step()
    # The level figures read the whole level history: only when their sheet is asked for.
    levels, flow = [], None
    if "分层" in sheets:
        levels = level_distribution(session, cid)
        stop_if_cancelled(cancelled)
        flow = level_flow(session, date(period.end.year, period.end.month, 1), cid)
    step()
    campaign_figures = [_campaign(session, row, as_of) for row in campaigns]
    step()
    ledger = liability(session, now=now)
    points = PointsFigures(
        points_now, points_before, ledger.expiring_30, ledger.expiring_90,
        redemptions_between(session, period.start_at, period.end_at), ledger.months,
        ledger.yuan_per_point,
    )  # fmt: skip
    best = sorted(
        (item for item in items if item.sent),
        key=lambda item: (-(item.joins or 0), -(item.replies or 0), -(item.sales_cents or 0)),
    )[:BEST_ITEMS]
    step()
    follow = []
    if "待跟进" in sheets:
        from core.reports.follow_up import follow_ups

        members = None if cid is None else present_members(stays, period.end_at)
        follow = follow_ups(session, as_of, members)
    step()
    report = Report(
        period, previous, now, sheets, kpis, growth(stays, period), communities, cohorts,
        levels, flow, campaign_figures, points, ContentFigures(len(items), content_now.count, best),
        follow,
    )  # fmt: skip
    report.findings = findings(report)
    return report
