"""What a calendar view reads for a range of days, in one go off the GUI thread: the items, the
marks of each day (holidays, make-up workdays, marketing nodes, campaign starts and ends) and the
years that lack holiday data (the banner's text).

Campaigns are read only through core/campaigns' public `list_campaigns`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from core.calendar.items import ItemRow
    from core.common.text import Message

# What a day's mark stands for; the views draw each kind in its own way.
HOLIDAY_MARK, WORKDAY_MARK, NODE_MARK, CAMPAIGN_MARK = "holiday", "workday", "node", "campaign"


@dataclass(frozen=True)
class DayMark:
    kind: str
    text: str  # what the day shows: 国庆节, 双11, 「五月任务宝」开始


@dataclass
class RangeData:
    first: date
    last: date  # included
    items: list[ItemRow]
    marks: dict[date, list[DayMark]] = field(default_factory=dict)
    campaigns: dict[int, str] = field(default_factory=dict)  # id → name
    missing_years: tuple[int, ...] = ()
    messages: tuple[Message, ...] = ()
    now: datetime = field(default_factory=datetime.now)
    _by_day: dict[date, list[ItemRow]] | None = field(default=None, repr=False)

    def items_on(self, day: date) -> list[ItemRow]:
        return self.by_day().get(day, [])

    def by_day(self) -> dict[date, list[ItemRow]]:
        """The items of each day, in time order (worked out once)."""
        if self._by_day is None:
            self._by_day = {}
            for item in self.items:
                self._by_day.setdefault(item.planned_at.date(), []).append(item)
        return self._by_day


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def load_range(
    session: Session,
    first: date,
    last: date,
    *,
    community_id: int | None = None,
    now: datetime | None = None,
) -> RangeData:
    # here, in the worker: the holiday and lunar data load when a view first reads, not at start
    from core.calendar.items import list_items
    from core.calendar.nodes import HOLIDAY, WORKDAY, nodes_between
    from core.campaigns.records import list_campaigns

    now = now or datetime.now()
    items = list_items(
        session,
        day_start(first),
        day_start(last + timedelta(days=1)),
        community_id=community_id,
        now=now,
    )
    nodes = nodes_between(first, last)
    marks: dict[date, list[DayMark]] = {}

    def add(day: date, mark: DayMark) -> None:
        if first <= day <= last:
            marks.setdefault(day, []).append(mark)

    for node in nodes.nodes:
        if node.kind == HOLIDAY:
            day = node.day
            while day <= (node.end or node.day):
                add(day, DayMark(HOLIDAY_MARK, node.name))
                day += timedelta(days=1)
        elif node.kind == WORKDAY:
            add(node.day, DayMark(WORKDAY_MARK, node.name))
        else:
            add(node.day, DayMark(NODE_MARK, node.name))
    campaigns: dict[int, str] = {}
    for row in list_campaigns(session):
        campaigns[row.id] = row.name
        if row.starts_at is not None:
            text = QCoreApplication.translate("CalendarMarks", "「{name}」开始")
            add(row.starts_at.date(), DayMark(CAMPAIGN_MARK, text.format(name=row.name)))
        if row.ends_at is not None:
            text = QCoreApplication.translate("CalendarMarks", "「{name}」结束")
            add(row.ends_at.date(), DayMark(CAMPAIGN_MARK, text.format(name=row.name)))
    return RangeData(first, last, items, marks, campaigns, nodes.missing_years, nodes.messages, now)


def month_grid_first(year: int, month: int) -> date:
    """The Monday on or before the 1st: the month grid's first cell."""
    first = date(year, month, 1)
    return first - timedelta(days=first.weekday())


def week_first(day: date) -> date:
    return day - timedelta(days=day.weekday())
