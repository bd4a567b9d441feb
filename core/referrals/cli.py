"""`main.py referrals resolve CODE`: whose code it is, or why it is nobody's.

Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick.
"""

from __future__ import annotations

import argparse

from core.common.cli import add_command_group, emit, finish_command, run_work


def register(commands: argparse._SubParsersAction) -> None:
    actions = add_command_group(commands, "referrals", "邀请码与邀请关系：查邀请码是谁的")
    resolve = actions.add_parser(
        "resolve", help="查邀请码属于哪位成员；输错一个字符时列出最接近的邀请码"
    )
    resolve.add_argument("code", help="邀请码（大小写、空格和横线不影响）")
    finish_command(resolve, run_resolve)


def run_resolve(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from core.referrals.resolving import resolve_code

    found = run_work(args, lambda session: resolve_code(session, args.code))
    where = f"，活动「{found.campaign_name}」" if found.campaign_name else ""
    merged = f"（发给成员 {found.issued_to}，已合并）" if found.issued_to else ""
    origin = {"standing": "常驻邀请码", "campaign": "活动邀请码", "imported": "导入的邀请码"}
    emit(
        asdict(found),
        as_json=args.json,
        human=f"{found.code}：{found.nickname}（成员 {found.member_id}）{merged}"
        f"，{origin[found.origin]}{where}",
    )
    return 0
