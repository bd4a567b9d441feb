"""`main.py report presets list | save NAME --sheets 概览,活动 [--period …] [--community C]
[--image] [--no-mask] [--replace] | delete NAME`: the saved report presets (issue 20)."""

from __future__ import annotations

import argparse
import re

from core.common.cli import add_command_group, emit, emit_change, finish_command, run_work

PERIOD_HELP = (
    "last-week（上周，默认）、last-month（上月）、days:N（到昨天为止的 N 天）"
    "或 custom（每次给日期）"
)


def add_presets_parser(actions: argparse._SubParsersAction) -> None:
    commands = add_command_group(actions, "presets", "报表预设：列出、保存、删除")

    listing = commands.add_parser("list", help="列出内置和保存的预设")
    finish_command(listing, run_list)

    save = commands.add_parser("save", help="把选定的工作表、期间、社群等保存为预设")
    save.add_argument("name", metavar="名称", help="预设名称（最长 40 个字符）")
    sheets_help = "工作表，用逗号分隔：" + "、".join(_sheets())
    save.add_argument("--sheets", required=True, metavar="概览,活动", help=sheets_help)
    save.add_argument("--period", default="last-week", metavar="期间", help=PERIOD_HELP)
    save.add_argument("--community", metavar="社群名", help="只看一个社群（默认全部）")
    save.add_argument("--image", action="store_true", help="同时生成长图（在工作簿旁，同名 .png）")
    save.add_argument("--no-mask", action="store_true", help="不打码（每次导出都会记入导出日志）")
    save.add_argument("--replace", action="store_true", help="覆盖同名的已存预设")
    finish_command(save, run_save, dry_run=True)

    delete = commands.add_parser("delete", help="删除一个保存的预设（内置的不能删）")
    delete.add_argument("name", metavar="名称")
    finish_command(delete, run_delete, dry_run=True)


def _sheets() -> tuple[str, ...]:
    from core.reports.period import ALL_SHEETS

    return ALL_SHEETS


def describe_period(period: str) -> str:
    from core.reports.presets import CUSTOM, LAST_MONTH, LAST_WEEK, is_days

    if is_days(period):
        return f"最近 {period.split(':', 1)[1]} 天"
    return {LAST_WEEK: "上周", LAST_MONTH: "上月", CUSTOM: "自定义日期"}.get(period, period)


def preset_data(preset) -> dict:
    return {
        "name": str(preset.name),
        "builtin": preset.builtin,
        "sheets": list(preset.sheets),
        "period": preset.period,
        "community": preset.community or None,
        "image": preset.image,
        "mask": preset.mask,
    }


def _line(data: dict) -> str:
    parts = [
        "、".join(data["sheets"]),
        describe_period(data["period"]),
        f"社群「{data['community']}」" if data["community"] else "全部社群",
    ]
    parts += (["含长图"] if data["image"] else []) + ([] if data["mask"] else ["不打码"])
    mark = "（内置）" if data["builtin"] else ""
    return f"{data['name']}{mark}：{'；'.join(parts)}"


def run_list(args: argparse.Namespace) -> int:
    from core.reports.presets import list_presets

    data = run_work(args, lambda session: [preset_data(p) for p in list_presets(session)])
    emit({"presets": data}, as_json=args.json, human="\n".join(_line(d) for d in data))
    return 0


def run_save(args: argparse.Namespace) -> int:
    from core.reports.presets import Preset, save_preset

    sheets = tuple(s.strip() for s in re.split(r"[,，、]", args.sheets) if s.strip())
    preset = Preset(
        args.name, sheets, args.period, args.community or "", args.image, not args.no_mask
    )

    def work(session):
        return preset_data(save_preset(session, preset, replace_existing=args.replace))

    data = run_work(args, work, write=True)
    emit_change(args, data, "已保存报表预设 " + _line(data))
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from core.reports.presets import delete_preset

    def work(session):
        return preset_data(delete_preset(session, args.name))

    data = run_work(args, work, write=True)
    emit_change(args, data, f"已删除报表预设「{data['name']}」")
    return 0
