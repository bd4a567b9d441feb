"""`main.py calendar list | today | add | sop apply | sop list | mark-sent | holidays | export |
import | approve | reject | recycle` (内容日历).

Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick. Every
write runs in one transaction; --dry-run rolls it back and still prints what would happen.
"""

from __future__ import annotations

import argparse

from core.calendar.cli_values import add_span_options, day_option, minutes_text, span_days
from core.calendar.holidays_cli import add_holidays_parser
from core.calendar.materials_cli import add_materials_parser
from core.calendar.more_cli import add_more_parsers
from core.common.cli import (
    DRY_RUN_MARK,
    add_command_group,
    emit,
    emit_change,
    finish_command,
    run_work,
)


def register(commands: argparse._SubParsersAction) -> None:
    actions = add_command_group(
        commands, "calendar", "内容日历：计划内容、SOP 生成、今日待发、标记已发送、节假日"
    )
    add_holidays_parser(actions)  # calendar holidays list | import-notice
    add_materials_parser(actions)  # calendar materials add | list | delete
    add_more_parsers(actions)  # calendar export | import | approve | reject | recycle

    listing = actions.add_parser("list", help="列出计划的内容（默认：今天起四周）")
    add_span_options(listing, "今天", "只看这个社群")
    finish_command(listing, run_list)

    today = actions.add_parser(
        "today", help="今日待发：每个社群今天要发的内容、逾期未发的内容和 SOP 提醒"
    )
    today.add_argument("--date", help="看哪一天 YYYY-MM-DD（默认：今天）")
    today.add_argument("--community", help="只看这个社群")
    today.epilog = "到计划时间仍未审核的内容会退回草稿（附说明）"
    finish_command(today, run_today, dry_run="不把到时未审核的内容退回草稿")

    add = actions.add_parser("add", help="新建一条内容（默认直接排期；需审核时提交审核）")
    add.add_argument("title", help="标题")
    add.add_argument("--at", required=True, help="计划发送时间 YYYY-MM-DD HH:MM")
    add.add_argument(
        "--type", default="文字", help="类型：文字/图片/视频/直播/活动/问答/投票/抽奖/打卡/接龙"
    )
    add.add_argument("--body", default="", help="正文（发到群里的文字）")
    add.add_argument("--community", action="append", help="目标社群名称（可重复）")
    add.add_argument("--owner", help="负责人（默认：当前操作人）")
    add.add_argument("--campaign", help="所属活动：编号或名称")
    promo = add.add_mutually_exclusive_group()
    promo.add_argument("--promotional", action="store_true", default=None, help="算作推广内容")
    promo.add_argument(
        "--not-promotional", dest="promotional", action="store_false", help="不算推广内容"
    )
    add.add_argument("--notes", default="", help="备注（不会发出去）")
    add.add_argument("--evergreen", action="store_true", help="常青内容：发送后可再利用")
    add.add_argument("--draft", action="store_true", help="只存草稿，不排期")
    finish_command(add, run_add, dry_run=True)

    sop_actions = add_command_group(actions, "sop", "SOP 模板：列出、按规则生成内容")
    sop_list = sop_actions.add_parser("list", help="列出 SOP 模板（含内置的六类）")
    finish_command(sop_list, run_sop_list)
    apply = sop_actions.add_parser(
        "apply", help="按模板生成今后 N 周的内容（重复运行不会重复生成）"
    )
    apply.add_argument("template", help="模板编号或名称")
    apply.add_argument("--weeks", type=int, default=4, help="生成几周（默认 4）")
    apply.add_argument("--community", action="append", help="目标社群名称（可重复，记入模板）")
    finish_command(apply, run_sop_apply, dry_run="只计算，不写入")

    sent = actions.add_parser("mark-sent", help="标记已发送（记下时间与操作人）")
    sent.add_argument("item", help="内容编号")
    sent.add_argument("--community", action="append", help="只标记这个社群（可重复；默认全部）")
    finish_command(sent, run_mark_sent, dry_run=True)


def _item_data(row) -> dict:
    return {
        "id": row.id,
        "title": row.title,
        "kind": row.kind,
        "kind_label": str(row.kind_label),
        "planned_at": minutes_text(row.planned_at),
        "status": row.status,
        "status_label": str(row.status_label),
        "owner": row.owner,
        "promotional": row.promotional,
        "overdue": row.overdue,
        "communities": row.communities,
        "campaign_id": row.campaign_id,
        "sop_template_id": row.sop_template_id,
        "sent_at": minutes_text(row.sent_at),
        "sent_by": row.sent_by,
        "evergreen": row.evergreen,
    }


def _item_line(data: dict) -> str:
    mark = "【逾期】" if data["overdue"] else ""
    promo = "【推广】" if data["promotional"] else ""
    places = "、".join(data["communities"]) or "未指定社群"
    return (
        f"{mark}#{data['id']} {data['planned_at']}\t{data['kind_label']}\t{data['status_label']}"
        f"\t{promo}{data['title']}\t{places}"
    )


def run_list(args: argparse.Namespace) -> int:
    from datetime import datetime, time, timedelta

    from core.calendar.items import list_items
    from core.communities.registry import community_id_by_name

    first, last = span_days(args)
    first = first or datetime.now().date()
    last = last or first + timedelta(days=27)
    start, end = datetime.combine(first, time.min), datetime.combine(last, time.min)
    end += timedelta(days=1)

    def work(session):
        community = community_id_by_name(session, args.community)
        return [_item_data(r) for r in list_items(session, start, end, community_id=community)]

    items = run_work(args, work)
    data = {"from": first.isoformat(), "to": last.isoformat(), "items": items}
    human = "\n".join([*map(_item_line, items), f"{first} ~ {last} 共 {len(items)} 条内容"])
    emit(data, as_json=args.json, human=human)
    return 0


def run_today(args: argparse.Namespace) -> int:
    from datetime import datetime

    from core.calendar.status import return_unreviewed
    from core.calendar.today import due_today
    from core.communities.registry import community_id_by_name

    day = day_option(args.date, "日期")
    now = datetime.now()

    def work(session):
        returned = return_unreviewed(session, now)
        community = community_id_by_name(session, args.community)
        days = due_today(session, day, community_id=community, now=now)
        return {
            "date": (day or now.date()).isoformat(),
            "returned_to_draft": returned,
            "dry_run": args.dry_run,
            "communities": [
                {
                    "community_id": d.community_id,
                    "community": d.community,
                    "items": [
                        {
                            "id": i.id,
                            "title": i.title,
                            "kind_label": str(i.kind_label),
                            "planned_at": minutes_text(i.planned_at),
                            "status_label": str(i.status_label),
                            "promotional": i.promotional,
                            "overdue": i.overdue,
                            "can_send": i.can_send,
                            "body": i.body,
                        }
                        for i in d.items
                    ],
                    "sop_lines": [
                        {
                            "text": str(line.text),
                            "template": line.template,
                            "step": line.step,
                            "day": line.day,
                            "count": line.count,
                            "window": line.window,
                        }
                        for line in d.lines
                    ],
                }
                for d in days
            ],
        }

    data = run_work(args, work, write=True)
    lines = [f"{data['date']} 今日待发"]
    if data["returned_to_draft"]:
        prefix = DRY_RUN_MARK if args.dry_run else ""
        lines.append(f"{prefix}{len(data['returned_to_draft'])} 条到时未审核，已退回草稿")
    for entry in data["communities"]:
        lines.append(f"【{entry['community']}】")
        for item in entry["items"]:
            mark = "【逾期】" if item["overdue"] else ""
            wait = "" if item["can_send"] else f"（{item['status_label']}）"
            lines.append(
                f"  {mark}#{item['id']} {item['planned_at'][11:]}\t{item['kind_label']}"
                f"\t{item['title']}{wait}"
            )
        for line in entry["sop_lines"]:
            lines.append(f"  {line['text']}（{line['template']}，{line['window']}）")
    if not data["communities"]:
        lines.append("今天没有要发的内容")
    emit(data, as_json=args.json, human="\n".join(lines))
    return 0


def run_add(args: argparse.Namespace) -> int:
    from core.calendar.items import create_item, list_items
    from core.calendar.limits import check_plan
    from core.calendar.status import schedule
    from core.campaigns.cli_support import parse_time
    from core.campaigns.records import find_campaign
    from core.common.errors import UserError
    from core.common.text import msg
    from core.posters.compliance import check_copy

    planned_at = parse_time(args.at, "计划发送时间")
    if planned_at is None:
        raise UserError(msg("请给出计划发送时间"))

    def work(session):
        ids = named_communities(session, args.community)
        campaign = find_campaign(session, args.campaign).id if args.campaign else None
        item = create_item(
            session,
            args.title,
            planned_at=planned_at,
            kind=args.type,
            body=args.body,
            community_ids=ids,
            owner=args.owner,
            promotional=args.promotional,
            campaign_id=campaign,
            notes=args.notes,
            evergreen=args.evergreen,
        )
        warnings = (
            [str(o.message) for o in check_plan(session, item.planned_at, ids, item_id=item.id)]
            if item.promotional
            else []
        )
        # What is sent is checked like a poster's copy: 诱导分享 can get the link banned.
        copy = f"{args.title}\n{args.body or ''}"
        warnings += [f"「{found.text}」：{found.reason}" for found in check_copy(copy)]
        if not args.draft:
            schedule(session, item.id)
        session.flush()
        (row,) = [r for r in list_items(session, item.planned_at) if r.id == item.id]
        return _item_data(row) | {"warnings": warnings}

    data = run_work(args, work, write=True)
    lines = ["已新建内容：" + _item_line(data)]
    lines += [f"注意：{w}" for w in data["warnings"]]
    emit_change(args, data, "\n".join(lines))
    return 0


def run_sop_list(args: argparse.Namespace) -> int:
    from core.calendar.builtin import ensure_builtin_templates
    from core.calendar.labels import SOP_KIND_LABELS
    from core.calendar.sop import list_templates, steps_of, template_community_ids

    def work(session):
        ensure_builtin_templates(session)
        return [
            {
                "id": t.id,
                "name": t.name,
                "sop_kind": t.sop_kind,
                "sop_kind_label": str(SOP_KIND_LABELS[t.sop_kind]),
                "mode": t.mode,
                "rrule": t.rrule,
                "starts_at": minutes_text(t.starts_at),
                "end_count": t.end_count,
                "end_on": t.end_on.isoformat() if t.end_on else None,
                "anchor": t.anchor,
                "title": t.title,
                "steps": [
                    {"day": s.day, "title": s.title, "window": [s.window_start, s.window_end]}
                    for s in steps_of(session, t.id)
                ],
                "communities": len(template_community_ids(session, t.id)),
                "builtin": t.builtin,
            }
            for t in list_templates(session)
        ]

    templates = run_work(args, work, write=True)
    lines = []
    for t in templates:
        how = t["rrule"] or "、".join(f"第{s['day']}天 {s['title']}" for s in t["steps"])
        lines.append(
            f"#{t['id']} {t['name']}\t{t['sop_kind_label']}\t{how}\t社群 {t['communities']} 个"
        )
    emit({"templates": templates}, as_json=args.json, human="\n".join(lines))
    return 0


def run_sop_apply(args: argparse.Namespace) -> int:
    from core.calendar.builtin import ensure_builtin_templates
    from core.calendar.sop import apply_template
    from core.common.cli import TerminalProgress

    def work(session):
        ensure_builtin_templates(session)
        ids = named_communities(session, args.community)
        result = apply_template(
            session,
            args.template,
            weeks=args.weeks,
            community_ids=ids,
            progress=TerminalProgress("生成内容"),
        )
        return {
            "template_id": result.template_id,
            "template": result.template,
            "from": minutes_text(result.start),
            "to": minutes_text(result.end),
            "added": result.added,
            "existing": result.existing,
            "skipped": result.skipped,
            "edited": result.edited,
            "communities": result.communities,
            "linked": result.linked,
            "warnings": [str(o.message) for o in result.overruns],
        }

    data = run_work(args, work, write=True)
    lines = [
        f"「{data['template']}」{data['from'][:10]} ~ {data['to'][:10]}："
        f"新生成 {data['added']} 条，已有 {data['existing']} 条，跳过 {data['skipped']} 次"
        f"（{data['communities']} 个社群）"
    ]
    if data["linked"]:
        lines.append(f"已生成的未发内容补发往新加入的社群：{data['linked']} 处")
    lines += [f"注意：{w}" for w in data["warnings"]]
    emit_change(args, data, "\n".join(lines))
    return 0


def run_mark_sent(args: argparse.Namespace) -> int:
    from core.calendar.today import mark_sent

    def work(session):
        ids = named_communities(session, args.community) or None
        result = mark_sent(session, args.item, ids)
        return {
            "id": result.item_id,
            "title": result.title,
            "communities": result.communities,
            "status": result.status,
            "sent_at": minutes_text(result.sent_at),
            "remaining": result.remaining,
        }

    data = run_work(args, work, write=True)
    rest = f"，还有 {data['remaining']} 个社群未发" if data["remaining"] else "，全部发完"
    emit_change(args, data, f"已标记发送：#{data['id']} {data['title']}（{data['sent_at']}）{rest}")
    return 0


def named_communities(session, names: list[str] | None) -> list[int]:
    """The communities repeated --community options name; an empty name is refused (it would
    otherwise mean "no community" and reach core as a missing id)."""
    from core.common.errors import UserError
    from core.common.text import msg
    from core.communities.registry import community_id_by_name

    ids = []
    for name in names or ():
        if not name.strip():
            raise UserError(msg("社群名称不能为空：--community 后面写社群的名称"))
        ids.append(community_id_by_name(session, name.strip()))
    return ids
