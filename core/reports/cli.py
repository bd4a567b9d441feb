"""`main.py report --from DATE --to DATE [--community NAME] [--preset NAME]
[--out FILE.xlsx] [--image FILE.png|FILE.pdf …] [--no-mask] [--json]`: the boss workbook and the
phone picture (长图), from the same figures; `main.py report presets …` manages the presets.

A preset (周报/weekly, 月报/monthly, or one the user saved) chooses the sheets and, when
--from/--to are not given, the period (周报: the last Monday–Sunday; 月报: the last whole month),
and may name a community, ask for the picture, or leave phones unmasked; the options given on the
command line win. Imports beyond argparse happen in the handler.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.common.cli import (
    TerminalProgress,
    add_no_mask,
    date_option,
    emit,
    finish_command,
    masked_note,
    run_work,
)
from core.reports.presets_cli import add_presets_parser


def register(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser("report", help="数据报表：生成给老板的周报/月报工作簿（.xlsx）")
    report.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="开始日期")
    report.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="结束日期（含）")
    report.add_argument("--community", metavar="社群名", help="只看一个社群")
    report.add_argument(
        "--preset",
        metavar="预设名",
        help="周报（weekly）、月报（monthly）或保存的预设：选定工作表；未给日期时用预设的期间",
    )
    report.add_argument("--out", help="导出的 .xlsx 工作簿")
    report.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="FILE.png|FILE.pdf",
        help="同时生成给手机看的长图（.png 或 .pdf，可给多次）",
    )
    add_no_mask(report)
    finish_command(report, run_report)
    add_presets_parser(report.add_subparsers(dest="report_command", metavar="操作"))


def _period_dates(start, end, preset):
    from datetime import date

    from core.common.errors import UserError
    from core.reports.presets import preset_dates

    if start is None and end is None and preset is not None:
        dates = preset_dates(preset, date.today())
        if dates is None:
            raise UserError(f"预设「{preset.name}」的期间是自定义，请给出 --from 和 --to")
        return dates
    if start is None or end is None:
        raise UserError("请同时给出 --from 和 --to（或用 --preset weekly/monthly 取上周/上月）")
    return start, end


def run_report(args: argparse.Namespace) -> int:
    from core.common.errors import UserError
    from core.common.xlsx import check_xlsx_path
    from core.communities.registry import community_id_by_name
    from core.reports.build import build_report
    from core.reports.period import ALL_SHEETS, Period
    from core.reports.phone import check_picture_path, write_picture
    from core.reports.presets import find_preset
    from core.reports.workbook import write_workbook

    if not args.out and not args.image:
        raise UserError("请给出 --out 工作簿（.xlsx）或 --image 长图（.png/.pdf）")
    start, end = date_option(args.start, "--from"), date_option(args.end, "--to")
    path = check_xlsx_path(Path(args.out)) if args.out else None
    pictures = [check_picture_path(Path(image)) for image in args.image]
    if not args.preset:
        Period(*_period_dates(start, end, None))  # a bad period fails before the database opens

    def work(session):
        preset = find_preset(session, args.preset) if args.preset else None
        first, last = _period_dates(start, end, preset)
        community = args.community or (preset.community if preset else "")
        community_id = community_id_by_name(session, community)
        period = Period(first, last, community_id, community or "")
        sheets = preset.sheets if preset else ALL_SHEETS
        images = pictures
        if preset and preset.image and not images and path:
            images = [check_picture_path(path.with_suffix(".png"))]  # beside the workbook
        mask = not args.no_mask and (preset.mask if preset else True)
        report = build_report(session, period, sheets=sheets, progress=TerminalProgress("统计"))
        book = write_workbook(session, report, path, mask=mask) if path else None
        drawn = [write_picture(session, report, image) for image in images]
        return preset, report, book, drawn

    preset, report, result, images = run_work(args, work, write=True)  # write: the export log

    def labelled(kpi, value):  # money in the 元 its label names, as the workbook shows it
        return value / 100 if kpi.unit == "fen" and value is not None else value

    kpis = {
        kpi.key: {"label": kpi.label, "value": labelled(kpi, kpi.value),
                  "previous": labelled(kpi, kpi.previous), "change": kpi.change}
        for kpi in report.kpis
    }  # fmt: skip
    data = {
        "preset": str(preset.name) if preset else None,
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
        masked = masked_note(result.masked)
        lines.append(f"已生成报表 {period} 到 {result.path}{masked}")
    lines += [f"已生成长图 {period} 到 {image.path}" for image in images]
    lines += report.findings
    emit(data, as_json=args.json, human="\n".join(lines))
    return 0
