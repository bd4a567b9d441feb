"""The dashboard's figures (the 概览 tab): the report's, plus the two charts only the dashboard
draws (weekday × hour activity, leaves by days since joining), and the members behind any
number or bar, so that a click shows exactly the people a figure counted.

Everything here reads the same stays and activity as the report (core.reports.stays), so a
card's count and the list it opens agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, cast, extract, func, not_, select
from sqlalchemy.orm import Session

from core.activity.kinds import ACTIVE_KINDS
from core.campaigns.funnel_members import funnel_members
from core.common.dates import day_of
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
from core.members.statistics import stats_members_condition
from core.reports.build import Report, build_report
from core.reports.cohorts import RETENTION_WEEK, WEEK, by_join_week, retention_weeks
from core.reports.growth import DAILY_UP_TO
from core.reports.period import Period
from core.reports.stays import Activity, Stay, load_stays, present_members
from db.models import ActivityEvent, Member

# The sheets whose figures the dashboard shows (待跟进 and the flow matrix are the workbook's).
DASHBOARD_SHEETS = ("概览", "社群健康", "分层", "活动", "积分", "内容", "留存")
DAYS, HOURS = 7, 24
# Leaves by days since joining: (first day, last day or None); stays begun before records
# began (no join time) are counted apart.
TENURE = ((0, 7), (8, 30), (31, 90), (91, 180), (181, 365), (366, None))
EVENTS = ActivityEvent.__table__
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
    heat: tuple[tuple[int, ...], ...]  # active records per weekday (Monday first) × hour
    tenure: list[TenureBucket]


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
    heat = activity_heat(session, period)
    stop_if_cancelled(cancelled)
    return Dashboard(report, heat, leaves_by_tenure(stays, period))


# ----- weekday × hour --------------------------------------------------------------------


def _heat_query(session: Session, period: Period, columns):
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        hour = cast(func.substr(EVENTS.c.occurred_at, 12, 2), Integer)
    else:
        hour = cast(extract("hour", EVENTS.c.occurred_at), Integer)
    day = day_of(EVENTS.c.occurred_at, dialect)
    query = select(*columns(day, hour)).where(
        EVENTS.c.occurred_at >= period.start_at,
        EVENTS.c.occurred_at < period.end_at,
        EVENTS.c.kind.in_(ACTIVE_KINDS),
        # the few accounts statistics leave out (team, merged away), by id: cheaper than a join
        EVENTS.c.member_id.not_in(select(Member.id).where(not_(stats_members_condition()))),
    )
    if period.community_id is not None:
        query = query.where(EVENTS.c.community_id == period.community_id)
    return query, day, hour


def _weekday(day) -> int:
    """0 = Monday, from a grouped day (text on SQLite, a date on PostgreSQL)."""
    if isinstance(day, date):
        return day.weekday()
    return date.fromisoformat(str(day)[:10]).weekday()


def activity_heat(session: Session, period: Period) -> tuple[tuple[int, ...], ...]:
    """Members' active records in the period by weekday and hour of the day."""
    query, day, hour = _heat_query(session, period, lambda day, hour: (day, hour, func.count()))
    grid = [[0] * HOURS for _ in range(DAYS)]
    for on, at, count in session.execute(query.group_by(day, hour)):
        grid[_weekday(on)][int(at)] += count
    return tuple(tuple(row) for row in grid)


def heat_members(session: Session, period: Period, weekday: int, hour: int) -> list[int]:
    query, _day, hour_column = _heat_query(
        session, period, lambda day, hour: (EVENTS.c.member_id, day)
    )
    rows = session.execute(query.where(hour_column == hour).distinct())
    return sorted({member for member, on in rows if _weekday(on) == weekday})


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
