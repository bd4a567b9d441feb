"""`main.py calendar materials add FILE [--tag …] | list [--search] [--tag] | delete ID`:
the 素材库 subcommand the calendar's CLI (core/calendar/cli.py) takes in."""

from __future__ import annotations

import argparse

from core.common.cli import add_command_group, emit, emit_change, finish_command, run_work


def add_materials_parser(actions: argparse._SubParsersAction) -> None:
    steps = add_command_group(
        actions, "materials", "素材库：添加、查找、删除图片和文件", dest="step"
    )

    add = steps.add_parser("add", help="把图片或文件加入素材库（同一个文件只存一份）")
    add.add_argument("file", metavar="FILE", help="图片或文件")
    add.add_argument("--title", help="标题（默认：文件名）")
    add.add_argument("--tag", action="append", default=[], help="标签（可重复，或用逗号分隔）")
    finish_command(add, run_add, dry_run="只检查，不保存")

    listing = steps.add_parser("list", help="列出素材（可按标题、标签、拼音查找）")
    listing.add_argument("--search", default="", help="查找：标题、标签、文件名或拼音")
    listing.add_argument("--tag", help="只看有这个标签的素材")
    finish_command(listing, run_list)

    remove = steps.add_parser("delete", help="删除没有被内容使用的素材")
    remove.add_argument("material", help="素材编号")
    finish_command(remove, run_delete, dry_run="只检查，不删除")


def _data(row) -> dict:
    return {
        "id": row.id,
        "kind": row.kind,
        "title": row.title,
        "filename": row.filename,
        "size_bytes": row.size_bytes,
        "width": row.width,
        "height": row.height,
        "tags": row.tags,
        "sha256": row.sha256,
        "path": str(row.path),
        "created_at": row.created_at.isoformat(sep=" ", timespec="minutes"),
    }


def _line(data: dict) -> str:
    size = f"{data['width']}×{data['height']}" if data["width"] else f"{data['size_bytes']} B"
    tags = " ".join(f"#{t}" for t in data["tags"])
    return f"#{data['id']} {data['title']}\t{data['filename']}\t{size}\t{tags}".rstrip()


def run_add(args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.calendar.materials import add_material

    def work(session):
        added = add_material(
            session, Path(args.file), title=args.title, tags=args.tag,
            write_file=not args.dry_run,
        )  # fmt: skip
        return _data(added.material) | {
            "created": added.created,
            "new_tags": added.new_tags,
        }

    data = run_work(args, work, write=True)
    what = "已加入素材库" if data["created"] else "素材库里已有这个文件"
    if not data["created"] and data["new_tags"]:
        what += "（补上了新标签）"
    emit_change(args, data, f"{what}：{_line(data)}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from core.calendar.materials import list_materials

    def work(session):
        return [_data(r) for r in list_materials(session, args.search, tag=args.tag)]

    found = run_work(args, work)
    human = "\n".join([*map(_line, found), f"共 {len(found)} 个素材"])
    emit({"search": args.search, "tag": args.tag, "materials": found}, as_json=args.json,
         human=human)  # fmt: skip
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from core.calendar.materials import delete_material

    def work(session):
        return {"title": delete_material(session, args.material)}

    data = run_work(args, work, write=True)
    emit_change(args, data, f"已删除素材：{data['title']}")
    return 0
