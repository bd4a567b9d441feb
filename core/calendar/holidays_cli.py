"""`main.py calendar holidays import-notice FILE` and `calendar holidays list --year Y`:
the `holidays` subcommand the calendar's CLI (core/calendar/cli.py) takes in."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from core.common.cli import add_command_group, emit, finish_command


def add_holidays_parser(actions: argparse._SubParsersAction) -> None:
    steps = add_command_group(
        actions, "holidays", "法定节假日与调休：查看、导入国务院放假通知", dest="step"
    )

    listing = steps.add_parser("list", help="列出一年的放假安排与调休上班日")
    listing.add_argument("--year", type=int, default=date.today().year, help="年份（默认今年）")
    finish_command(listing, run_list)

    notice = steps.add_parser(
        "import-notice",
        help="导入国务院办公厅的放假通知（内置数据没有的年份）",
    )
    notice.add_argument("file", metavar="FILE", help="保存了通知全文的文本文件")
    notice.add_argument("--year", type=int, help="只接受这一年的通知")
    finish_command(notice, run_import_notice, dry_run="只读取并显示，不保存")


def run_list(args: argparse.Namespace) -> int:
    from core.calendar.holidays import holiday_year
    from core.common.errors import UserError
    from core.common.text import msg

    if not 1900 <= args.year <= 2999:
        raise UserError(msg("年份 {year} 不对", year=args.year))
    schedule = holiday_year(args.year)
    breaks = schedule.breaks()
    data = {
        "year": schedule.year,
        "status": schedule.status,
        "message": schedule.message,
        "imported_at": schedule.imported_at or None,
        "breaks": [
            {
                "name": name,
                "first": first.isoformat(),
                "last": last.isoformat(),
                "days": (last - first).days + 1,
            }
            for first, last, name in breaks
        ],
        "holidays": {day.isoformat(): name for day, name in schedule.holidays.items()},
        "workdays": {day.isoformat(): name for day, name in schedule.workdays.items()},
    }
    if not schedule.known:
        human = str(schedule.message)
    else:
        source = "内置数据" if schedule.status == "library" else "导入的放假通知"
        lines = [f"{schedule.year} 年放假安排（{source}）"]
        for first, last, name in breaks:
            lines.append(f"{name}\t{_day(first)} 至 {_day(last)}\t共 {(last - first).days + 1} 天")
        if schedule.workdays:
            lines.append(
                "调休上班："
                + "、".join(f"{_day(day)}（{name}）" for day, name in schedule.workdays.items())
            )
        human = "\n".join(lines)
    emit(data, as_json=args.json, human=human)
    return 0


def run_import_notice(args: argparse.Namespace) -> int:
    from core.calendar.holidays import import_notice
    from core.calendar.notice import parse_notice, read_notice_file

    text = read_notice_file(Path(args.file))
    parsed = parse_notice(text, expected_year=args.year)
    result = import_notice(parsed, dry_run=args.dry_run)
    verb = "已读取（试运行，未保存）" if args.dry_run else "已导入"
    lines = [
        f"{verb} {result.year} 年放假通知：放假 {len(result.holidays)} 天，"
        f"调休上班 {len(result.workdays)} 天"
    ]
    if result.replaced and not args.dry_run:
        lines.append(f"替换了之前导入的 {result.year} 年通知")
    if result.library_differences is not None:
        if result.library_differences:
            lines.append(
                f"与内置数据不同的日子（{len(result.library_differences)} 天）："
                + "、".join(result.library_differences)
            )
        else:
            lines.append("与内置数据逐日一致（这一年已内置，不需要导入）")
    for day, name in result.holidays.items():
        lines.append(f"休\t{day}\t{name}")
    for day, name in result.workdays.items():
        lines.append(f"班\t{day}\t{name}")
    emit(result, as_json=args.json, human="\n".join(lines))
    return 0


def _day(day: date) -> str:
    return f"{day.month}月{day.day}日"
