"""`main.py activity paste FILE --community NAME [--date YYYY-MM-DD] [--pick NAME=ID]… [--json]`
and `main.py activity import FILE [--community NAME] [--dry-run] [--json]`.

Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.common.cli import (
    add_command_group,
    date_option,
    emit,
    finish_command,
    import_heading,
    listed,
    run_work,
)


def register(commands: argparse._SubParsersAction) -> None:
    actions = add_command_group(commands, "activity", "行为记录：粘贴接龙打卡、从表格导入")
    paste = actions.add_parser("paste", help="把接龙文本（.txt）记为当天签到")
    paste.add_argument("file", help="接龙文本文件（UTF-8 或 GBK）")
    paste.add_argument("--community", required=True, help="接龙所在的社群名称")
    paste.add_argument("--date", help="打卡日期 YYYY-MM-DD（默认：接龙标题里的日期，否则今天）")
    paste.add_argument(
        "--pick",
        action="append",
        default=[],
        metavar="名字=编号",
        help="接龙里的名字可能是几位成员时，指定是哪一位（成员编号）；可重复",
    )
    finish_command(paste, run_paste, dry_run="只匹配、不记录")
    imports = actions.add_parser(
        "import",
        help="从表格（xlsx/xls/ods/csv/txt）导入行为记录",
        description="导入行为记录：每行一条（成员、行为、日期、次数、金额），或每种行为一列的统计表；"
        "同一文件再导入不会重复记录，整个导入要么全部写入要么不改动",
    )
    imports.add_argument("file", metavar="FILE", help="要导入的表格文件")
    imports.add_argument(
        "--community", metavar="NAME", help="没有「社群」列的行属于这个社群（按昵称找成员时需要）"
    )
    finish_command(imports, run_import, dry_run="只预览，不写入数据库")


def read_text_file(path: Path) -> str:
    """A pasted-text file in UTF-8 (with or without BOM), GB18030 or UTF-16 with its BOM, else
    a clear refusal."""
    import codecs

    from core.activity.jielong import MAX_BYTES
    from core.common.errors import UserError

    try:
        if path.stat().st_size > MAX_BYTES:
            raise UserError(f"文件太大（超过 {MAX_BYTES // 1024} KB），接龙文本不会这么长")
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise UserError(f"找不到文件：{path}") from error
    except IsADirectoryError as error:
        raise UserError(f"这是一个文件夹，不是文本文件：{path}") from error
    except OSError as error:
        raise UserError(f"无法读取文件：{path}（{error.strerror}）") from error
    # Notepad's "Unicode" is UTF-16 with a BOM; GB18030 would refuse it (or misread it).
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError("文件不是 UTF-8 或 GBK 编码的文本")


def _picks(values: list[str]) -> dict[str, int]:
    """`--pick 小王=12` → {"小王": 12}."""
    from core.common.errors import UserError

    picks = {}
    for value in values:
        name, _, number = value.rpartition("=")
        number = number.strip().removeprefix("#")
        if not name.strip() or not number.isdigit():
            raise UserError(f"--pick 应写成 名字=成员编号（如 --pick 小王=12），收到：{value}")
        picks[name.strip()] = int(number)
    return picks


def run_paste(args: argparse.Namespace) -> int:
    from core.activity.paste import plan_paste
    from core.communities.registry import community_id_by_name
    from core.workflows.activity import record_paste

    text = read_text_file(Path(args.file))
    day = date_option(args.date)
    chosen = _picks(args.pick)

    def work(session):
        community_id = community_id_by_name(session, args.community)
        plan = plan_paste(session, text, community_id, day=day, chosen=chosen)
        return plan, 0 if args.dry_run else record_paste(session, plan).added

    plan, added = run_work(args, work, write=not args.dry_run)
    result = {
        "community": plan.community,
        "date": plan.day.isoformat(),
        "title": plan.title,
        "added": added,
        "dry_run": args.dry_run,
        "matched": [
            {
                "name": m.name,
                "member_id": m.member_id,
                "member": m.member_name,
                "matched_by": m.matched_by,
                "exact": m.exact,
                "already_recorded": m.already_recorded,
            }
            for m in plan.matched
        ],
        "unmatched": [
            {
                "name": u.name,
                "ambiguous": u.ambiguous,
                "candidates": [{"member_id": i, "member": n} for i, n in u.candidates],
            }
            for u in plan.unmatched
        ],
        "duplicates_skipped": plan.duplicates + plan.same_member,
    }
    already = sum(m.already_recorded for m in plan.matched)
    lines = [
        f"{plan.community} {plan.day.isoformat()}：匹配 {len(plan.matched)} 人，"
        + (f"将记录 {len(plan.to_add)} 次签到" if args.dry_run else f"记录 {added} 次签到")
        + (f"（{already} 人当天已记录）" if already else "")
    ]
    questions = [u for u in plan.unmatched if u.ambiguous]
    for u in questions:
        who = "、".join(f"{name}（#{member_id}）" for member_id, name in u.candidates)
        lines.append(f"待选择（没有记录）：「{u.name}」可能是 {who}")
    if questions:
        lines.append(f"  指定是谁请加 --pick 名字=编号，如 --pick {questions[0].name}=编号")
    missing = [u.name for u in plan.unmatched if not u.ambiguous]
    if missing:
        lines.append("群里没有找到（没有记录）：" + "、".join(missing))
    loose = [m for m in plan.matched if not m.exact and m.matched_by != "chosen"]
    if loose:
        lines.append(
            "近似匹配（请核对）：" + "、".join(f"「{m.name}」→ {m.member_name}" for m in loose)
        )
    if result["duplicates_skipped"]:
        lines.append("重复已跳过：" + "、".join(result["duplicates_skipped"]))
    emit(result, as_json=args.json, human="\n".join(lines))
    return 0


def run_import(args: argparse.Namespace) -> int:
    from core.activity.importing import plan_activity_import
    from core.activity.kinds import KIND_LABELS
    from core.common.cli import TerminalProgress
    from core.communities.registry import community_id_by_name
    from core.workflows.activity import record_activity_import

    def work(session):
        community_id = community_id_by_name(session, args.community)
        plan = plan_activity_import(
            session,
            Path(args.file),
            community_id=community_id,
            progress=TerminalProgress("读取文件"),
        )
        if args.dry_run or not plan.events:
            return plan, 0
        return plan, record_activity_import(session, plan).added

    plan, added = run_work(args, work, write=not args.dry_run)
    result = {
        "file": plan.file_name,
        "dry_run": args.dry_run,
        **plan.counts(),
        "added": added,
        "by_kind": {KIND_LABELS[kind]: n for kind, n in plan.by_kind.items()},
        "sheets": [
            {
                "sheet": s.sheet,
                "header_row": s.header_row,
                "layout": s.layout,
                "rows": s.rows,
                "community": s.community,
            }
            for s in plan.sheets
        ],
        "rejected_rows": [
            {"sheet": r.sheet, "row": r.row, "member": r.member, "reason": r.reason}
            for r in plan.rejected
        ],
        "notes": plan.notes,
    }
    done = plan.to_add if args.dry_run else added
    verb = "将记录" if args.dry_run else "记录了"
    kinds = "、".join(f"{label} {n}" for label, n in result["by_kind"].items())
    lines = [
        import_heading(plan.file_name, dry_run=args.dry_run)
        + f"：读取 {plan.rows} 行，{verb} {done} 条行为"
        + (f"（{kinds}）" if kinds else "")
        + f"，拒绝 {len(plan.rejected)} 行"
    ]
    if plan.already_imported:
        lines.append(f"另有 {plan.already_imported} 条这个文件已导入过，不会重复记录")
    lines += listed(plan.rejected, lambda row: f"  {row.sheet} 第 {row.row} 行：{row.reason}")
    lines.extend(plan.notes)
    emit(result, as_json=args.json, human="\n".join(lines))
    return 0
