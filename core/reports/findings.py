"""The report's one-line findings, in Chinese through msg() (the window shows them in English)."""

from __future__ import annotations

from core.common.joins import joined_some
from core.common.text import msg
from core.ledger.liability import fen_text
from core.reports.figures import Kpi, percent, signed_percent


def change_text(kpi: Kpi) -> str:
    change = kpi.change
    if change is None:
        return msg("无可比数据")
    if kpi.unit == "share":
        return msg("{points:+.1f} 个百分点", points=change * 100)
    return signed_percent(change)


def net_growth_line(kind: str, kpi: Kpi) -> str:
    n, change = int(kpi.value or 0), change_text(kpi)
    if kind == "week":
        return msg("本周净增 {n} 人，环比 {change}", n=n, change=change)
    if kind == "month":
        return msg("本月净增 {n} 人，环比 {change}", n=n, change=change)
    return msg("本期净增 {n} 人，环比 {change}", n=n, change=change)


def findings(report) -> list[str]:
    kpis = {kpi.key: kpi for kpi in report.kpis}
    lines = [net_growth_line(report.period.kind, kpis["net_growth"])]
    lines.append(
        msg(
            "成员 {members:,} 人，活跃率 {share}（{change}）",
            members=int(kpis["members"].value or 0),
            share=percent(kpis["active_share"].value),
            change=change_text(kpis["active_share"]),
        )
    )
    retention = kpis["retention"]
    if retention.value is not None:
        lines.append(
            msg(
                "新人 4 周留存 {share}（{change}）",
                share=percent(retention.value),
                change=change_text(retention),
            )
        )
    warned = [health for health in report.communities if health.warnings]
    if warned:
        lines.append(
            msg(
                "{count} 个社群需要关注：{names}",
                count=len(warned),
                names=joined_some([health.name for health in warned]),
            )
        )
    if report.follow_up:
        lines.append(msg("{count} 人待跟进，详见「待跟进」", count=len(report.follow_up)))
    points = report.points
    lines.append(
        msg(
            "积分负债 {value}，本期兑换 {count} 次、成本 {cost}",
            value=fen_text(points.outstanding.value_fen),
            count=points.redemptions.count,
            cost=fen_text(points.redemptions.cost_cents),
        )
    )
    lines.append(
        msg(
            "内容计划 {planned} 条，已发送 {sent} 条",
            planned=report.content.planned,
            sent=report.content.sent,
        )
    )
    return lines
