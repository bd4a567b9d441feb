"""The dashboard's figures (the 概览 tab): the report's, plus the two charts only the dashboard
draws (weekday × hour chat messages, leaves by days since joining), and the members behind any
number or bar, so that a click shows exactly the people a figure counted.

Everything here reads the same stays and activity as the report (core.reports.stays), so a
card's count and the list it opens agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.campaigns.funnel_members import funnel_members
from core.chat.insights import HeatMap, has_chat_history, heat_map, slot_members
from core.common.errors import UserError
from core.common.progress import (
    CancelCheck,
    Progress,
    never_cancelled,
    no_progress,
    stop_if_cancelled,
)
from core.common.text import msg
from core.ledger.entries import ENTRY, not_pending_clause
from core.reports.build import Report, build_report
from core.reports.cohorts import RETENTION_WEEK, WEEK, by_join_week, retention_weeks
from core.reports.growth import DAILY_UP_TO
from core.reports.period import Period
from core.reports.stays import Activity, Stay, load_stays, present_members

# The sheets whose figures the dashboard shows (待跟进 and the flow matrix are the workbook's).
DASHBOARD_SHEETS = ("概览", "社群健康", "分层", "活动", "积分", "内容", "留存")
# Leaves by days since joining: (first day, last day or None); stays begun before records
# began (no join time) are counted apart.
TENURE = ((0, 7), (8, 30), (31, 90), (91, 180), (181, 365), (366, None))
DAY = timedelta(days=1)


def _at(day: date) -> datetime:
    return datetime.combine(day, time.min)


@dataclass(frozen=True)
class TenureBucket:
    first: int
    last: int | None  # None: and longer; first == -1: join time unknown
    leaves: int

    @property
    def label(self) -> str:
        if self.first < 0:
            return msg("入群时间不详")
        if self.last is None:
            return msg("{first} 天以上", first=self.first)
        return msg("{first}–{last} 天", first=self.first, last=self.last)


@dataclass
class Dashboard:
    report: Report
    heat: HeatMap  # members' chat messages per weekday (Monday first) × hour
    tenure: list[TenureBucket]
    chat_history: bool = False  # any chat imported (for the community filter): else say how


def dashboard(
    session: Session,
    period: Period,
    *,
    now: datetime | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> Dashboard:
    # A read the tab dropped before it began (a newer period, the window closing at start-up)
    # reads nothing; seconds at 100000 members otherwise, and quitting waits for it.
    stop_if_cancelled(cancelled)
    stays = load_stays(session, period.community_id)  # once, for the report and the charts
    report = build_report(
        session, period, sheets=DASHBOARD_SHEETS, now=now, progress=progress,
        cancelled=cancelled, stays=stays,
    )  # fmt: skip
    stop_if_cancelled(cancelled)
    return Dashboard(
        report,
        chat_heat(session, period),
        leaves_by_tenure(stays, period),
        has_chat_history(session, period.community_id),
    )


# ----- weekday × hour --------------------------------------------------------------------


def chat_heat(session: Session, period: Period) -> HeatMap:
    """Members' chat messages in the period by weekday and hour (core.chat.insights: a real
    time of day only). Activity records are not read: 接龙 check-ins and spreadsheet days sit
    at noon, and would make a peak nobody talked in."""
    return heat_map(session, period.community_id, since=period.start_at, until=period.end_at)


def heat_members(session: Session, period: Period, weekday: int, hour: int) -> list[int]:
    """The members who posted in that slot of the period: the heat map's cell, clicked."""
    return slot_members(
        session, period.community_id, weekday, hour, since=period.start_at, until=period.end_at
    )


# ----- leaves by days since joining ------------------------------------------------------


def _bucket(stay: Stay) -> int:
    if stay.joined_at is None:
        return len(TENURE)
    days = (stay.left_at - stay.joined_at).days
    return next(n for n, (_, last) in enumerate(TENURE) if last is None or days <= last)


def _leaves(stays: list[Stay], period: Period) -> list[Stay]:
    return [stay for stay in stays if stay.left_between(period.start_at, period.end_at)]


def leaves_by_tenure(stays: list[Stay], period: Period) -> list[TenureBucket]:
    counts = [0] * (len(TENURE) + 1)
    for stay in _leaves(stays, period):
        counts[_bucket(stay)] += 1
    buckets = [TenureBucket(first, last, counts[n]) for n, (first, last) in enumerate(TENURE)]
    return [*buckets, TenureBucket(-1, None, counts[-1])]


# ----- the members behind a figure -------------------------------------------------------


def _retained_members(stays: list[Stay], activity: Activity, period: Period) -> set[int]:
    """The newcomers the 4-week retention KPI counts as retained (core.reports.cohorts)."""
    found: set[int] = set()
    weeks = by_join_week(stays)
    for monday in retention_weeks(period.start, period.end):
        start = _at(monday) + RETENTION_WEEK * WEEK
        end = start + WEEK
        active = activity.pairs(start, end)
        found.update(
            stay.member_id
            for stay in weeks.get(monday, [])
            if (stay.left_at is None or stay.left_at >= end)
            and (stay.member_id, stay.community_id) in active
        )
    return found


def _points_holders(session: Session, moment: datetime, members: set[int]) -> set[int]:
    """Members with points outstanding at `moment` (the liability KPI's journal rule)."""
    query = (
        select(ENTRY.c.member_id)
        .where(ENTRY.c.occurred_at < moment, not_pending_clause(moment))
        .group_by(ENTRY.c.member_id)
        .having(func.sum(ENTRY.c.points) > 0)
    )
    return {member for (member,) in session.execute(query)} & members


def members_behind(session: Session, period: Period, target: str) -> list[int]:
    """The member ids behind a figure of the dashboard, sorted. `target`:
    members, net_growth (joined or left), active_share (active), retention (retained
    newcomers), points_liability (holding points), community:ID (its members at the end),
    growth:DAY (joined in the step ending DAY), tenure:N (left, Nth bucket), heat:WEEKDAY:HOUR,
    level:KEY (members at that level now), campaign:ID:STAGE (a funnel stage of a campaign, as
    of the period's end or now, as the report counted it)."""
    kind, _, rest = target.partition(":")
    if kind == "campaign":
        campaign, _, stage = rest.partition(":")
        if not campaign.isdigit():
            raise UserError(msg("未知的仪表盘数字：{target}", target=target))
        return funnel_members(session, int(campaign), stage, min(datetime.now(), period.end_at))
    if kind == "heat":
        weekday, hour = (int(part) for part in rest.split(":"))
        return heat_members(session, period, weekday, hour)
    stays = load_stays(session, period.community_id)
    start, end = period.start_at, period.end_at
    present = present_members(stays, end)
    if kind == "members":
        found = present
    elif kind == "net_growth":
        found = {
            s.member_id for s in stays if s.joined_between(start, end) or s.left_between(start, end)
        }
    elif kind == "active_share":
        found = present & Activity(session, period.community_id).members(start, end)
    elif kind == "retention":
        found = _retained_members(stays, Activity(session, period.community_id), period)
    elif kind == "points_liability":
        every = {s.member_id for s in load_stays(session)}  # the liability is every group's
        found = _points_holders(session, end, every)
    elif kind == "community":
        found = {s.member_id for s in stays if s.community_id == int(rest) and s.present_at(end)}
    elif kind == "growth":
        last = date.fromisoformat(rest)
        step = 1 if period.days <= DAILY_UP_TO else 7  # the growth line's steps
        first = period.start + timedelta(days=(last - period.start).days // step * step)
        found = {s.member_id for s in stays if s.joined_between(_at(first), _at(last) + DAY)}
    elif kind == "tenure":
        bucket = int(rest)
        found = {s.member_id for s in _leaves(stays, period) if _bucket(s) == bucket}
    elif kind == "level":
        found = {s.member_id for s in stays if s.level == rest and s.left_at is None}
    else:
        raise UserError(msg("未知的仪表盘数字：{target}", target=target))
    return sorted(found)
