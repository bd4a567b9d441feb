"""`main.py report --from DATE --to DATE [--community NAME] [--preset weekly|monthly]
--out FILE.xlsx [--no-mask] [--json]`: the boss workbook.

A preset chooses the sheets and, when --from/--to are not given, the period (weekly: the last
Monday–Sunday; monthly: the last whole month). Imports beyond argparse happen in the handler.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.common.cli import TerminalProgress, add_common_options, date_option, emit, run_work


def register(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser("report", help="数据报表：生成给老板的周报/月报工作簿（.xlsx）")
    report.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="开始日期")
    report.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="结束日期（含）")
    report.add_argument("--community", metavar="社群名", help="只看一个社群")
    report.add_argument(
        "--preset",
        choices=("weekly", "monthly"),
        help="周报或月报：选定工作表；未给日期时用上周/上月",
    )
    report.add_argument("--out", required=True, help="导出的 .xlsx 文件")
    report.add_argument("--no-mask", action="store_true", help="不打码（会记入导出日志）")
    add_common_options(report)
    report.set_defaults(handler=run_report)


def _period_dates(args: argparse.Namespace):
    from datetime import date

    from core.common.errors import UserError
    from core.reports.period import preset_period

    start, end = date_option(args.start, "--from"), date_option(args.end, "--to")
    if start is None and end is None and args.preset:
        return preset_period(args.preset, date.today())
    if start is None or end is None:
        raise UserError("请同时给出 --from 和 --to（或用 --preset weekly/monthly 取上周/上月）")
    return start, end


def run_report(args: argparse.Namespace) -> int:
    from core.common.xlsx import check_xlsx_path
    from core.communities.registry import community_id_by_name
    from core.reports.build import build_report
    from core.reports.period import ALL_SHEETS, PRESETS, Period
    from core.reports.workbook import write_workbook

    start, end = _period_dates(args)
    path = check_xlsx_path(Path(args.out))
    Period(start, end)  # a bad period fails before the database is opened
    sheets = PRESETS[args.preset] if args.preset else ALL_SHEETS

    def work(session):
        community_id = community_id_by_name(session, args.community)
        period = Period(start, end, community_id, args.community or "")
        report = build_report(session, period, sheets=sheets, progress=TerminalProgress("统计"))
        return report, write_workbook(session, report, path, mask=not args.no_mask)

    report, result = run_work(args, work, write=True)  # write: the export log
    kpis = {
        kpi.key: {"label": kpi.label, "value": kpi.value, "previous": kpi.previous,
                  "change": kpi.change}
        for kpi in report.kpis
    }  # fmt: skip
    data = {
        "path": result.path,
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "community": report.period.community,
        "sheets": result.sheets,
        "kpis": kpis,
        "findings": list(report.findings),
        "warnings": {c.name: list(c.warnings) for c in report.communities if c.warnings},
        "follow_up_rows": result.follow_up_rows,
        "masked": result.masked,
    }
    masked = "，手机号和微信号已打码" if result.masked else "，未打码（已记入导出日志）"
    lines = [
        f"已生成报表 {report.period.start} 至 {report.period.end} 到 {result.path}{masked}",
        *report.findings,
    ]
    emit(data, as_json=args.json, human="\n".join(lines))
    return 0
