"""`main.py ledger award|redeem|statement|expire|verify|liability|export`.

Each refuses what would break a rule (overdraft, unknown member, negative award) with one line
and changes nothing: the work runs in one transaction that a UserError rolls back.
Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.common.cli import (
    DRY_RUN_MARK,
    TerminalProgress,
    add_command_group,
    add_no_mask,
    emit,
    emit_change,
    finish_command,
    masked_note,
    run_work,
)
from db.bounds import MAX_ENTRY_POINTS, MAX_EXPIRY_DAYS  # plain numbers: --help stays quick


def register(commands: argparse._SubParsersAction) -> None:
    actions = add_command_group(
        commands, "ledger", "积分台账：发放、兑换、对账单、过期、核对、负债"
    )

    award = actions.add_parser(
        "award", help="给成员发放积分：--points 按填写的积分，或 --rule 按积分规则"
    )
    award.add_argument("--member", required=True, help="成员编号或昵称（昵称须唯一）")
    # Exactly one of --points / --rule, checked in run_award: a refusal stays one Chinese line.
    award.add_argument("--points", type=int, help=f"积分（正整数，单笔最多 {MAX_ENTRY_POINTS:,}）")
    award.add_argument(
        "--rule",
        help="积分规则代码（如 custom:晒单、good_post）：积分、每日上限、待生效期、有效期"
        "和是否计入等级都按规则",
    )
    award.add_argument("--reason", help="发放原因（--points 时必填；--rule 时附在规则名称后）")
    award.add_argument("--qualifying", action="store_true", help="计入等级积分（仅 --points）")
    award.add_argument(
        "--expiry-days",
        type=int,
        help=f"有效天数（默认 365，最多 {MAX_EXPIRY_DAYS}；0 表示永不过期；仅 --points）",
    )
    finish_command(award, run_award, dry_run=True)

    redeem = actions.add_parser("redeem", help="用积分兑换积分商城的奖品")
    redeem.add_argument("--member", required=True, help="成员编号或昵称")
    redeem.add_argument("--reward", required=True, help="奖品编号或名称")
    finish_command(redeem, run_redeem, dry_run=True)

    statement = actions.add_parser("statement", help="成员的积分对账单（含滚动余额）")
    statement.add_argument("--member", required=True, help="成员编号或昵称")
    finish_command(statement, run_statement)

    expire = actions.add_parser("expire", help="处理到期积分、退群收回和生日礼（可重复运行）")
    finish_command(expire, run_expire, dry_run="只统计将过期的积分，不写入")

    verify = actions.add_parser("verify", help="核对台账：有任何不一致时以非零状态退出")
    finish_command(verify, run_verify)

    liability = actions.add_parser("liability", help="积分负债：未使用积分及折合金额、即将到期")
    finish_command(liability, run_liability)

    export = actions.add_parser("export", help="导出积分汇总、成员积分和流水到 Excel")
    export.add_argument("--out", required=True, help="导出的 .xlsx 文件")
    export.add_argument("--member", action="append", help="只导出这位成员的对账单（可重复）")
    export.add_argument("--no-statements", action="store_true", help="不导出逐笔流水")
    add_no_mask(export)
    finish_command(export, run_export)


def find_member(session, text: str) -> int:
    """By number or by a name only they have (the lookup every command line shares)."""
    from core.members.lookup import find_member as lookup

    return lookup(session, text)


def run_award(args: argparse.Namespace) -> int:
    from core.common.errors import UserError
    from core.common.operator import operator_name
    from core.ledger.balances import balance
    from core.ledger.entries import award, check_days, check_entry_points

    if (args.points is None) == (args.rule is None):
        raise UserError("请用 --points 或 --rule 指定发放的积分（二者选一）")
    if args.rule is not None:
        return _run_rule_award(args)
    if args.points <= 0:
        raise UserError("发放的积分必须是正整数")
    check_entry_points(args.points)  # before any database sees a number it can't hold
    if not (args.reason or "").strip():
        raise UserError("请用 --reason 填写发放原因")
    if args.expiry_days is not None and args.expiry_days < 0:
        raise UserError("--expiry-days 不能为负数")
    if args.expiry_days:
        check_days(args.expiry_days)
    expiry = 365 if args.expiry_days is None else (args.expiry_days or None)

    def work(session):
        member_id = find_member(session, args.member)
        entry_id = award(
            session,
            member_id,
            args.points,
            reason=args.reason,
            operator=operator_name(),
            qualifying=args.qualifying,
            expiry_days=expiry,
        )
        return {
            "member_id": member_id,
            "entry_id": entry_id,
            "points": args.points,
            "available": balance(session, member_id).available,
        }

    result = run_work(args, work, write=True)
    emit_change(
        args,
        result,
        f"已给成员 {result['member_id']} 发放 {args.points} 积分，可用余额 {result['available']}",
    )
    return 0


def _run_rule_award(args: argparse.Namespace) -> int:
    from core.common.errors import UserError
    from core.common.operator import operator_name
    from core.ledger.awards import award_rule
    from core.ledger.balances import balance

    if args.qualifying or args.expiry_days is not None:
        raise UserError("--rule 按规则发放：是否计入等级和有效期由规则决定，不能再指定")

    def work(session):
        member_id = find_member(session, args.member)
        done = award_rule(
            session, [member_id], args.rule, reason=args.reason or "", operator=operator_name()
        )
        return {
            "member_id": member_id,
            "rule": done.rule_code,
            "rule_name": done.rule_name,
            "rule_version": done.rule_version,
            "points": done.awarded[member_id],
            "capped": member_id in done.capped,
            "daily_cap": done.daily_cap,
            "available": balance(session, member_id).available,
            "pending": balance(session, member_id).pending,
        }

    result = run_work(args, work, write=True)
    capped = (
        f"（已达每日上限 {result['daily_cap']} 分，本次只发 {result['points']} 分）"
        if result["capped"]
        else ""
    )
    pending = f"，待生效 {result['pending']}" if result["pending"] else ""
    emit_change(
        args,
        result,
        f"已按「{result['rule_name']}」给成员 {result['member_id']} 发放 "
        f"{result['points']} 积分{capped}，可用余额 {result['available']}{pending}",
    )
    return 0


def run_redeem(args: argparse.Namespace) -> int:
    from core.common.operator import operator_name
    from core.ledger.balances import balance
    from core.ledger.catalogue import find_reward, redeem

    def work(session):
        member_id = find_member(session, args.member)
        reward_id = find_reward(session, args.reward)
        done = redeem(session, member_id, reward_id, operator=operator_name())
        return {
            "member_id": member_id,
            "reward_id": reward_id,
            "code": done.code,
            "points": done.points,
            "available": balance(session, member_id).available,
        }

    result = run_work(args, work, write=True)
    emit_change(
        args,
        result,
        f"兑换成功，兑换码 {result['code']}，扣 {result['points']} 积分，"
        f"剩余 {result['available']}",
    )
    return 0


def run_statement(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from core.ledger.balances import statement

    def work(session):
        return statement(session, find_member(session, args.member))

    result = run_work(args, work)
    b = result.balance
    lines = [
        f"{result.nickname}（成员 {result.member_id}）可用 {b.available}，待生效 {b.pending}，"
        f"计入等级 {b.qualifying}，累计获得 {b.lifetime_earned}，"
        f"{b.expiring_by:%Y-%m-%d} 前到期 {b.expiring_soon}",
    ]
    lines += [
        f"{line.occurred_at:%Y-%m-%d %H:%M}  {line.kind_name:<2} {line.points:>+7} "
        f"{line.balance:>8}  {line.status_name}  {line.reason}"
        for line in result.lines
    ]
    emit(asdict(result), as_json=args.json, human="\n".join(lines))
    return 0


def run_expire(args: argparse.Namespace) -> int:
    from core.ledger.awards import DailyResult, run_daily
    from core.ledger.entries import expire_due

    def work(session):
        if args.dry_run:
            preview = expire_due(session, dry_run=True)
            return DailyResult(preview.entries, preview.points, 0, 0)
        return run_daily(session)

    result = run_work(args, work, write=True)  # even --dry-run: expire_due locks the members
    prefix = f"{DRY_RUN_MARK}将" if args.dry_run else ""
    emit(
        result,
        as_json=args.json,
        human=f"{prefix}过期 {result.expired_points} 积分（{result.expired_entries} 笔）"
        + (
            ""
            if args.dry_run
            else f"，收回邀请奖励 {result.clawbacks} 笔，生日礼 {result.birthdays} 份"
        ),
    )
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from core.ledger.balances import verify_ledger

    problems = run_work(args, verify_ledger)
    result = {"ok": not problems, "problems": [p.__dict__ for p in problems]}
    lines = ["台账核对无误"] if not problems else [f"发现 {len(problems)} 处不一致："]
    lines += [
        f"  流水 {p.entry_id or '-'}  成员 {p.member_id or '-'}  {p.what}" for p in problems[:200]
    ]
    emit(result, as_json=args.json, human="\n".join(lines))
    return 0 if not problems else 2


def run_liability(args: argparse.Namespace) -> int:
    from core.ledger.liability import fen_text, liability

    summary = run_work(args, liability)
    human = (
        f"未使用积分 {summary.outstanding}（折合 {fen_text(summary.outstanding_value_fen)}，"
        f"每积分 {summary.yuan_per_point} 元），待生效 {summary.pending}，"
        f"持有积分 {summary.members_with_points} 人；30 天内到期 {summary.expiring_30}，"
        f"90 天内到期 {summary.expiring_90}"
    )
    emit(summary, as_json=args.json, human=human)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from core.ledger.export import export_ledger

    def work(session):
        ids = [find_member(session, m) for m in args.member] if args.member else None
        return export_ledger(
            session,
            Path(args.out),
            member_ids=ids,
            mask=not args.no_mask,
            statements=not args.no_statements,
            progress=TerminalProgress("导出"),
        )

    result = run_work(args, work, write=True)  # the export log
    masked = masked_note(result.masked)
    emit(
        result,
        as_json=args.json,
        human=f"已导出 {result.members} 位成员、{result.entries} 笔流水到 {result.path}{masked}",
    )
    return 0
