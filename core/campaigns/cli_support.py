"""What the campaigns commands share (core/campaigns/cli.py, report_cli.py, type_cli.py): a
subcommand that names its campaign, the --at time of what is recorded, one transaction per
command with --dry-run (the one every command uses, core/common/cli.py), and reading a time
argument."""

from __future__ import annotations

import argparse

from core.common.cli import run_work

__all__ = ["add_at_option", "add_campaign_command", "happened_at", "parse_time", "run_work"]


def add_campaign_command(
    actions: argparse._SubParsersAction, name: str, help: str
) -> argparse.ArgumentParser:
    """A `campaigns` subcommand that acts on one campaign, named by its first argument."""
    parser = actions.add_parser(name, help=help)
    parser.add_argument("campaign", help="活动编号或名称")
    return parser


def add_at_option(parser: argparse.ArgumentParser) -> None:
    """--at: when what the command records happened (read by `happened_at`)."""
    parser.add_argument("--at", help="发生时间 YYYY-MM-DD[ HH:MM]（默认：现在）")


def happened_at(args: argparse.Namespace):
    """The --at time (None: now, and for a command without --at)."""
    return parse_time(getattr(args, "at", None), "发生时间")


def parse_time(text: str | None, what: str):
    from datetime import datetime

    from core.common.dates import check_year
    from core.common.errors import UserError
    from core.common.text import msg

    if not text or not text.strip():
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise UserError(
            msg("{what}「{text}」应写成 YYYY-MM-DD 或 YYYY-MM-DD HH:MM", what=what, text=text[:40])
        ) from error
    return check_year(when, text.strip()[:40])
