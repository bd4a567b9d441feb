"""`main.py tiers recompute [--json]` and `main.py tiers explain MEMBER [--json]`.

Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick.
"""

from __future__ import annotations

import argparse

from core.common.cli import add_command_group, emit, finish_command, run_work


def register(commands: argparse._SubParsersAction) -> None:
    actions = add_command_group(commands, "tiers", "成员等级：重新计算、查看原因")
    recompute = actions.add_parser("recompute", help="按当前等级规则重新计算所有成员的等级")
    finish_command(recompute, run_recompute)
    explain = actions.add_parser("explain", help="为什么是这个等级、升级还差什么")
    explain.add_argument("member", help="成员编号，或唯一的昵称/备注/微信号")
    finish_command(explain, run_explain)


def run_recompute(args: argparse.Namespace) -> int:
    from core.common.operator import operator_name
    from core.tiers.recompute import recompute_levels

    result = run_work(
        args, lambda session: recompute_levels(session, operator=operator_name()), write=True
    )
    data = {
        "examined": result.examined,
        "promoted": result.promoted,
        "demoted": result.demoted,
        "seconds": round(result.seconds, 3),
    }
    human = (
        f"已计算 {result.examined} 条入群记录：升级 {result.promoted}，降级 {result.demoted}"
        f"（{result.seconds:.1f} 秒）"
    )
    emit(data, as_json=args.json, human=human)
    return 0


def run_explain(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from core.members.lookup import find_member
    from core.tiers.explain import explain_member

    def work(session):
        member_id = find_member(session, args.member)
        return member_id, explain_member(session, member_id)

    member_id, explanations = run_work(args, work)
    if not explanations:
        human = f"成员 {member_id} 目前不在任何社群里，没有等级"
    else:
        human = "\n\n".join(_describe(item) for item in explanations)
    emit(
        {"member_id": member_id, "communities": [asdict(e) for e in explanations]},
        as_json=args.json,
        human=human,
    )
    return 0


def _describe(item) -> str:
    lines = [f"【{item.community}】{item.level_name}（{item.status_text}）"]
    for title, criteria in (("本级条件", item.current), ("下一级条件", item.next)):
        if criteria:
            lines.append(f"{title}（近 {item.window_days} 天）：")
            lines += [
                f"  {'✓' if c.met else '✗'} {c.label} {c.figure}/{c.threshold}" for c in criteria
            ]
    lines.append(item.hint)
    return "\n".join(lines)
