"""`main.py campaigns report | forecast | codes`: a campaign's figures, its forecast, and the
export of its participants' codes.

Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick.
"""

from __future__ import annotations

import argparse

from core.campaigns.cli_support import add_campaign_command, parse_time, run_work
from core.common.cli import add_no_mask, emit, finish_command, masked_note

RETAINED_FROM_DAY = 21  # week 4 (core/campaigns/retention; not imported: --help stays quick)


def register(actions: argparse._SubParsersAction) -> None:
    """Add the subcommands to `campaigns`' own subparsers."""
    report = add_campaign_command(
        actions, "report", "活动数据：漏斗、每波 K、裂变率、裂变周期、成本、ROI、关键传播者"
    )
    report.add_argument("--as-of", help="统计截至 YYYY-MM-DD[ HH:MM]（默认：现在）")
    report.add_argument("--top", type=int, default=10, help="列出前几位传播者（默认 10）")
    finish_command(report, run_report)

    ahead = add_campaign_command(
        actions, "forecast", "预测：每天入群人数、各群何时满、需新开几个群、预算消耗"
    )
    ahead.add_argument("--days", type=int, default=14, help="预测天数（默认 14）")
    ahead.add_argument("--as-of", help="从何时起预测 YYYY-MM-DD[ HH:MM]（默认：现在）")
    ahead.add_argument("--k", type=float, help="计划 K 值（数据不足时使用）")
    ahead.add_argument("--cycle-hours", type=float, help="计划裂变周期（小时，数据不足时使用）")
    ahead.add_argument("--via-qr", type=float, default=1.0, help="扫群二维码入群的比例（默认 1）")
    finish_command(ahead, run_forecast)

    codes = add_campaign_command(actions, "codes", "导出活动的邀请码（每位参与者的码，默认打码）")
    codes.add_argument("--out", required=True, help="导出到 .xlsx 文件")
    add_no_mask(codes)
    finish_command(codes, run_codes)


def _time(text):
    return parse_time(text, "时间")


def _share(rate) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def _rate(rate) -> dict:
    return {"count": rate.count, "of": rate.of, "share": rate.share}


def _money(value) -> str | None:
    return None if value is None else str(value)


def report_data(report) -> dict:
    """The report as plain JSON data."""
    connectors = [
        {
            "member_id": c.member_id,
            "name": report.names.get(c.member_id, ""),
            "wave": c.wave,
            "converted": c.converted,
            "descendants": c.descendants,
            "reached_at": c.reached_at.isoformat(sep=" ") if c.reached_at else None,
        }
        for c in report.connectors
    ]
    data = {
        "id": report.campaign_id,
        "name": report.name,
        "as_of": report.as_of.isoformat(sep=" "),
        "connectors": connectors,
        "unavailable": [str(text) for text in report.unavailable],
    }
    if report.imported is not None:
        imported = report.imported
        data["totals"] = {
            "participants": imported.participants,
            "new_customers": imported.new_customers,
            "matched": imported.matched,
            "done": imported.done,
            "sources": imported.sources,
        }
        return data
    f = report.figures
    data |= {
        "participants": f.participants,
        "seeds": f.seeds,
        "invitees": f.invitees,
        "waves": [
            {
                "wave": w.wave,
                "participants": w.participants,
                "brought": w.brought,
                "k": w.k,
                "measured": w.measured,
                "deepest": w.deepest,
            }
            for w in f.waves
        ],
        "k": f.k,
        "invite_window_hours": f.invite_window_hours,
        "inviting": f.inviting,
        "fission_rate": f.fission_rate,
        "share_rate": _rate(f.share_rate),
        "amplification": f.amplification,
        "self_sustaining": f.self_sustaining,
        "cycle_time_hours": f.cycle_time_hours,
        "cycle_time_of": f.cycle_time_of,
        "active_after_7": _rate(f.active_after_7),
        "retained": _rate(f.retained),
        "active_after_30": _rate(f.active_after_30),
        "cost": _money(f.cost),
        "revenue": _money(f.revenue),
        "cost_per_new": _money(f.cost_per_new),
        "cost_per_retained": _money(f.cost_per_retained),
        "roi": f.roi,
        "cycles": [list(cycle) for cycle in f.cycles],
        "unreached": f.unreached,
        "notes": [str(note) for note in f.notes],
        "funnel": [
            {
                "stage": s.key,
                "label": str(s.label),
                "count": s.count,
                "measurable": s.measurable,
                "of_previous": s.of_previous,
                "amount": _money(s.amount),
                "reason": None if s.reason is None else str(s.reason),
            }
            for s in report.stages
        ],
    }
    return data


def _num(value, pattern="{:.2f}") -> str:
    return "—" if value is None else pattern.format(value)


def _wave_k(wave) -> str:
    """A wave's K, or why it has none yet; partly measured: over how many."""
    if wave.deepest:
        return "—，最新一波，还没有下一波"
    if wave.k is None:
        return "进行中，邀请期未满"
    if wave.measured < wave.participants:
        return f"{wave.k:.2f}，按 {wave.measured}/{wave.participants} 位已满邀请期的参与者"
    return f"{wave.k:.2f}"


def _of(rate, from_day: int) -> str:
    """count/of, or — and why when there is nothing to count yet (never 0/0)."""
    from core.campaigns.retention import not_measurable_yet

    if not rate.of:
        return f"—（{not_measurable_yet(from_day)}）"
    return f"{rate.count}/{rate.of}"


def _yuan(text: str | None) -> str:
    return "—" if text is None else f"¥{text}"


def _stage(stage) -> str:
    if not stage.known:
        return f"{stage.label} —（{stage.reason}）" if stage.reason else f"{stage.label} —"
    if stage.reason:  # partly counted: of how many, and why not all
        return f"{stage.label} {stage.count}/{stage.measurable}（{stage.reason}）"
    return f"{stage.label} {stage.count}"


def report_text(report) -> str:
    lines = [f"活动 #{report.campaign_id} {report.name}（截至 {report.as_of:%Y-%m-%d %H:%M}）"]
    lines += [f"注意：{text}" for text in report.unavailable]
    if report.imported is not None:
        imported = report.imported
        lines.append(
            f"参与者 {imported.participants}（认出成员 {imported.matched}）\t"
            f"裂变新客 {imported.new_customers}\t已完成 {imported.done}（导入的每人合计）"
        )
    else:
        f = report.figures
        lines.append(f"参与 {f.participants}\t种子 {f.seeds}\t新成员 {f.invitees}")
        lines.append(
            f"K {_num(f.k)}\t裂变率 {_share(f.fission_rate)}\t分享率 "
            f"{f.share_rate.count}/{f.share_rate.of}\t放大倍数 {_num(f.amplification)}"
        )
        waves = "  ".join(
            f"第{w.wave}波 {w.participants}人→{w.brought}（K {_wave_k(w)}）" for w in f.waves
        )
        lines.append(f"每波：{waves or '—'}")
        cycle = "—" if f.cycle_time_hours is None else f"{f.cycle_time_hours:.1f} 小时"
        lines.append(f"裂变周期（中位数）{cycle}（{f.cycle_time_of} 位邀请人）")
        lines.append(
            f"第 7 天后活跃 {_of(f.active_after_7, 7)}\t第 4 周留存 "
            f"{_of(f.retained, RETAINED_FROM_DAY)}\t第 30 天后活跃 {_of(f.active_after_30, 30)}"
        )
        roi = "—" if f.roi is None else f"{f.roi:.1%}"
        per_retained = _money(f.cost_per_retained)
        lines.append(
            f"成本 ¥{f.cost}\t收入 ¥{f.revenue}\t每新成员 {_yuan(_money(f.cost_per_new))}"
            f"\t每留存成员 {_yuan(per_retained)}\tROI {roi}"
        )
        lines.append("漏斗：" + " → ".join(_stage(s) for s in report.stages))
        lines += [f"注意：{note}" for note in f.notes]
    if report.connectors:
        lines.append("关键传播者：")
        for rank, c in enumerate(report.connectors, start=1):
            name = report.names.get(c.member_id, "")
            lines.append(
                f"  {rank}. #{c.member_id} {name}\t直接邀请 {c.converted}\t间接 {c.descendants}"
            )
    return "\n".join(lines)


def run_report(args: argparse.Namespace) -> int:
    from core.campaigns.report import campaign_report
    from core.common.errors import UserError
    from core.common.text import msg

    if args.top < 1:
        raise UserError(msg("--top 应是正整数"))
    as_of = _time(args.as_of)
    report = run_work(
        args, lambda session: campaign_report(session, args.campaign, as_of, args.top)
    )
    emit(report_data(report), as_json=args.json, human=report_text(report))
    return 0


def forecast_data(campaign, result) -> dict:
    def day(value):
        return value.isoformat() if value else None

    return {
        "id": campaign[0],
        "name": campaign[1],
        "k": result.k,
        "k_source": result.k_source,
        "cycle_hours": result.cycle_hours,
        "cycle_source": result.cycle_source,
        "days": [
            {
                "day": d.day,
                "date": d.date.isoformat(),
                "joins": d.joins,
                "total_joins": d.total_joins,
                "cost": d.cost,
                "total_cost": d.total_cost,
                "prizes": d.prizes,
            }
            for d in result.days
        ],
        "groups": [
            {
                "key": g.key,
                "name": g.name,
                "new": g.new,
                "open_by": day(g.open_by),
                "scan_cap_on": day(g.scan_cap_on),
                "member_cap_on": day(g.member_cap_on),
                "joins": g.joins,
            }
            for g in result.groups
        ],
        "budget_runs_out_on": day(result.budget_runs_out_on),
        "over_daily_budget": [day(d) for d in result.over_daily_budget],
        "stock_runs_out_on": day(result.stock_runs_out_on),
        "assumptions": [str(text) for text in result.assumptions],
    }


def forecast_text(campaign, result) -> str:
    lines = [f"活动 #{campaign[0]} {campaign[1]} 预测"]
    lines.append(f"K {_num(result.k)}\t裂变周期 {_num(result.cycle_hours, '{:.1f}')} 小时")
    for d in result.days:
        lines.append(f"  {d.date:%m-%d}\t入群 {d.joins:.0f}\t累计 {d.total_joins:.0f}")
    for g in result.groups:
        full = g.member_cap_on or g.scan_cap_on
        when = f"{full:%m-%d} 满" if full else "预测期内不满"
        lines.append(f"  {'新开 ' if g.new else ''}{g.name}\t入群 {g.joins:.0f}\t{when}")
    if result.budget_runs_out_on:
        lines.append(f"预算将在 {result.budget_runs_out_on:%Y-%m-%d} 用完")
    lines += [f"假设：{text}" for text in result.assumptions]
    return "\n".join(lines)


def run_forecast(args: argparse.Namespace) -> int:
    from core.campaigns.forecast import Plan
    from core.campaigns.report import campaign_forecast
    from core.common.errors import UserError
    from core.common.text import msg

    plan = None
    if args.k is not None or args.cycle_hours is not None:
        if args.k is None or args.cycle_hours is None:
            raise UserError(msg("计划 K 值和裂变周期要一起给出"))
        plan = Plan(args.k, args.cycle_hours)
    as_of = _time(args.as_of)

    def work(session):
        campaign, result = campaign_forecast(
            session, args.campaign, args.days, as_of, plan=plan, via_qr=args.via_qr
        )
        return (campaign.id, campaign.name), result

    campaign, result = run_work(args, work)
    emit(forecast_data(campaign, result), as_json=args.json, human=forecast_text(campaign, result))
    return 0


def run_codes(args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.campaigns.codes_export import export_codes

    result = run_work(
        args,
        lambda session: export_codes(session, args.campaign, Path(args.out), mask=not args.no_mask),
        write=True,
    )
    masked = masked_note(result.masked)
    emit(result, as_json=args.json, human=f"已导出 {result.rows} 个邀请码到 {result.path}{masked}")
    return 0
