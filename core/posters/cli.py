"""`main.py posters …`: templates, render, check-copy, import, export.

    posters templates [--json]
    posters render --template T (--community C | --segment S) --out DIR [--format png|jpeg]
                   [--zip] [--jobs N] [--activity NAME] [--deadline YYYY-MM-DD]
                   [--campaign C] [--json]
    posters check-copy TEXT [--json]
    posters import FILE.zip [--name NAME]
    posters export KEY --out FILE.zip

Everything heavy (Pillow, the renderer, SQLAlchemy) is imported inside the handlers, so
`main.py --help` and the window's start-up do not pay for it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.common.cli import (
    TerminalProgress,
    add_command_group,
    emit,
    finish_command,
    open_for,
    run_work,
)


def register(commands: argparse._SubParsersAction) -> None:
    actions = add_command_group(commands, "posters", "海报：模板、批量生成个人海报、文案检查")

    templates = actions.add_parser("templates", help="列出内置和已保存的海报模板")
    finish_command(templates, run_templates)

    render = actions.add_parser(
        "render", help="为社群或分群里的每位成员生成一张个人海报（二维码逐张扫码校验）"
    )
    render.add_argument("--template", required=True, help="模板代号或名称，例如 invite")
    chosen = render.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--community", help="社群名称：当前在群的成员（不含团队成员）")
    chosen.add_argument("--segment", help="分群名称或代号，例如 新人活跃 或 new_active")
    render.add_argument("--out", required=True, help="输出文件夹（加 --zip 时为 .zip 文件）")
    render.add_argument(
        "--format", default="png", choices=("png", "jpeg", "jpg"), help="图片格式（默认 png）"
    )
    render.add_argument("--zip", action="store_true", help="打包成一个 .zip 文件")
    render.add_argument("--jobs", type=int, help="同时使用的进程数（默认：全部 CPU 核心）")
    render.add_argument("--activity", default="", help="活动名，填入 {活动名}")
    render.add_argument(
        "--invite-link",
        help="邀请链接格式，如 https://example.com/i/{邀请码}，填入 {邀请链接}；给出后会记住",
    )
    render.add_argument("--deadline", help="截止日期 YYYY-MM-DD，填入 {截止日期}（如 4月30日）")
    render.add_argument(
        "--campaign",
        help="活动编号或名称：海报上是每人在这个活动的邀请码（首次生成时发放，之后不变），"
        "{活动名} 默认为活动名称，{截止日期} 默认为活动结束日",
    )
    finish_command(render, run_render)

    check = actions.add_parser("check-copy", help="检查文案中的诱导分享等风险用语")
    check.add_argument("text", help="要检查的文案")
    finish_command(check, run_check_copy)

    importing = actions.add_parser("import", help="导入海报模板文件（.zip）")
    importing.add_argument("file", help="模板文件 .zip")
    importing.add_argument("--name", help="保存为这个名称（默认：文件里的名称，重名时加序号）")
    finish_command(importing, run_import)

    export = actions.add_parser("export", help="把一个模板导出为文件（.zip，含图片）")
    export.add_argument("template", help="模板代号或名称")
    export.add_argument("--out", required=True, help="导出的 .zip 文件")
    finish_command(export, run_export)


# ---------------------------------------------------------------------- templates


def run_templates(args: argparse.Namespace) -> int:
    from core.posters.store import list_templates

    infos = run_work(args, list_templates)
    items = [
        {
            "key": info.key,
            "name": info.name,
            "description": info.description,
            "builtin": info.builtin,
            "width": info.width,
            "height": info.height,
            "dpi": info.dpi,
            "size": info.size,
            "fields": info.fields,
            "based_on": info.based_on,
            "updated_at": info.updated_at.isoformat(timespec="seconds")
            if info.updated_at
            else None,
        }
        for info in infos
    ]
    key_width = max((len(i["key"]) for i in items), default=0)
    lines = [
        f"{i['key']:<{key_width}}  {'内置' if i['builtin'] else '已存'}  {i['name']}  {i['size']}"
        + (f"  字段：{'、'.join(i['fields'])}" if i["fields"] else "")
        for i in items
    ]
    emit({"templates": items}, as_json=args.json, human="\n".join(lines) or "没有模板")
    return 0


# ---------------------------------------------------------------------- render


def run_render(args: argparse.Namespace) -> int:
    from core.common.errors import UserError
    from core.posters.bulk import check_output, load_recipients, parse_deadline, render_recipients
    from core.posters.store import get_template
    from core.referrals.invite_codes import save_link_template

    if args.jobs is not None and args.jobs < 1:
        raise UserError("--jobs 至少为 1")
    deadline = parse_deadline(args.deadline)
    out = check_output(Path(args.out), args.zip)
    campaign = None
    database = open_for(args)
    try:
        # write: the invite-code key is made on first use, --invite-link is saved, campaign
        # codes are issued.
        with database.session(write=True) as session:
            stored = get_template(session, args.template)
            if args.invite_link is not None:
                save_link_template(session, args.invite_link)
            chosen = {"community": args.community, "segment": args.segment}
            if args.campaign is not None:
                from core.workflows.campaign_posters import campaign_recipients

                recipients, campaign = campaign_recipients(session, args.campaign, **chosen)
            else:
                recipients = load_recipients(session, **chosen)
    finally:
        database.close()
    members, what = recipients.members, recipients.description
    if campaign is not None:
        deadline = deadline if args.deadline else campaign.deadline
    result = render_recipients(
        stored.template,
        recipients,
        out,
        assets=stored.assets,
        activity=args.activity or (campaign.name if campaign else ""),
        deadline=deadline,
        fmt=args.format,
        as_zip=args.zip,
        jobs=args.jobs,
        progress=TerminalProgress("生成海报"),
    )
    files = [_poster_row(members, p, True, warnings=list(p.warnings)) for p in result.written]
    failed = [_poster_row(members, f, False, reason=f.reason) for f in result.failed]
    data = {
        "template": stored.info.key,
        "template_name": stored.info.name,
        "selection": what,
        "campaign": {"id": campaign.id, "name": campaign.name} if campaign else None,
        "output": result.output,
        "zip": args.zip,
        "format": result.format,
        "total": result.total,
        "written": len(files),
        "files": files,
        "failed": failed,
        "cleaned": result.cleaned,
    }
    lines = [f"已为{what}生成 {len(files)} 张海报 → {result.output}"]
    if campaign is not None:
        lines.append(f"海报上是活动「{campaign.name}」的邀请码（每人一个，已记录，可用于记录邀请）")
    warned = [f for f in files if f["warnings"]]
    if warned:
        lines.append(
            f"{len(warned)} 张有提醒，例如 {warned[0]['file']}：{warned[0]['warnings'][0]}"
        )
    if result.cleaned:
        lines.append(f"已清理上次中断的生成留下的 {len(result.cleaned)} 个临时文件夹")
    if failed:
        lines.append(f"{len(failed)} 张未通过扫码校验，未写入：")
        lines += [f"  {f['file']}：{f['reason']}" for f in failed]
    emit(data, as_json=args.json, human="\n".join(lines))
    return 1 if failed else 0


def _poster_row(members, poster, decoded: bool, **outcome) -> dict:
    """One poster of `render --json`, written or failed: whose it is, and how it went."""
    member = members[poster.index]
    return {
        "file": poster.name,
        "member_id": member.member_id,
        "nickname": member.fields["昵称"],
        "invite_code": member.invite_code,
        "qr_decoded": decoded,
        **outcome,
    }


# ---------------------------------------------------------------------- check-copy


def run_check_copy(args: argparse.Namespace) -> int:
    from core.posters.compliance import check_copy

    phrases = check_copy(args.text)
    items = [
        {"text": p.text, "start": p.start, "end": p.end, "rule": p.rule, "reason": p.reason}
        for p in phrases
    ]
    if items:
        lines = [f"发现 {len(items)} 处风险用语："]
        lines += [f"「{i['text']}」：{i['reason']}" for i in items]
    else:
        lines = ["未发现诱导分享等风险用语"]
    emit({"risky": items, "count": len(items)}, as_json=args.json, human="\n".join(lines))
    return 0


# ---------------------------------------------------------------------- import / export


def run_import(args: argparse.Namespace) -> int:
    from core.posters.store import import_template_file, read_package_file

    read_package_file(Path(args.file))  # a missing or oversized file fails before the database
    info = run_work(
        args,
        lambda session: import_template_file(session, Path(args.file), name=args.name),
        write=True,
    )
    emit(
        {"key": info.key, "name": info.name, "size": info.size, "fields": info.fields},
        as_json=args.json,
        human=f"已导入模板「{info.name}」（{info.key}，{info.size}）",
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    from core.posters.store import export_template_file

    path = run_work(
        args, lambda session: export_template_file(session, args.template, Path(args.out))
    )
    emit(
        {"template": args.template, "path": str(path)},
        as_json=args.json,
        human=f"已导出模板到 {path}",
    )
    return 0
