"""Marketing nodes (营销节点): the dates a month of content is planned around.

Public holiday breaks and their make-up workdays (from core/calendar/holidays.py), the 24 solar
terms and the lunar festivals (core/calendar/lunar.py, any year), and the shop festivals
(520, 618, 双11, 双12). Each node can seed a plan: its name, its date and how many days ahead
an operator usually starts warming the group up.

A year without holiday data still gets its solar terms, lunar and shop festivals; the answer
lists the year under `missing_years`, with the message for the window's banner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from core.calendar import lunar
from core.calendar.holidays import holiday_year
from core.common.errors import UserError
from core.common.text import Message, msg

HOLIDAY, WORKDAY, SOLAR_TERM, LUNAR_FESTIVAL, SHOP_FESTIVAL = (
    "holiday",
    "workday",
    "solar_term",
    "lunar_festival",
    "shop_festival",
)
KINDS = (HOLIDAY, WORKDAY, SOLAR_TERM, LUNAR_FESTIVAL, SHOP_FESTIVAL)
KIND_LABELS = {
    HOLIDAY: msg("法定节假日"),
    WORKDAY: msg("调休上班"),
    SOLAR_TERM: msg("节气"),
    LUNAR_FESTIVAL: msg("传统节日"),
    SHOP_FESTIVAL: msg("电商节"),
}

# (month, day, name) of the shop festivals, the same date every year.
SHOP_FESTIVALS = ((5, 20, "520"), (6, 18, "618"), (11, 11, "双11"), (12, 12, "双12"))

# Days ahead an operator starts on a node: the big sales open their pre-sales weeks early
# (双11 around 20 October), 春节 gifts go out weeks before, a solar term is a day's post.
LEAD_DAYS = {
    "春节": 21,
    "除夕": 14,
    "元宵节": 7,
    "端午节": 10,
    "七夕": 10,
    "中秋节": 14,
    "重阳节": 7,
    "元旦": 7,
    "清明节": 5,
    "劳动节": 10,
    "国庆节": 14,
    "520": 7,
    "618": 20,
    "双11": 25,
    "双12": 10,
}
KIND_LEAD_DAYS = {HOLIDAY: 7, WORKDAY: 1, SOLAR_TERM: 3, LUNAR_FESTIVAL: 7, SHOP_FESTIVAL: 7}
MAX_SPAN_DAYS = 3 * 366  # a view asks for a month or a year; more is a mistake


@dataclass(frozen=True)
class MarketingNode:
    day: date
    name: str
    kind: str
    end: date | None = None  # the last day off of a holiday break

    @property
    def key(self) -> str:
        """Stable across runs: what a plan seeded from this node remembers."""
        return f"{self.kind}:{self.day.isoformat()}:{self.name}"


@dataclass(frozen=True)
class PlanSeed:
    """What a content plan needs from a node: the operator edits it before saving."""

    name: str
    day: date  # the node's date: the plan's main day
    start: date  # when warming up begins: day - lead_days
    lead_days: int
    kind: str
    node_key: str


@dataclass(frozen=True)
class NodeList:
    nodes: list[MarketingNode]
    missing_years: tuple[int, ...] = ()  # years in the range without holiday data
    messages: tuple[Message, ...] = field(default=())  # the banner's text, one per year


def nodes_between(first: date, last: date, *, kinds: tuple[str, ...] = KINDS) -> NodeList:
    """The nodes from `first` to `last` (both included), in date order. A holiday break that
    only overlaps the range is included (with its full span)."""
    if last < first:
        raise UserError(msg("结束日期早于开始日期"))
    if (last - first).days > MAX_SPAN_DAYS:
        raise UserError(msg("一次最多列出三年的营销节点"))
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise UserError(msg("未知的节点类型：{kind}", kind=str(unknown[0])[:40]))
    found: dict[str, MarketingNode] = {}
    missing: list[int] = []
    messages: list[Message] = []
    for year in range(first.year, last.year + 1):
        for node in _year_nodes(year, kinds, missing, messages):
            if node.day <= last and (node.end or node.day) >= first:
                found.setdefault(node.key, node)
    # 元旦 of the year after can begin on the range's last days (2022-12-31).
    if HOLIDAY in kinds or WORKDAY in kinds:
        for node in _holiday_nodes(last.year + 1, kinds):
            if first <= node.day <= last:
                found.setdefault(node.key, node)
    nodes = sorted(found.values(), key=lambda n: (n.day, KINDS.index(n.kind), n.name))
    return NodeList(nodes, tuple(missing), tuple(messages))


def _year_nodes(year: int, kinds, missing: list[int], messages: list[Message]):
    if HOLIDAY in kinds or WORKDAY in kinds:
        schedule = holiday_year(year)
        if not schedule.known:
            missing.append(year)
            messages.append(schedule.message)
        yield from _holiday_nodes(year, kinds)
    if SOLAR_TERM in kinds and lunar.FIRST_YEAR <= year <= lunar.LAST_YEAR:
        for day, name in lunar.solar_terms(year):
            yield MarketingNode(day, name, SOLAR_TERM)
    if LUNAR_FESTIVAL in kinds and lunar.FIRST_YEAR <= year <= lunar.LAST_YEAR:
        for day, name in lunar.lunar_festivals(year):
            yield MarketingNode(day, name, LUNAR_FESTIVAL)
    if SHOP_FESTIVAL in kinds:
        for month, day, name in SHOP_FESTIVALS:
            yield MarketingNode(date(year, month, day), name, SHOP_FESTIVAL)


def _holiday_nodes(year: int, kinds):
    schedule = holiday_year(year)
    if HOLIDAY in kinds:
        for start, end, name in schedule.breaks():
            yield MarketingNode(start, name, HOLIDAY, end)
    if WORKDAY in kinds:
        for day, name in sorted(schedule.workdays.items()):
            yield MarketingNode(day, name, WORKDAY)


def seed_plan(node: MarketingNode) -> PlanSeed:
    """The plan a node suggests: for a make-up workday a reminder, for the rest a campaign
    named after the node that starts warming up its usual number of days ahead."""
    first_name = node.name.split("、")[0]
    lead = KIND_LEAD_DAYS[node.kind]
    if node.kind != WORKDAY:  # a make-up workday is named after its festival, not one
        lead = LEAD_DAYS.get(first_name, lead)
    if node.kind == WORKDAY:
        name = msg("{festival}调休上班提醒", festival=node.name)
    else:
        name = msg("{node}营销", node=node.name)
    return PlanSeed(
        name=name,
        day=node.day,
        start=node.day - timedelta(days=lead),
        lead_days=lead,
        kind=node.kind,
        node_key=node.key,
    )
