"""What the campaigns commands share (core/campaigns/cli.py and report_cli.py): one
transaction per command with --dry-run, and reading a time argument."""

from __future__ import annotations

from core.common.cli import open_for


class _DryRun(Exception):
    def __init__(self, result) -> None:
        self.result = result


def run_work(args, work, *, write: bool = False):
    """`work(session)` in one transaction; --dry-run rolls it back and keeps its answer."""
    database = open_for(args)
    try:
        try:
            with database.session(write=write) as session:
                result = work(session)
                if getattr(args, "dry_run", False):
                    raise _DryRun(result)
        except _DryRun as dry:
            result = dry.result
    finally:
        database.close()
    return result


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
