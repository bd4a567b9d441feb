"""The report as the boss's phone picture (长图): the same figures as the workbook, laid out by
core/reports/picture.py, written as PNG or PDF and logged like every export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from core.common.atomic import check_export_path, write_atomically
from core.common.operator import operator_name
from core.common.text import msg
from core.reports.build import CampaignFigures, Report
from core.reports.figures import Kpi, kpi_value_text, percent
from core.reports.findings import change_text
from core.reports.picture import BarChart, Card, LineChart, Picture, render_picture
from db.models import ExportLog

FORMATS = {".png": "PNG", ".pdf": "PDF"}
# Whether a rise is good news: more members is, more points owed is neither good nor bad.
RISE_IS_GOOD = {
    "members": True,
    "net_growth": True,
    "active_share": True,
    "retention": True,
    "campaigns_running": None,
    "points_liability": None,
    "content_sent": True,
}


@dataclass(frozen=True)
class PictureResult:
    path: str
    height: int


def _card(kpi: Kpi) -> Card:
    change = kpi.change
    good = None
    if change is not None and change != 0 and RISE_IS_GOOD.get(kpi.key) is not None:
        good = (change > 0) == RISE_IS_GOOD[kpi.key]
    line = msg("较上期 {change}", change=change_text(kpi))
    if kpi.detail and change is None:  # 已发送 12 / 计划 15 alone: there is nothing to compare
        line = ""
    return Card(kpi.label, kpi_value_text(kpi), line, good, detail=kpi.detail or "")


def _stage_note(stage) -> str:
    """The share of the stage before; a stage counted for only some people says of how many
    (the workbook's 说明 gives the whole reason)."""
    share = percent(stage.of_previous) if stage.of_previous else ""
    if not stage.reason:
        return share
    part = msg("可计 {count} 人", count=f"{stage.measurable:,}")
    return msg("{share}（{part}）", share=share, part=part) if share else part


def _funnel(campaign: CampaignFigures) -> BarChart:
    """A stage nobody can be counted in yet is no bar: "—" and the reason (as the workbook)."""
    bars = [
        (stage.label, float(stage.count), _stage_note(stage))
        if stage.known
        else (stage.label, None, stage.reason or "")
        for stage in campaign.stages
    ]
    return BarChart(msg("{name} · 漏斗", name=campaign.name), bars)


def report_picture(report: Report) -> Picture:
    """The picture of `report`: KPI cards, findings, warnings, growth and the latest funnel."""
    period = report.period
    kind_titles = {"week": msg("社群周报"), "month": msg("社群月报")}
    charts: list[LineChart | BarChart] = []
    if report.growth:
        labels = [f"{point.day:%m-%d}" for point in report.growth]
        members = [float(point.members) for point in report.growth]
        series = [(msg("成员数"), members)]
        charts.append(LineChart(msg("成员增长"), labels, series, from_zero=False))
    with_funnel = [campaign for campaign in report.campaigns if campaign.stages]
    if with_funnel:
        latest = max(with_funnel, key=lambda c: (c.starts_at is not None, c.starts_at, c.id))
        charts.append(_funnel(latest))
    # One line per community: a boss reads "which group", then "what is wrong with it".
    warnings = [
        msg("{community}：{warnings}", community=health.name, warnings="；".join(health.warnings))
        for health in report.communities
        if health.warnings
    ]
    return Picture(
        title=kind_titles.get(period.kind, msg("社群运营报表")),
        subtitle=msg(
            "{start} 至 {end} · {where}",
            start=f"{period.start:%Y-%m-%d}",
            end=f"{period.end:%Y-%m-%d}",
            where=period.community or msg("全部社群"),
        ),
        cards=[_card(kpi) for kpi in report.kpis],
        findings=list(report.findings),
        warnings=warnings,
        charts=charts,
        footer=msg(
            "由 社群运营工作台 生成于 {moment} · 数据只在本机",
            moment=f"{report.generated_at:%Y-%m-%d %H:%M}",
        ),
        findings_title=msg("本期要点"),
        warnings_title=msg("需要留意"),
    )


def check_picture_path(path: Path) -> Path:
    return check_export_path(path, FORMATS, msg("长图文件必须是 .png 或 .pdf"))


def write_picture(session: Session, report: Report, path: Path) -> PictureResult:
    """Draw the report's picture into `path` (.png or .pdf; whole or not at all) and log it."""
    path = check_picture_path(path)
    image = render_picture(report_picture(report))
    kind = FORMATS[path.suffix.lower()]
    options = {"optimize": True} if kind == "PNG" else {"resolution": 150.0}
    write_atomically(path, lambda partial: image.save(partial, format=kind, **options))
    period = report.period
    what = f"报表长图 {period.start:%Y-%m-%d}–{period.end:%Y-%m-%d}"
    if period.community:
        what += f"（{period.community}）"
    # Masked: the picture holds figures and community names, no member's phone or 微信号.
    log = ExportLog(operator=operator_name(), what=what[:200], path=str(path), row_count=0)
    log.masked = True
    session.add(log)
    return PictureResult(str(path), image.height)
