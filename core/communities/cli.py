"""`main.py communities list [--json]` and `main.py qr status [--json]` (the 需要处理 list).

Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict

from core.common.cli import add_command_group, emit, finish_command, run_work


def register(commands: argparse._SubParsersAction) -> None:
    actions = add_command_group(
        commands, "communities", "社群：列出社群与人数、二维码状态", dest="action"
    )
    listing = actions.add_parser("list", help="列出社群（名称、平台、人数、二维码剩余天数）")
    listing.add_argument("--archived", action="store_true", help="也列出已归档的社群")
    finish_command(listing, run_list)

    qr_actions = add_command_group(commands, "qr", "群二维码：有效期与人数上限提醒", dest="action")
    status = qr_actions.add_parser("status", help="需要处理：即将过期、已过期、接近人数上限")
    finish_command(status, run_qr_status)


def run_list(args: argparse.Namespace) -> int:
    from core.communities.listing import list_communities

    rows = run_work(args, lambda session: list_communities(session, include_archived=args.archived))
    data = {
        "communities": [
            {
                "id": row.id,
                "name": row.name,
                "platform": row.platform,
                "platform_label": row.platform_label,
                "members": row.members,
                "member_cap": row.member_cap,
                "scan_cap": row.scan_cap,
                "tags": list(row.tags),
                "archived": row.archived,
                "qr_attached": row.has_qr,
                "qr_generated_on": row.qr_generated_on,
                "qr_expires_on": row.qr_expires_on,
                "qr_days_left": row.qr_days_left,
                "warnings": [w.kind for w in row.warnings],
            }
            for row in rows
        ]
    }
    emit(data, as_json=args.json, human=_human_list(rows))
    return 0


def _human_list(rows) -> str:
    if not rows:
        return "还没有社群"
    lines = []
    for row in rows:
        if not row.has_qr:
            qr = "未添加二维码"
        elif row.qr_days_left is None:
            qr = "二维码长期有效"
        elif row.qr_days_left <= 0:
            qr = "二维码已过期"
        else:
            qr = f"二维码剩 {row.qr_days_left} 天"
        archived = "（已归档）" if row.archived else ""
        lines.append(
            f"{row.name}{archived}\t{row.platform_label}\t{row.members}/{row.member_cap} 人\t{qr}"
        )
    lines.append(f"共 {len(rows)} 个社群")
    return "\n".join(lines)


def run_qr_status(args: argparse.Namespace) -> int:
    from core.communities.attention import KIND_LABELS
    from core.communities.listing import attention_list

    items = run_work(args, attention_list)
    data = {"count": len(items), "items": [asdict(item) for item in items]}
    if items:
        human = "\n".join(
            f"[{KIND_LABELS[item.kind]}] {item.community_name}：{item.message}" for item in items
        )
        human += f"\n共 {len(items)} 项需要处理"
    else:
        human = "没有需要处理的事项"
    emit(data, as_json=args.json, human=human)
    return 0
