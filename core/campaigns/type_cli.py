"""`main.py campaigns help | team | draw | coupons | redeem | swap`: what members do in
campaigns of the acting-together types (core/campaigns/type_recording.py, swap_recording.py,
coupon_pool.py). `campaigns purchase` lives in cli.py: it runs the activity workflow.

Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick. The JSON
answer is the result's fields as they are: emit writes a time as "YYYY-MM-DD HH:MM:SS".
"""

from __future__ import annotations

import argparse

from core.campaigns.cli_support import add_at_option, add_campaign_command, happened_at, run_work
from core.common.cli import emit, emit_change, finish_command


def _common(parser: argparse.ArgumentParser, handler, *, at: bool = True) -> None:
    if at:
        add_at_option(parser)
    finish_command(parser, handler, dry_run=True)


def register(actions: argparse._SubParsersAction) -> None:
    """Add the subcommands to `campaigns`' own subparsers."""
    helping = add_campaign_command(
        actions, "help", "助力或砍价：记录一位成员帮另一位成员助力（砍一刀）"
    )
    helping.add_argument("--helper", required=True, help="助力的成员：编号或昵称")
    helping.add_argument("--for", dest="target", required=True, help="被助力的成员：编号或昵称")
    _common(helping, run_help)

    team = add_campaign_command(actions, "team", "拼团：开团，或加入某位团长的团")
    team.add_argument("--member", required=True, help="开团或参团的成员：编号或昵称")
    team.add_argument("--join", metavar="LEADER", help="加入这位团长的团（不写：开新团）")
    _common(team, run_team)

    draw = add_campaign_command(actions, "draw", "抽奖：成员抽一次，按随机种子可重放")
    draw.add_argument("--member", required=True, help="抽奖的成员：编号或昵称")
    _common(draw, run_draw)

    coupons = add_campaign_command(actions, "coupons", "优惠券：导入或生成券码，放进活动的券码池")
    source = coupons.add_mutually_exclusive_group(required=True)
    source.add_argument("--import", dest="file", help="从文件导入（表格第一列或每行一个券码）")
    source.add_argument("--generate", type=int, metavar="N", help="生成 N 个随机券码")
    _common(coupons, run_coupons, at=False)

    redeem = add_campaign_command(actions, "redeem", "核销优惠券：已发出的券码只能核销一次")
    redeem.add_argument("code", help="券码")
    _common(redeem, run_redeem)

    swap = add_campaign_command(
        actions, "swap", "以物换物：发布物品或需求、配对、标记完成；不带操作时列出可配对的"
    )
    act = swap.add_mutually_exclusive_group()
    act.add_argument("--offer", metavar="CATEGORY", help="发布物品的类别（须写 --item、--member）")
    act.add_argument("--want", metavar="CATEGORY", help="发布需求的类别（须写 --member）")
    act.add_argument(
        "--match", nargs=2, type=int, metavar=("OFFER", "WANT"), help="把物品和需求配对（编号）"
    )
    act.add_argument("--done", type=int, metavar="SWAP", help="标记这次交换已完成（编号）")
    swap.add_argument("--item", help="物品名称")
    swap.add_argument("--member", help="发布的成员：编号或昵称")
    _common(swap, run_swap)


def _run(args, work):
    return run_work(args, work, write=True)


def _member(session, text: str) -> int:
    from core.members.lookup import find_member

    return find_member(session, text)


def run_help(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from core.campaigns.type_recording import record_help

    at = happened_at(args)

    def work(session):
        helper, target = _member(session, args.helper), _member(session, args.target)
        return record_help(session, args.campaign, helper, target, at=at)

    result = _run(args, work)
    data = asdict(result) | {"done": result.done}
    if result.kind == "bargain":
        human = (
            f"成员 {result.helper_id} 给成员 {result.target_id} 砍了 "
            f"{result.cut_cents / 100:.2f} 元，现价 {result.price_cents / 100:.2f} 元"
            f"（第 {result.counted}/{result.needed} 刀）"
        )
        if result.done:
            human += "，已砍到底价"
    else:
        human = (
            f"成员 {result.helper_id} 给成员 {result.target_id} 助力"
            f"（{result.counted}/{result.needed} 人）"
        )
        if result.done:
            human += "，助力已满，结算后发放奖励"
    emit_change(args, data, f"活动「{result.campaign_name}」：{human}")
    return 0


def run_team(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from core.campaigns.type_recording import record_team

    at = happened_at(args)

    def work(session):
        member = _member(session, args.member)
        leader = _member(session, args.join) if args.join else None
        return record_team(session, args.campaign, member, leader_id=leader, at=at)

    result = _run(args, work)
    data = asdict(result) | {"complete": result.complete}
    what = "开团" if result.opened else f"加入团长 {result.leader_id} 的团"
    state = "已成团" if result.complete else f"{result.deadline:%Y-%m-%d %H:%M} 前成团有效"
    human = (
        f"活动「{result.campaign_name}」：成员 {result.member_id} {what}"
        f"（{result.members}/{result.team_size} 人，{state}）"
    )
    emit_change(args, data, human)
    return 0


def run_draw(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from core.campaigns.type_recording import record_draw

    at = happened_at(args)
    result = _run(
        args,
        lambda session: record_draw(session, args.campaign, _member(session, args.member), at=at),
    )
    data = asdict(result) | {"seed": str(result.seed)}
    outcome = f"抽中「{result.won}」" if result.won else "未中奖"
    human = (
        f"活动「{result.campaign_name}」第 {result.number} 次抽奖：成员 "
        f"{result.member_id} {outcome}（本人第 {result.member_number}/{result.draws_per_member}"
        f" 次；种子 {result.seed}，可重放）"
    )
    emit_change(args, data, human)
    return 0


def run_coupons(args: argparse.Namespace) -> int:
    from core.campaigns.coupon_pool import generate_codes, import_codes, read_codes

    if args.file is not None:
        codes = read_codes(args.file)
        result = _run(args, lambda session: import_codes(session, args.campaign, codes))
        how = "导入"
    else:
        result = _run(args, lambda session: generate_codes(session, args.campaign, args.generate))
        how = "生成"
    human = (
        f"活动「{result.campaign_name}」{how}券码 {result.added} 个"
        f"（已在池中 {result.already} 个），券码池共 {result.total} 个"
    )
    emit_change(args, result, human)
    return 0


def run_redeem(args: argparse.Namespace) -> int:
    from core.campaigns.coupon_pool import redeem_code

    at = happened_at(args)
    result = _run(args, lambda session: redeem_code(session, args.campaign, args.code, at=at))
    human = (
        f"活动「{result.campaign_name}」：券码 {result.code} 已核销"
        f"（发给成员 {result.member_id}，{result.issued_at:%Y-%m-%d %H:%M} 发出）"
    )
    emit_change(args, result, human)
    return 0


def _swap_listing(args) -> int:
    from core.campaigns.swap_recording import open_matches

    def work(session):
        campaign, found = open_matches(session, args.campaign)
        return {
            "campaign": campaign.name,
            "matches": [
                {
                    "offer_id": m.offer.offer_id,
                    "offer_member_id": m.offer.member_id,
                    "item": m.offer.item,
                    "category": m.offer.category,
                    "want_id": m.want.want_id,
                    "want_member_id": m.want.member_id,
                }
                for m in found
            ],
        }

    data = _run(args, work)
    lines = [f"活动「{data['campaign']}」可配对 {len(data['matches'])} 对"]
    lines += [
        f"物品 {m['offer_id']}（成员 {m['offer_member_id']}：{m['category']}·{m['item']}）"
        f" ↔ 需求 {m['want_id']}（成员 {m['want_member_id']}）"
        for m in data["matches"][:50]
    ]
    emit(data, as_json=args.json, human="\n".join(lines))
    return 0


def run_swap(args: argparse.Namespace) -> int:

    from core.campaigns import swap_recording as swaps
    from core.common.errors import UserError
    from core.common.text import msg

    if args.offer is None and args.want is None and args.match is None and args.done is None:
        return _swap_listing(args)
    if (args.offer is not None or args.want is not None) and not args.member:
        raise UserError(msg("发布物品或需求须写 --member"))
    if args.offer is not None and not args.item:
        raise UserError(msg("发布物品须写 --item"))
    at = happened_at(args)

    def work(session):
        if args.offer is not None:
            member = _member(session, args.member)
            return swaps.record_offer(session, args.campaign, member, args.offer, args.item, at=at)
        if args.want is not None:
            member = _member(session, args.member)
            return swaps.record_want(session, args.campaign, member, args.want, at=at)
        if args.match is not None:
            return swaps.record_match(session, args.campaign, *args.match, at=at)
        return swaps.record_done(session, args.campaign, args.done, at=at)

    result = _run(args, work)
    said = {
        "offer": f"成员 {result.member_id} 发布物品 {result.id}：{result.category}·{result.item}",
        "want": f"成员 {result.member_id} 发布需求 {result.id}：{result.category}",
        "match": f"物品 {result.offer_id} 与需求 {result.want_id} 已配对（交换 {result.id}）",
        "done": f"交换 {result.id} 已完成，结算后双方得奖励",
    }
    emit_change(args, result, f"活动「{result.campaign_name}」：{said[result.action]}")
    return 0
