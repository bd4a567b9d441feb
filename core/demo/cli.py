"""`main.py demo --members N`: fill an empty database with demo data."""

from __future__ import annotations

import argparse

from core.common.cli import TerminalProgress, emit, finish_command, open_for


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("demo", help="向空数据库填入演示数据")
    parser.add_argument("--members", type=int, default=2000, help="成员数（默认 2000）")
    parser.add_argument(
        "--seed", type=int, default=20261123, help="随机种子，同一种子得到同样的数据"
    )
    finish_command(parser, run)


def run(args: argparse.Namespace) -> int:
    from core.demo.generate import generate_demo

    database = open_for(args)
    try:
        with database.write_engine.begin() as connection:
            summary = generate_demo(
                connection, args.members, seed=args.seed, progress=TerminalProgress("生成演示数据")
            )
    finally:
        database.close()
    emit(
        summary,
        as_json=args.json,
        human=f"已生成 {summary.communities} 个社群、{summary.members} 名成员、"
        f"{summary.memberships} 条入群记录、{summary.events} 条行为记录",
    )
    return 0
