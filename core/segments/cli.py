"""`main.py segments list [--json]` and `main.py segments export NAME --out FILE.xlsx`.

Imports beyond argparse happen inside the handlers, so `main.py --help` stays quick.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.common.cli import (
    TerminalProgress,
    add_command_group,
    add_no_mask,
    emit,
    finish_command,
    masked_note,
    run_work,
)


def register(commands: argparse._SubParsersAction) -> None:
    actions = add_command_group(
        commands, "segments", "成员分群：RFM、流失预警、新人活跃、本周最投入"
    )
    listing = actions.add_parser("list", help="列出所有分群及人数")
    finish_command(listing, run_list)
    export = actions.add_parser("export", help="导出一个分群（含建议动作，默认打码）")
    export.add_argument("name", help="分群名称或代号，例如 流失预警 或 slipping_away")
    export.add_argument("--out", required=True, help="导出的 .xlsx 文件")
    add_no_mask(export)
    finish_command(export, run_export)


def run_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from core.segments.compute import segment_overview

    overview = run_work(args, segment_overview)
    width = max(len(item.name) for item in overview.segments)
    lines = [
        f"{item.name:<{width}}  {item.count:>7,} 人  {item.description}"
        for item in overview.segments
    ]
    lines.append(f"RFM：{overview.rfm_scored:,} 名有行为记录的成员参与评分；{overview.rfm_note}")
    data = asdict(overview)
    data["seconds"] = round(overview.seconds, 3)
    emit(data, as_json=args.json, human="\n".join(lines))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from core.common.xlsx import check_xlsx_path
    from core.segments.catalogue import get_segment
    from core.segments.export import export_segment

    segment = get_segment(args.name)  # an unknown name fails before anything is opened
    path = check_xlsx_path(Path(args.out))
    # write: the export log
    result = run_work(
        args,
        lambda session: export_segment(
            session,
            segment.key,
            path,
            mask=not args.no_mask,
            progress=TerminalProgress("导出"),
        ),
        write=True,
    )
    masked = masked_note(result.masked)
    emit(
        {"segment": segment.key, "name": segment.name, **vars(result)},
        as_json=args.json,
        human=f"已导出分群「{segment.name}」{result.rows} 人到 {result.path}{masked}",
    )
    return 0
