"""What the campaigns commands share (core/campaigns/cli.py, report_cli.py, type_cli.py): one
transaction per command with --dry-run (the one every command uses, core/common/cli.py), and
reading a time argument."""

from __future__ import annotations

from core.common.cli import run_work

__all__ = ["parse_time", "run_work"]


def parse_time(text: str | None, what: str):
    from datetime import datetime

    from core.common.errors import UserError
    from core.common.text import msg

    if not text or not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise UserError(
            msg("{what}「{text}」应写成 YYYY-MM-DD 或 YYYY-MM-DD HH:MM", what=what, text=text[:40])
        ) from error
