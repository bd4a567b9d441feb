"""`main.py report --from DATE --to DATE [--community NAME] [--preset weekly|monthly]
[--out FILE.xlsx] [--image FILE.png|FILE.pdf …] [--no-mask] [--json]`: the boss workbook and the
phone picture (长图), from the same figures.

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
    report.add_argument("--out", help="导出的 .xlsx 工作簿")
    report.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="FILE.png|FILE.pdf",
        help="同时生成给手机看的长图（.png 或 .pdf，可给多次）",
    )
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
    from core.common.errors import UserError
    from core.common.xlsx import check_xlsx_path
    from core.communities.registry import community_id_by_name
    from core.reports.build import build_report
    from core.reports.period import ALL_SHEETS, PRESETS, Period
    from core.reports.phone import check_picture_path, write_picture
    from core.reports.workbook import write_workbook

    if not args.out and not args.image:
        raise UserError("请给出 --out 工作簿（.xlsx）或 --image 长图（.png/.pdf）")
    start, end = _period_dates(args)
    path = check_xlsx_path(Path(args.out)) if args.out else None
    pictures = [check_picture_path(Path(image)) for image in args.image]
    Period(start, end)  # a bad period fails before the database is opened
    sheets = PRESETS[args.preset] if args.preset else ALL_SHEETS

    def work(session):
        community_id = community_id_by_name(session, args.community)
        period = Period(start, end, community_id, args.community or "")
        report = build_report(session, period, sheets=sheets, progress=TerminalProgress("统计"))
        book = write_workbook(session, report, path, mask=not args.no_mask) if path else None
        return report, book, [write_picture(session, report, image) for image in pictures]

    report, result, images = run_work(args, work, write=True)  # write: the export log
    kpis = {
        kpi.key: {"label": kpi.label, "value": kpi.value, "previous": kpi.previous,
                  "change": kpi.change}
        for kpi in report.kpis
    }  # fmt: skip
    data = {
        "path": result.path if result else None,
        "images": [image.path for image in images],
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "community": report.period.community,
        "sheets": result.sheets if result else [],
        "kpis": kpis,
        "findings": list(report.findings),
        "warnings": {c.name: list(c.warnings) for c in report.communities if c.warnings},
        "follow_up_rows": result.follow_up_rows if result else 0,
        "masked": result.masked if result else True,
    }
    period = f"{report.period.start} 至 {report.period.end}"
    lines = []
    if result:
        masked = "，手机号和微信号已打码" if result.masked else "，未打码（已记入导出日志）"
        lines.append(f"已生成报表 {period} 到 {result.path}{masked}")
    lines += [f"已生成长图 {period} 到 {image.path}" for image in images]
    lines += report.findings
    emit(data, as_json=args.json, human="\n".join(lines))
    return 0
