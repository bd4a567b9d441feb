"""`main.py activity paste FILE --community NAME [--date YYYY-MM-DD] [--json]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.common.cli import add_common_options, emit, open_for


def register(commands: argparse._SubParsersAction) -> None:
    activity = commands.add_parser("activity", help="行为记录：粘贴接龙打卡")
    actions = activity.add_subparsers(dest="activity_command", metavar="操作", required=True)
    paste = actions.add_parser("paste", help="把接龙文本（.txt）记为当天签到")
    paste.add_argument("file", help="接龙文本文件（UTF-8 或 GBK）")
    paste.add_argument("--community", required=True, help="接龙所在的社群名称")
    paste.add_argument("--date", help="打卡日期 YYYY-MM-DD（默认：接龙标题里的日期，否则今天）")
    paste.add_argument("--dry-run", action="store_true", help="只匹配、不记录")
    add_common_options(paste)
    paste.set_defaults(handler=run_paste)


def read_text_file(path: Path) -> str:
    """A pasted-text file in UTF-8 (with or without BOM) or GB18030, else a clear refusal."""
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
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError("文件不是 UTF-8 或 GBK 编码的文本")


def _date(text: str | None):
    from datetime import date

    from core.common.errors import UserError

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise UserError(f"日期格式应为 YYYY-MM-DD，收到：{text}") from error


def run_paste(args: argparse.Namespace) -> int:
    from core.activity.paste import apply_paste, plan_paste
    from core.communities.registry import community_id_by_name

    text = read_text_file(Path(args.file))
    day = _date(args.date)
    database = open_for(args)
    try:
        with database.session() as session:
            community_id = community_id_by_name(session, args.community)
            plan = plan_paste(session, text, community_id, day=day)
            added = 0
            if not args.dry_run:
                added = apply_paste(session, plan).added
                session.commit()
    finally:
        database.close()
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
                "already_recorded": m.already_recorded,
            }
            for m in plan.matched
        ],
        "unmatched": [
            {"name": u.name, "candidates": [{"member_id": i, "member": n} for i, n in u.candidates]}
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
    if plan.unmatched:
        lines.append(
            "未匹配："
            + "、".join(
                f"{u.name}（{len(u.candidates)} 人同名）" if u.candidates else u.name
                for u in plan.unmatched
            )
        )
    if result["duplicates_skipped"]:
        lines.append("重复已跳过：" + "、".join(result["duplicates_skipped"]))
    emit(result, as_json=args.json, human="\n".join(lines))
    return 0
