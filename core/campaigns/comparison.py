"""Campaigns side by side (2–4): the rows of the 对比 page, each figure as
core/campaigns/report.campaign_report gives it, so the comparison and the report never
disagree.

A campaign imported with totals only (no referral edges) has participants and new members
from its totals and nothing else (None: the page shows a dash).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from core.campaigns.records import find_campaign
from core.campaigns.report import Report, campaign_report
from core.common.errors import UserError
from core.common.text import Message, msg

MIN_CAMPAIGNS, MAX_CAMPAIGNS = 2, 4
# How a value reads: count 1,234 · number 0.86 · share 80.0% · hours 10.5 · money ¥12.50
KINDS = ("count", "number", "share", "hours", "money", "text")


@dataclass(frozen=True)
class Row:
    key: str
    label: Message
    kind: str
    values: list  # one per campaign; None: not available


@dataclass
class Comparison:
    campaigns: list[tuple[int, str]]
    rows: list[Row]

    def row(self, key: str) -> Row:
        return next(row for row in self.rows if row.key == key)


def compare_campaigns(
    session: Session, campaign_ids: list[int], as_of: datetime | None = None
) -> Comparison:
    """The comparison of 2–4 different campaigns, as of `as_of` (default: now)."""
    ids = list(dict.fromkeys(campaign_ids))
    if not MIN_CAMPAIGNS <= len(ids) <= MAX_CAMPAIGNS:
        raise UserError(
            msg(
                "请选择 {least} 到 {most} 个不同的活动对比", least=MIN_CAMPAIGNS, most=MAX_CAMPAIGNS
            )
        )
    as_of = as_of or datetime.now()
    reports = [campaign_report(session, str(cid), as_of) for cid in ids]
    campaigns = [find_campaign(session, str(cid)) for cid in ids]

    pairs = list(zip(campaigns, reports, strict=True))

    def each(get):
        return [None if r.figures is None else get(r.figures) for r in reports]

    rows = [
        Row("participants", msg("参与人数"), "count", [_participants(r) for r in reports]),
        Row("new_members", msg("新成员"), "count", [_new_members(r) for r in reports]),
        Row("k", msg("K 值"), "number", each(lambda f: f.k)),
        Row("fission_rate", msg("裂变率"), "share", each(lambda f: f.fission_rate)),
        Row("cycle_hours", msg("裂变周期（小时）"), "hours", each(lambda f: f.cycle_time_hours)),
        Row("retained", msg("留存（第 4 周）"), "share", each(lambda f: f.retained.share)),
        Row("cost", msg("奖励成本"), "money", each(lambda f: f.cost)),
        Row("cost_per_new", msg("每位新成员成本"), "money", each(lambda f: f.cost_per_new)),
        Row(
            "cost_per_retained",
            msg("每位留存成员成本"),
            "money",
            each(lambda f: f.cost_per_retained),
        ),
        Row("revenue", msg("新成员带来的收入"), "money", each(lambda f: f.revenue)),
        Row("roi", msg("ROI"), "share", each(lambda f: f.roi)),
        Row("goal", msg("设定目标"), "text", [_goal(c) for c in campaigns]),
        Row("goal_actual", msg("实际"), "text", [_actual(c, r) for c, r in pairs]),
        Row("goal_share", msg("目标完成"), "share", [_done(c, r) for c, r in pairs]),
    ]
    return Comparison([(r.campaign_id, r.name) for r in reports], rows)


def export_comparison(
    comparison: Comparison, path: Path, shown: Callable[[str], str] = str
) -> Path:
    """The comparison to .xlsx: a row per figure, a column per campaign, numbers as numbers
    (shares in %); `shown` puts the labels in the reader's language. Figures only, no
    personal data, so no export-log entry."""
    from openpyxl import Workbook

    from core.common.xlsx import Sheet, check_xlsx_path, save_workbook

    path = check_xlsx_path(path)
    workbook = Workbook(write_only=True)
    columns = [(shown(msg("指标")), 26)] + [(name, 18) for _cid, name in comparison.campaigns]
    sheet = Sheet(workbook, shown(msg("活动对比")), columns)
    for row in comparison.rows:
        label = shown(row.label)
        if row.kind == "share":
            label = f"{label} (%)"
        sheet.append([label, *(_cell(row.kind, value, shown) for value in row.values)])
    save_workbook(workbook, path)
    return path


def _cell(kind: str, value, shown: Callable[[str], str]):
    if value is None:
        return None
    if kind == "share":
        return round(float(value) * 100, 1)
    if kind == "text":
        return shown(value)
    if kind in ("number", "hours"):
        return round(float(value), 2)
    if kind == "money":
        return float(value)
    return value


def _participants(report: Report) -> int | None:
    if report.figures is not None:
        return report.figures.participants
    return report.imported.participants if report.imported is not None else 0


def _new_members(report: Report) -> int | None:
    if report.figures is not None:
        return report.figures.invitees
    return report.imported.new_customers if report.imported is not None else 0


def _goal_value(campaign, report: Report):
    """The figure the goal is measured by: new members, or revenue in yuan; None: not one
    the report gives (check-ins)."""
    if campaign.goal_kind == "new_members":
        return _new_members(report)
    if campaign.goal_kind == "sales" and report.figures is not None:
        return report.figures.revenue
    return None


def _goal(campaign) -> Message | None:
    if campaign.goal_target is None:
        return None
    if campaign.goal_kind == "sales":
        return msg("销售额 ¥{amount:,.2f}", amount=Decimal(campaign.goal_target) / 100)
    if campaign.goal_kind == "checkins":
        return msg("打卡 {count:,} 次", count=campaign.goal_target)
    return msg("新成员 {count:,} 人", count=campaign.goal_target)


def _actual(campaign, report: Report) -> Message | None:
    value = _goal_value(campaign, report)
    if value is None:
        return None
    if campaign.goal_kind == "sales":
        return msg("销售额 ¥{amount:,.2f}", amount=value)
    return msg("新成员 {count:,} 人", count=value)


def _done(campaign, report: Report) -> float | None:
    value = _goal_value(campaign, report)
    if value is None or not campaign.goal_target:
        return None
    if campaign.goal_kind == "sales":  # the target is in fen, the revenue in yuan
        return float(value / (Decimal(campaign.goal_target) / 100))
    return value / campaign.goal_target
