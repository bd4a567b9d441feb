"""`main.py chat import PATH [--community NAME] [--date YYYY-MM-DD] [--answer NAME=MEMBER]…
[--keep-text] [--create] [--dry-run] [--json]`: the preview, then the write."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.common.cli import (
    MAX_LISTED,
    add_command_group,
    date_option,
    emit,
    finish_command,
    import_heading,
    listed,
    open_for,
)
from core.common.errors import UserError
from core.common.text import msg


def register(commands: argparse._SubParsersAction) -> None:
    actions = add_command_group(
        commands, "chat", "群聊记录：从聊天记录导出文件导入发言、入群和邀请关系"
    )
    imports = actions.add_parser(
        "import",
        help="导入群聊记录（文件或整个导出文件夹）",
        description="导入群聊记录：每条消息记为一次行为（只存发送人、时间、类型和字数），入群消息"
        "记为入群时间和邀请关系；同一记录再导入不会重复，整个导入要么全部写入要么不改动",
    )
    imports.add_argument("path", metavar="PATH", help="聊天记录文件，或导出工具的整个文件夹")
    imports.add_argument("--community", metavar="NAME", help="导入到这个社群（只适用于单个聊天）")
    imports.add_argument(
        "--date", metavar="YYYY-MM-DD", help="从电脑版微信（Windows）复制的文字没有日期：它是哪天的"
    )
    imports.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="名字=成员",
        help="一个名字可能是几位成员时，指定是谁（成员编号、聊天里的 wxid，"
        "或「新成员」：另一个同名的人）；可重复",
    )
    imports.add_argument("--keep-text", action="store_true", help="同时保存消息文字（默认不保存）")
    imports.add_argument("--create", action="store_true", help="没有对应社群的群聊，新建社群")
    finish_command(imports, run_import, dry_run="只预览，不写入数据库")


def _answers(values: list[str]) -> dict[str, str]:
    answers = {}
    for value in values:
        name, _, member = value.rpartition("=")
        if not name.strip() or not member.strip():
            raise UserError(
                msg(
                    "--answer 应写成 名字=成员（如 --answer 小雨=12），收到：{value}",
                    value=value[:80],
                )
            )
        answers[name.strip()] = member.strip()
    return answers


def run_import(args: argparse.Namespace) -> int:
    from core.chat.importing.plan import plan_chat_import
    from core.common.cli import TerminalProgress
    from core.workflows.chat_import import import_chats

    day = date_option(args.date)
    answers = _answers(args.answer)
    if not args.path.strip():  # Path("") is the current folder: never import that by accident
        raise UserError(msg("请给出聊天记录文件或文件夹的路径"))
    path = Path(args.path)
    database = open_for(args)
    written = None
    try:
        with database.session(write=not args.dry_run) as session:
            plan = plan_chat_import(
                session,
                path,
                community=args.community,
                day=day,
                answers=answers,
                keep_text=args.keep_text,
                create_communities=args.create,
                progress=TerminalProgress("读取聊天记录"),
            )
            try:
                if not args.dry_run:
                    written = import_chats(session, plan, progress=TerminalProgress("写入"))
                    session.commit()
            finally:
                plan.close()
    finally:
        database.close()
    result = preview(plan)
    result["dry_run"] = args.dry_run
    if written is not None:
        done = written.imported
        result["written"] = {
            "communities_created": done.communities_created,
            "members_created": done.members_created,
            "memberships_added": done.memberships_added,
            "joins": done.joins_recorded,
            "removals": done.removals_recorded,
            "names": done.names_recorded,
            "messages_added": done.messages_added,
            "messages_already_imported": done.messages_already,
            "messages_not_recorded": done.messages_unresolved,
            "edges": {
                outcome: done.edges.count(outcome)
                for outcome in ("added", "merged", "unchanged", "conflict", "refused")
            },
            "points_entries": written.points_entries,
        }
    emit(result, as_json=args.json, human="\n".join(human_lines(result)))
    return 0


def preview(plan) -> dict:
    """The preview as plain data (the --json object, and what the human summary shows)."""
    from core.activity.kinds import KIND_LABELS

    chats = []
    for chat in plan.chats:
        resolution = chat.resolution
        people = chat.people
        chats.append(
            {
                "community": chat.community_name,
                "community_found_by": chat.matched_by,
                "format": chat.format_label,
                "chat_id": chat.chat.id,
                "messages": chat.messages,
                "first": chat.first_at.isoformat(sep=" ") if chat.first_at else None,
                "last": chat.last_at.isoformat(sep=" ") if chat.last_at else None,
                "by_kind": dict(chat.by_kind.most_common()),
                "by_activity_kind": {
                    KIND_LABELS[k]: n for k, n in chat.by_activity_kind.most_common()
                },
                "senders": sum(1 for seen in people.values() if seen.messages),
                "new_members": [
                    {"name": new.nickname, "wxid": new.wxid} for new in resolution.new_members
                ],
                "joins": len(chat.joins),
                "removals": len(chat.removals),
                "renames": [r.name for r in chat.renames],
                "edges": [
                    {
                        "time": join.at.isoformat(sep=" "),
                        "inviter": people[join.inviter].label if join.inviter else None,
                        "invitee": people[join.invitee].label if join.invitee else None,
                        "how": join.how,
                    }
                    for join in chat.edges()
                ],
                "questions": [
                    {
                        "name": q.name,
                        "messages": q.messages,
                        "candidates": [{"answer": a, "who": who} for a, who in q.candidates],
                    }
                    for q in resolution.questions
                ],
                "not_activity": {
                    "recalls": chat.recalls,
                    "pats": chat.pats,
                    "red_packet_claims": chat.claims,
                    "notices": chat.notices,
                },
                "unreadable": [
                    {"line": u.line, "reason": u.reason, "excerpt": u.excerpt}
                    for u in chat.unreadable
                ],
                "unreadable_count": chat.unreadable_count,
            }
        )
    return {
        "path": str(plan.path),
        "chats": chats,
        "skipped_files": [{"file": str(p), "reason": why} for p, why in plan.skipped],
        "keep_text": plan.keep_text,
        "notes": [
            "退群不会出现在聊天记录里（微信不提示主动退群）：要知道谁退了群，请导入成员名单",
            "已保存消息文字" if plan.keep_text else "不保存消息文字：只记发送人、时间、类型和字数",
        ],
    }


_FOUND_BY = {
    "chat_id": "按群 ID",
    "name": "按群名",
    "given": "按指定",
    "new": "没有对应社群，加 --create 新建",
}


def human_lines(result: dict) -> list[str]:
    lines = [import_heading(Path(result["path"]).name, dry_run=result["dry_run"])]
    for chat in result["chats"]:
        kinds = "、".join(f"{label} {n}" for label, n in chat["by_activity_kind"].items())
        lines.append(
            f"【{chat['community']}】（{_FOUND_BY[chat['community_found_by']]}，{chat['format']}）"
            f"消息 {chat['messages']} 条"
            + (f"（{kinds}）" if kinds else "")
            + f"，发言 {chat['senders']} 人，入群 {chat['joins']}，移出 {chat['removals']}，"
            f"邀请关系 {len(chat['edges'])} 条"
        )
        if chat["first"]:
            lines.append(f"  时间：{chat['first'][:16]} 至 {chat['last'][:16]}")
        new = chat["new_members"]
        if new:
            names = "、".join(n["name"] for n in new[:MAX_LISTED])
            more = f" 等 {len(new)} 人" if len(new) > MAX_LISTED else f"（{len(new)} 人）"
            lines.append(f"  新成员：{names}{more}")
        for question in chat["questions"]:
            who = "、".join(f"{c['who']}" for c in question["candidates"])
            if not who:
                lines.append(
                    "  待确认：这份导出没有说明导出账号（消息里的「你」）是哪位成员；"
                    "用 --answer 我=成员编号或 wxid 指定（否则与「你」有关的入群和邀请不记录）"
                )
                continue
            lines.append(
                f"  待确认：「{question['name']}」可能是 {who}；"
                f"用 --answer {question['name']}=… 指定（{question['messages']} 条消息暂不记录）"
            )
        lines += listed(chat["edges"], _edge_line, more="  …另有 {count} 条，用 --json 查看")
        if chat["renames"]:
            lines.append("  群名变更：" + " → ".join(chat["renames"]))
        other = chat["not_activity"]
        lines.append(
            f"  不计为行为：撤回 {other['recalls']}、拍一拍 {other['pats']}、"
            f"领红包 {other['red_packet_claims']}、其他系统消息 {other['notices']}"
        )
        for line in chat["unreadable"][:MAX_LISTED]:
            where = f"第 {line['line']} 行" if line["line"] else ""
            lines.append(f"  无法读取 {where}：{line['reason']}")
        if chat["unreadable_count"] > MAX_LISTED:
            lines.append(f"  …共 {chat['unreadable_count']} 行无法读取，用 --json 查看完整清单")
    for skipped in result["skipped_files"][:MAX_LISTED]:
        lines.append(f"跳过 {Path(skipped['file']).name}：{skipped['reason']}")
    lines.extend(result["notes"])
    written = result.get("written")
    if written:
        edges = written["edges"]
        lines.append(
            f"写入：消息 {written['messages_added']} 条（已导入过 "
            f"{written['messages_already_imported']}），新成员 {written['members_created']}，"
            f"入群记录 {written['joins']}，移出 {written['removals']}，"
            f"邀请关系新增 {edges['added'] + edges['merged']}（冲突 {edges['conflict']}），"
            f"积分记录 {written['points_entries']}"
        )
        if written["communities_created"]:
            lines.append("新建社群：" + "、".join(written["communities_created"]))
    return lines


def _edge_line(edge: dict) -> str:
    from core.chat.importing.kinds import JOIN_CHANNEL

    how = JOIN_CHANNEL.get(edge["how"], edge["how"])
    return f"  邀请：{edge['time'][:16]} {edge['inviter']} → {edge['invitee']}（{how}）"
