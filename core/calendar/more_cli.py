"""`main.py calendar export | import | approve | reject | recycle`: the subcommands the calendar's
CLI (core/calendar/cli.py) takes in beside its own.

Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick.
"""

from __future__ import annotations

import argparse

from core.calendar.cli_values import add_span_options, span_days
from core.common.cli import emit, emit_change, finish_command, run_work


def add_more_parsers(actions: argparse._SubParsersAction) -> None:
    export = actions.add_parser(
        "export", help="导出内容日历：.ics（手机日历可订阅导入）或 .csv（表格）"
    )
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--ics", metavar="FILE", help="写成 .ics 日历文件")
    target.add_argument("--csv", metavar="FILE", help="写成 .csv 表格")
    add_span_options(export, "全部", "只导出这个社群的内容")
    finish_command(export, run_export)

    imports = actions.add_parser(
        "import", help="从 .csv 导入内容计划（有一行不对就全部不导入；重复导入不会重复添加）"
    )
    imports.add_argument("file", metavar="FILE", help="CSV 文件（列同导出的文件）")
    finish_command(imports, run_import, dry_run=True)

    approve = actions.add_parser("approve", help="审核通过一条待审核的内容（→ 已排期）")
    approve.add_argument("item", help="内容编号")
    approve.add_argument("--note", default="", help="审核备注（只给团队看，不会发出去）")
    finish_command(approve, run_approve, dry_run=True)

    reject = actions.add_parser("reject", help="驳回一条待审核的内容（→ 草稿，须写原因）")
    reject.add_argument("item", help="内容编号")
    reject.add_argument("--reason", required=True, help="驳回原因（必填，不会发出去）")
    finish_command(reject, run_reject, dry_run=True)

    evergreen = actions.add_parser(
        "evergreen", help="标记为常青内容（发送后可再利用）；--off 取消标记"
    )
    evergreen.add_argument("item", help="内容编号")
    evergreen.add_argument("--off", action="store_true", help="取消常青标记")
    finish_command(evergreen, run_evergreen, dry_run=True)

    recycle = actions.add_parser(
        "recycle", help="再利用一条已发送的常青内容：N 天后再发，或放进 SOP 的下一个空位"
    )
    recycle.add_argument("item", help="内容编号（已发送、标记为常青）")
    when = recycle.add_mutually_exclusive_group()
    when.add_argument(
        "--after-days", type=int, help="发送后第几天再发（默认 30；已过去则排到明天同一时间）"
    )
    when.add_argument("--sop", help="放进这个 SOP 模板的下一个空位（编号或名称）")
    finish_command(recycle, run_recycle, dry_run="只计算，不写入")


def _span(args: argparse.Namespace):
    from core.calendar.ics import day_bounds

    return day_bounds(*span_days(args))


def run_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.calendar.csvfile import export_csv
    from core.calendar.ics import export_ics
    from core.communities.registry import community_id_by_name

    start, end = _span(args)

    def work(session):
        community = community_id_by_name(session, args.community)
        if args.ics:
            done = export_ics(session, Path(args.ics), start, end, community_id=community)
            return {
                "format": "ics",
                "file": done.file,
                "events": done.events,
                "items": done.items,
                "series": done.series,
                "overrides": done.overrides,
            }
        done = export_csv(session, Path(args.csv), start, end, community_id=community)
        return {"format": "csv", "file": done.file, "items": done.rows}

    data = run_work(args, work)
    if data["format"] == "ics":
        human = (
            f"已导出 {data['items']} 条内容到 {data['file']}（{data['events']} 个日历事件，"
            f"其中 SOP 重复系列 {data['series']} 个）"
        )
    else:
        human = f"已导出 {data['items']} 条内容到 {data['file']}"
    emit(data, as_json=args.json, human=human)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.calendar.csvfile import import_csv

    def work(session):
        done = import_csv(session, Path(args.file))
        return {
            "file": done.file,
            "rows": done.rows,
            "added": done.added,
            "existing": done.existing,
            "sent_skipped": done.sent_skipped,
            "item_ids": done.item_ids,
        }

    data = run_work(args, work, write=True)
    human = (
        f"{data['file']}：读取 {data['rows']} 行，新增 {data['added']} 条，"
        f"已有 {data['existing']} 条"
    )
    if data["sent_skipped"]:
        human += f"，已发送的 {data['sent_skipped']} 条未导入"
    emit_change(args, data, human)
    return 0


def _reviewed(args: argparse.Namespace, decide, done: str) -> int:
    """Approve or reject (`decide(session)` gives the item) and print `done` with the item."""
    from datetime import datetime

    from core.calendar.labels import STATUS_LABELS
    from core.calendar.status import return_unreviewed

    def work(session):
        # An item still 待审核 at its time has gone back to 草稿 (the rule `today` applies):
        # it is no longer there to approve or reject.
        return_unreviewed(session, datetime.now())
        item = decide(session)
        return {
            "id": item.id,
            "title": item.title,
            "status": item.status,
        }

    data = run_work(args, work, write=True)
    status = STATUS_LABELS[data["status"]]
    emit_change(args, data, f"{done}：#{data['id']} {data['title']}（{status}）")
    return 0


def run_approve(args: argparse.Namespace) -> int:
    from core.calendar.status import approve

    return _reviewed(args, lambda session: approve(session, args.item, args.note), "已审核通过")


def run_reject(args: argparse.Namespace) -> int:
    from core.calendar.status import reject

    return _reviewed(args, lambda session: reject(session, args.item, args.reason), "已驳回")


def run_evergreen(args: argparse.Namespace) -> int:
    from core.calendar.evergreen import set_evergreen

    def work(session):
        item = set_evergreen(session, args.item, not args.off)
        return {"id": item.id, "title": item.title, "evergreen": item.evergreen}

    data = run_work(args, work, write=True)
    what = "已标记为常青内容" if data["evergreen"] else "已取消常青标记"
    emit_change(args, data, f"{what}：#{data['id']} {data['title']}")
    return 0


def run_recycle(args: argparse.Namespace) -> int:
    from core.calendar.cli_values import minutes_text
    from core.calendar.evergreen import recycle
    from core.calendar.labels import STATUS_LABELS

    def work(session):
        done = recycle(session, args.item, after_days=args.after_days, sop=args.sop)
        return {
            "id": done.item_id,
            "from_id": done.from_id,
            "title": done.title,
            "planned_at": minutes_text(done.planned_at),
            "status": done.status,
            "sop": done.template,
            "communities": len(done.communities),
        }

    data = run_work(args, work, write=True)
    where = f"（SOP「{data['sop']}」的空位）" if data["sop"] else ""
    emit_change(
        args,
        data,
        f"常青内容 #{data['from_id']} 再利用为 #{data['id']} {data['title']}："
        f"{data['planned_at']}{where}，{STATUS_LABELS[data['status']]}",
    )
    return 0
