"""`main.py campaigns list | show | create | set-status | record | settle | review | import |
purchase` (report / forecast / codes: report_cli.py; help / team / draw / coupons / redeem /
swap: type_cli.py).

Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick.
"""

from __future__ import annotations

import argparse

from core.campaigns.cli_support import (
    add_at_option,
    add_campaign_command,
    happened_at,
    parse_time,
    run_work,
)
from core.common.cli import add_command_group, emit, emit_change, finish_command

STATUS_HELP = "草稿/进行中/暂停/已结束/已复盘（或 draft/running/paused/ended/reviewed）"


def register(commands: argparse._SubParsersAction) -> None:
    actions = add_command_group(
        commands, "campaigns", "裂变活动：列出、查看、新建、改状态、记录邀请"
    )

    listing = actions.add_parser("list", help="列出活动（状态、目标社群、邀请码与邀请关系数）")
    finish_command(listing, run_list)

    show = add_campaign_command(actions, "show", "查看一个活动")
    finish_command(show, run_show)

    create = actions.add_parser("create", help="新建活动（草稿）")
    create.add_argument("name", help="活动名称")
    create.add_argument("--kind", default="invite_code", help="活动类型（默认 邀请码裂变）")
    create.add_argument("--goal", default="new_members", help="目标：新成员/销售额/签到")
    create.add_argument("--target", type=int, help="目标数量（销售额以分计）")
    create.add_argument("--start", help="开始时间 YYYY-MM-DD[ HH:MM]")
    create.add_argument("--end", help="结束时间 YYYY-MM-DD[ HH:MM]")
    create.add_argument("--budget", type=int, help="总预算（分）")
    create.add_argument("--budget-per-day", type=int, help="每日预算（分）")
    create.add_argument("--budget-per-member", type=int, help="每人预算（分）")
    create.add_argument("--community", action="append", help="目标社群名称（可重复）")
    create.add_argument("--owner", help="负责人（默认：当前操作人）")
    create.add_argument("--notes", default="", help="备注")
    finish_command(create, run_create, dry_run=True)

    status = add_campaign_command(
        actions, "set-status", "改活动状态：草稿→进行中（可暂停、再继续）→已结束→已复盘"
    )
    status.add_argument("status", help=STATUS_HELP)
    finish_command(status, run_set_status, dry_run=True)

    record = add_campaign_command(actions, "record", "记录一次邀请：谁的邀请码带来了哪位成员")
    record.add_argument("--code", required=True, help="邀请码（大小写、空格和横线不影响）")
    record.add_argument("--invitee", required=True, help="被邀请的成员：编号或昵称（昵称须唯一）")
    record.add_argument("--community", help="加入的社群名称（活动只有一个目标社群时可省略）")
    add_at_option(record)
    record.add_argument(
        "--scanned", action="store_true", help="邀请码是扫码得到的（默认：手工输入）"
    )
    record.epilog = "退出状态 2：被邀请人在本活动已有先到的邀请人（冲突已记为被拒，未丢弃）"
    finish_command(record, run_record, dry_run=True)

    settle = add_campaign_command(
        actions,
        "settle",
        "结算奖励：按当前数据重算，积分记入账本（待生效、收回、冲正），可重复运行",
    )
    finish_command(settle, run_settle, dry_run="只计算，不写入")

    review = add_campaign_command(
        actions, "review", "风控审核：不带操作时列出待审核队列；通过、驳回奖励或拉黑成员"
    )
    act = review.add_mutually_exclusive_group()
    act.add_argument("--approve", metavar="KEY", help="通过这条奖励（队列里的编号）")
    act.add_argument("--reject", metavar="KEY", help="驳回这条奖励（须写 --reason）")
    act.add_argument("--blacklist", metavar="MEMBER", help="拉黑成员：编号或昵称（须写 --reason）")
    review.add_argument("--reason", default="", help="原因")
    finish_command(review, run_review, dry_run=True)

    imported = add_campaign_command(
        actions, "import", "导入裂变工具的明细（LinkWeChat 群裂变明细、任务宝明细）：存为每人合计"
    )
    imported.add_argument("file", help="导出的表格文件（.xlsx/.xls/.csv）")
    finish_command(imported, run_import, dry_run=True)

    purchase = add_campaign_command(
        actions, "purchase", "记录一笔消费（行为「购买」带金额）：活动收入、ROI、「送」的购买触发"
    )
    purchase.add_argument("--member", required=True, help="消费的成员：编号或昵称")
    purchase.add_argument("--amount", required=True, help="金额（元，如 12.50）")
    purchase.add_argument("--community", help="社群名称（活动只有一个目标社群时可省略）")
    add_at_option(purchase)
    finish_command(purchase, run_purchase, dry_run=True)

    from core.campaigns import report_cli, type_cli  # report / forecast / codes; help / team …

    report_cli.register(actions)
    type_cli.register(actions)


def _row_data(row) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "kind_label": str(row.kind_label),
        "goal_kind": row.goal_kind,
        "goal_target": row.goal_target,
        "status": row.status,
        "status_label": str(row.status_label),
        "starts_at": row.starts_at.isoformat(sep=" ") if row.starts_at else None,
        "ends_at": row.ends_at.isoformat(sep=" ") if row.ends_at else None,
        "owner": row.owner,
        "communities": row.communities,
        "codes": row.codes,
        "edges": row.edges,
    }


def _human_row(row) -> str:
    when = ""
    if row.starts_at or row.ends_at:
        start = row.starts_at.strftime("%Y-%m-%d") if row.starts_at else "?"
        end = row.ends_at.strftime("%Y-%m-%d") if row.ends_at else "?"
        when = f"\t{start} ~ {end}"
    places = "、".join(row.communities) or "未指定社群"
    return (
        f"#{row.id} {row.name}\t{row.kind_label}\t{row.status_label}{when}\t{places}"
        f"\t邀请码 {row.codes}\t邀请 {row.edges}"
    )


def run_list(args: argparse.Namespace) -> int:
    from core.campaigns.records import list_campaigns

    rows = run_work(args, list_campaigns)
    human = (
        "\n".join(_human_row(r) for r in rows) + f"\n共 {len(rows)} 个活动"
        if rows
        else "还没有活动"
    )
    emit({"campaigns": [_row_data(r) for r in rows]}, as_json=args.json, human=human)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from core.campaigns.records import show_campaign

    row = run_work(args, lambda session: show_campaign(session, args.campaign))
    emit(_row_data(row), as_json=args.json, human=_human_row(row))
    return 0


def run_create(args: argparse.Namespace) -> int:
    from core.campaigns.records import CampaignFields, create_campaign, show_campaign
    from core.communities.registry import community_id_by_name

    starts_at = parse_time(args.start, "开始时间")
    ends_at = parse_time(args.end, "结束时间")

    def work(session):
        ids = [community_id_by_name(session, name) for name in args.community or ()]
        fields = CampaignFields(
            args.name,
            kind=args.kind,
            goal_kind=args.goal,
            goal_target=args.target,
            starts_at=starts_at,
            ends_at=ends_at,
            budget_total_cents=args.budget,
            budget_per_day_cents=args.budget_per_day,
            budget_per_member_cents=args.budget_per_member,
            community_ids=ids,
            owner=args.owner,
            notes=args.notes,
        )
        campaign = create_campaign(session, fields)
        return _row_data(show_campaign(session, str(campaign.id)))

    data = run_work(args, work, write=True)
    emit_change(args, data, f"已新建活动 #{data['id']} {data['name']}（草稿）")
    return 0


def run_set_status(args: argparse.Namespace) -> int:
    from core.campaigns.records import STATUS_LABELS, find_campaign, set_status

    def work(session):
        before = find_campaign(session, args.campaign).status
        campaign = set_status(session, args.campaign, args.status)
        return {
            "id": campaign.id,
            "name": campaign.name,
            "from": before,
            "status": campaign.status,
        }

    data = run_work(args, work, write=True)
    emit_change(
        args,
        data,
        f"活动「{data['name']}」：{STATUS_LABELS[data['from']]} → {STATUS_LABELS[data['status']]}",
    )
    return 0


def run_record(args: argparse.Namespace) -> int:
    from core.campaigns.recording import record_code
    from core.communities.registry import community_id_by_name
    from core.members.lookup import find_member

    occurred_at = happened_at(args)

    def work(session):
        invitee = find_member(session, args.invitee)
        community = community_id_by_name(session, args.community)  # None: not given
        return record_code(
            session,
            args.campaign,
            args.code,
            invitee,
            community_id=community,
            source="scanned" if args.scanned else "typed",
            occurred_at=occurred_at,
        )

    result = run_work(args, work, write=True)
    said = {
        "added": "已记录",
        "merged": "已记录（同一邀请关系，补上来源）",
        "unchanged": "已记录过，未改动",
    }
    if result.outcome == "conflict":
        human = (
            f"冲突：成员 {result.invitee_id} 在活动「{result.campaign_name}」里已由成员 "
            f"{result.first_inviter_id} 先邀请（先到者优先）；这次的邀请已记为被拒（编号 "
            f"{result.edge_id}）"
        )
    else:
        human = (
            f"{said[result.outcome]}：{result.inviter}（邀请码 {result.code}）"
            f"邀请了成员 {result.invitee_id}，活动「{result.campaign_name}」"
        )
    emit_change(args, result, human)
    return 2 if result.outcome == "conflict" else 0


def _settled_data(result) -> dict:
    return {
        "campaign_id": result.campaign_id,
        "campaign": result.campaign_name,
        "decisions": result.counts(),
        "awarded": result.awarded,
        "awarded_points": result.awarded_points,
        "clawed_back": result.clawed_back,
        "reversed": result.reversed,
        "waiting": result.waiting,
        "prizes": result.prizes,
        "issued": result.issued,
        "moved": result.moved,
        "cancelled": result.cancelled,
        "coupons": result.coupons,
        "stuck": [str(line) for line in result.stuck],
    }


def _settled_human(data: dict) -> str:
    counts = data["decisions"]
    lines = [
        f"活动「{data['campaign']}」：奖励 {sum(counts.values())} 条"
        f"（待生效 {counts.get('pending', 0)}、已生效 {counts.get('approved', 0)}、"
        f"待审核 {counts.get('held', 0)}、作废 {counts.get('void', 0)}）",
        f"新记入账本 {data['awarded']} 笔共 {data['awarded_points']} 分，收回 "
        f"{data['clawed_back']} 笔，冲正 {data['reversed']} 笔，暂不发放 {data['waiting']} 条",
    ]
    if data["prizes"]:
        lines.append(
            f"奖品 {data['prizes']} 条：新进发放队列 {data['issued']}，状态推进 {data['moved']}，"
            f"取消 {data['cancelled']}"
        )
    if data["coupons"]:
        lines.append(f"新发出券码 {data['coupons']} 个")
    lines += [f"未能收回：{line}" for line in data["stuck"]]
    return "\n".join(lines)


def run_settle(args: argparse.Namespace) -> int:
    from core.workflows.campaign_rewards import settle

    data = run_work(args, lambda session: _settled_data(settle(session, args.campaign)), write=True)
    emit_change(args, data, _settled_human(data))
    return 0


def _queue_data(decision) -> dict:
    return {
        "key": decision.key,
        "member_id": decision.member_id,
        "related_member_id": decision.related_member_id,
        "points": decision.points,
        "prize": decision.prize,
        "earned_at": decision.at.isoformat(sep=" "),
        "review_by": decision.review_by.isoformat(sep=" ") if decision.review_by else None,
        "overdue": decision.overdue,
        "reasons": [str(item.text) for item in decision.reasons],
    }


def run_review(args: argparse.Namespace) -> int:
    from core.common.errors import UserError
    from core.common.text import msg
    from core.members.lookup import find_member
    from core.workflows.campaign_rewards import review, review_queue

    if args.approve is None and args.reject is None and args.blacklist is None:
        if args.reason:
            raise UserError(msg("--reason 须与 --reject 或 --blacklist 一起使用"))

        def listing(session):
            campaign, held = review_queue(session, args.campaign)
            return {"campaign": campaign.name, "queue": [_queue_data(d) for d in held]}

        data = run_work(args, listing)
        lines = [f"活动「{data['campaign']}」待审核 {len(data['queue'])} 条"]
        for item in data["queue"]:
            mark = "【已超期】" if item["overdue"] else ""
            lines.append(
                f"{mark}{item['key']}\t成员 {item['member_id']}\t积分 {item['points']}"
                f"\t截止 {(item['review_by'] or '-')[:16]}\t{'；'.join(item['reasons'])}"
            )
        emit(data, as_json=args.json, human="\n".join(lines))
        return 0

    def work(session):
        if args.blacklist is not None:
            member = find_member(session, args.blacklist)
            result = review(session, args.campaign, "blacklist", member_id=member, why=args.reason)
        elif args.approve is not None:
            result = review(session, args.campaign, "approve", key=args.approve, why=args.reason)
        else:
            result = review(session, args.campaign, "reject", key=args.reject, why=args.reason)
        return _settled_data(result)

    data = run_work(args, work, write=True)
    emit_change(args, data, "已记录审核。\n" + _settled_human(data))
    return 0


def run_import(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from core.campaigns.tool_import import import_tool_export

    result = run_work(args, lambda session: import_tool_export(session, args.campaign, args.file),
                  write=True)  # fmt: skip
    data = asdict(result) | {"missing": [str(m) for m in result.missing]}
    kind = "群裂变明细" if result.source == "linkwechat_group" else "任务宝明细"
    lines = [
        f"活动「{result.campaign_name}」导入 LinkWeChat {kind} {result.rows} 行："
        f"新增 {result.added}，更新 {result.updated}，未变 {result.unchanged}；"
        f"认出成员 {result.matched}",
    ]
    if result.unmatched:
        lines.append("未找到的成员：" + "、".join(result.unmatched[:20]))
    if result.ambiguous:
        lines.append("同名多人、未认定：" + "、".join(result.ambiguous[:20]))
    lines.append("明细只有每人合计、没有邀请关系，无法给出：" + "、".join(data["missing"]))
    emit_change(args, data, "\n".join(lines))
    return 0


def run_purchase(args: argparse.Namespace) -> int:
    from core.campaigns.type_recording import amount_cents, purchase_event
    from core.communities.registry import community_id_by_name
    from core.members.lookup import find_member
    from core.workflows.activity import record_activity

    occurred_at = happened_at(args)
    cents = amount_cents(args.amount)

    def work(session):
        member = find_member(session, args.member)
        community = community_id_by_name(session, args.community)  # None: not given
        campaign, event = purchase_event(
            session, args.campaign, member, cents, community_id=community, at=occurred_at
        )
        recorded = record_activity(session, [event], source="manual")
        return {
            "campaign_id": campaign.id,
            "campaign": campaign.name,
            "member_id": member,
            "amount_cents": cents,
            "community_id": event.community_id,
            "occurred_at": event.occurred_at.isoformat(sep=" "),
            "event_ids": recorded.recorded.event_ids,
        }

    data = run_work(args, work, write=True)
    human = (
        f"活动「{data['campaign']}」：成员 {data['member_id']} 消费 "
        f"{data['amount_cents'] / 100:.2f} 元，已记入行为记录（购买）"
    )
    emit_change(args, data, human)
    return 0
