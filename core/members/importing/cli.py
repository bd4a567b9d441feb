"""`main.py import FILE [--community NAME] [--doubtful same|new|skip] [--dry-run] [--json]
[--report FILE.xlsx]`.

Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from core.common.cli import (
    TerminalProgress,
    emit,
    finish_command,
    import_heading,
    listed,
    open_for,
)
from core.common.errors import UserError
from core.common.text import msg


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "import",
        help="导入成员名单（xlsx/xls/ods/csv/企业微信接口 JSON）",
        description="导入成员名单：先预览再写入，整个导入是一个事务，要么全部成功要么不改动",
    )
    parser.add_argument("file", metavar="FILE", help="要导入的文件")
    parser.add_argument(
        "--community",
        metavar="NAME",
        help="把所有成员导入这个社群（不存在则新建）；同名社群有多个时用 #编号",
    )
    parser.add_argument(
        "--doubtful",
        choices=("skip", "same", "new"),
        default="skip",
        help="手机号对上了某位成员、昵称却不同的行：skip 跳过不导入（默认），"
        "same 视为同一人并更新该成员，new 视为另一个人（新建成员，手机号仍归原成员）",
    )
    parser.add_argument("--dry-run", action="store_true", help="只预览，不写入数据库")
    parser.add_argument(
        "--report",
        metavar="FILE.xlsx",
        help="把被拒绝的行和问题保存为 Excel（手机号和微信号打码，记入导出日志）",
    )
    finish_command(parser, run)


def run(args: argparse.Namespace) -> int:
    from core.members.importing.report import check_report_path, write_error_report
    from core.workflows.member_import import import_members, plan_member_import

    source = Path(args.file)
    if source.is_dir():  # a folder exists: "not found" would send the user looking elsewhere
        raise UserError(msg("{name} 是文件夹，不是表格文件", name=source.name))
    if not source.is_file():
        raise UserError(f"找不到文件：{source}")
    # A report that cannot be saved must fail the command before anything is imported.
    report_path = check_report_path(args.report) if args.report else None
    community_name, community_id = _community_option(args.community)
    database = open_for(args)
    result = report = None
    try:
        with database.session(write=not args.dry_run) as session:
            plan = plan_member_import(
                session,
                source,
                community_name=community_name,
                community_id=community_id,
                doubtful=args.doubtful,
                progress=TerminalProgress("读取文件"),
            )
            if not args.dry_run:
                result = import_members(
                    session, plan, progress=TerminalProgress("写入数据库")
                ).imported
            if report_path and (plan.issues or plan.rejected_rows):
                # Inside the transaction: if the report fails, the import is rolled back.
                report = write_error_report(session, plan, report_path)
    finally:
        database.close()
    summary = _summary(plan, result, report, doubtful=args.doubtful)
    emit(summary, as_json=args.json, human=_human(summary))
    return 0


_DOUBTFUL_HEADS = {
    "skip": "待确认 {count} 行：手机号属于一位现有成员，昵称却不同；按 --doubtful skip（默认）"
    "跳过，没有导入：",
    "same": "{count} 行手机号属于一位现有成员、昵称不同；按 --doubtful same 视为同一人，"
    "更新该成员：",
    "new": "{count} 行手机号属于一位现有成员、昵称不同；按 --doubtful new 视为另一个人，"
    "新建成员，手机号仍归原成员：",
}


def _doubtful_lines(summary: dict) -> list[str]:
    from core.members.masking import mask_phone

    rows = summary["doubtful_rows"]
    if not rows:
        return []
    answer = summary["doubtful_answer"]

    def line(row: dict) -> str:
        owner = f"「{row['member_nickname']}」（#{row['member_id']}）"
        return (
            f"  {row['sheet']} 第 {row['row']} 行「{row['nickname']}」：手机号 "
            f"{mask_phone(row['phone'])} 属于成员{owner}"
        )

    lines = [_DOUBTFUL_HEADS[answer].format(count=len(rows)), *listed(rows, line)]
    if answer == "skip":
        lines.append(
            "  确认是同一人请加 --doubtful same，是另一个人请加 --doubtful new；"
            "逐行回答请在窗口的「导入成员名单」里选择"
        )
    return lines


def _community_option(value: str | None) -> tuple[str | None, int | None]:
    if not value:
        return None, None
    match = re.fullmatch(r"#(\d+)", value.strip())
    if match:
        return None, int(match.group(1))
    return value.strip(), None


def _summary(plan, result, report, *, doubtful: str = "skip") -> dict:
    counts = plan.counts
    return {
        "file": plan.file_name,
        "dry_run": result is None,
        "source_kind": plan.source_kind,
        "added": counts.added,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "linked": counts.linked,
        "rejected": counts.rejected,
        "doubtful": counts.doubtful,
        "joined": counts.joined,
        "left": counts.left,
        "batch_id": result.batch_id if result else None,
        # Written (after the import) or, in a dry run, what the preview would write.
        "opening_balances": result.opening_entries
        if result
        else sum(1 for _ in plan.opening_balances()),
        "opening_points": result.opening_points
        if result
        else sum(b.points for b in plan.opening_balances()),
        "communities": [
            {
                "name": c.name,
                "id": result.community_ids.get(c.name) if result else c.community_id,
                "created": c.community_id is None,
                "complete_list": c.complete,
                "joins": c.joins,
                "leaves": c.leaves,
            }
            for c in plan.communities
        ],
        "rejected_rows": [
            {"sheet": r.sheet, "row": r.row, "nickname": r.nickname, "reason": r.reason}
            for r in plan.rejected_rows
        ],
        "doubtful_answer": doubtful,
        "doubtful_rows": [
            {
                "sheet": r.sheet,
                "row": r.row,
                "nickname": r.nickname,
                "phone": r.doubt.phone,
                "member_id": r.doubt.member_id,
                "member_nickname": r.doubt.member_nickname,
                "answer": r.doubt.answer,
            }
            for r in plan.doubts
        ],
        "warnings": [
            {
                "sheet": i.sheet,
                "row": i.row,
                "field": i.field,
                "value": i.value,
                "reason": i.reason,
            }
            for i in plan.issues
            if not i.rejected
        ],
        "possible_duplicates": [
            {
                "sheet": d.sheet,
                "row": d.row,
                "nickname": d.nickname,
                "other_member_id": d.other_member_id,
                "other_row": list(d.other_row) if d.other_row else None,
                "other_nickname": d.other_nickname,
            }
            for d in plan.possible_duplicates
        ],
        "notes": plan.notes
        + [n for s in plan.sheets for n in s.notes]
        + (result.opening_notes if result else []),
        "report": str(report) if report else None,
    }


def _human(summary: dict) -> str:
    lines = [
        import_heading(summary["file"], dry_run=summary["dry_run"])
        + f"：新增 {summary['added']} 人，更新 {summary['updated']} 人，"
        f"无变化 {summary['unchanged']} 人，与文件中其他行为同一人 {summary['linked']} 行，"
        f"拒绝 {summary['rejected']} 行"
        + (f"，待确认 {summary['doubtful']} 行（未导入）" if summary["doubtful"] else "")
        + f"；入群 {summary['joined']} 次，退群 {summary['left']} 次"
    ]
    if summary["opening_balances"]:
        lines.append(
            f"  期初积分：{summary['opening_balances']} 人，共 {summary['opening_points']:,} 分"
            "（记入积分台账）"
        )
    for community in summary["communities"]:
        state = "新建" if community["created"] else "已有"
        whole = "，完整名单" if community["complete_list"] else ""
        lines.append(
            f"  社群「{community['name']}」（{state}{whole}）：入群 {community['joins']}，"
            f"退群 {community['leaves']}"
        )
    lines.extend(_doubtful_lines(summary))
    rejected = summary["rejected_rows"]
    if rejected:
        lines.append("被拒绝的行：")
        lines += listed(
            rejected,
            lambda row: f"  {row['sheet']} 第 {row['row']} 行：{row['reason']}",
            more="  …另有 {count} 行，用 --report 保存完整清单",
        )
    if summary["warnings"]:
        lines.append(f"另有 {len(summary['warnings'])} 个值有问题已忽略（--json 或 --report 查看）")
    if summary["possible_duplicates"]:
        lines.append(
            f"疑似重复成员 {len(summary['possible_duplicates'])} 对（昵称相同，仅供参考，未合并）"
        )
    lines.extend(summary["notes"])
    if summary["report"]:
        lines.append(f"问题清单已保存：{summary['report']}")
    return "\n".join(lines)
