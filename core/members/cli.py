"""`main.py members search TEXT` and `main.py export members --out FILE.xlsx`.

Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.common.cli import (
    TerminalProgress,
    add_command_group,
    add_no_mask,
    emit,
    finish_command,
    masked_note,
    run_work,
)


def register(commands: argparse._SubParsersAction) -> None:
    members_commands = add_command_group(commands, "members", "查找成员")
    search = members_commands.add_parser(
        "search", help="和成员页搜索框相同的匹配：昵称、拼音、首字母、手机尾号…"
    )
    search.add_argument("text", help="要找的内容，例如 zxf 或 0016")
    search.add_argument("--limit", type=int, default=50, help="最多列出几人（默认 50）")
    search.add_argument("--community", help="只在这个社群里找")
    finish_command(search, run_search)

    export_commands = add_command_group(commands, "export", "导出为 Excel", metavar="内容")
    export_members = export_commands.add_parser(
        "members", help="导出成员（默认手机号、微信号打码）"
    )
    export_members.add_argument("--out", required=True, help="导出的 .xlsx 文件")
    export_members.add_argument("--community", help="只导出这个社群的成员")
    add_no_mask(export_members)
    finish_command(export_members, run_export)


def run_search(args: argparse.Namespace) -> int:
    from core.common.errors import UserError
    from core.communities.registry import community_id_by_name
    from core.members.masking import mask_phone
    from core.members.query import MemberFilter, find_member_ids, load_rows

    if args.limit < 1:
        raise UserError("--limit 至少为 1")

    def work(session):
        spec = MemberFilter(
            text=args.text, community_id=community_id_by_name(session, args.community)
        )
        ids = find_member_ids(session, spec)
        return ids, load_rows(session, ids[: args.limit])

    ids, rows = run_work(args, work)
    found = [
        {
            "id": member_id,
            "nickname": rows[member_id].nickname,
            "remark": rows[member_id].remark,
            "phone": mask_phone(rows[member_id].phone),
            "communities": rows[member_id].communities,
        }
        for member_id in ids[: args.limit]
    ]
    lines = [f"找到 {len(ids)} 人" + (f"，列出前 {len(found)} 人" if len(ids) > len(found) else "")]
    lines += [
        f"{m['id']:>7}  {m['nickname']}"
        + (f"（{m['remark']}）" if m["remark"] else "")
        + (f"  {m['phone']}" if m["phone"] else "")
        + (f"  {'、'.join(m['communities'])}" if m["communities"] else "")
        for m in found
    ]
    emit({"total": len(ids), "members": found}, as_json=args.json, human="\n".join(lines))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from core.communities.registry import community_id_by_name
    from core.members.export import export_members
    from core.members.query import MemberFilter, find_member_ids

    def work(session):
        spec = MemberFilter(community_id=community_id_by_name(session, args.community))
        return export_members(
            session,
            find_member_ids(session, spec),
            Path(args.out),
            mask=not args.no_mask,
            what=f"社群「{args.community}」的成员" if args.community else "全部成员",
            progress=TerminalProgress("导出"),
        )

    result = run_work(args, work, write=True)  # write: the export log
    masked = masked_note(result.masked)
    emit(result, as_json=args.json, human=f"已导出 {result.rows} 人到 {result.path}{masked}")
    return 0
