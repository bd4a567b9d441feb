"""What every subcommand shares: the --db/--json options, terminal progress, output.

Every result a subcommand prints goes through `emit`, every failure line through `fail`:
the one place where text is made safe for the terminal (core/common/terminal.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import asdict, is_dataclass
from typing import Any

from core.common.terminal import json_text, visible, writes_unicode


def add_common_options(parser: argparse.ArgumentParser, *, json_output: bool = True) -> None:
    # SUPPRESS: `main.py --db URL demo` keeps the URL given before the subcommand.
    parser.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="数据库地址（默认：本机 SQLite 文件）",
    )
    if json_output:
        parser.add_argument("--json", action="store_true", help="以一个 JSON 对象输出结果")


def add_command_group(
    commands: argparse._SubParsersAction,
    name: str,
    help: str,
    *,
    dest: str | None = None,
    metavar: str = "操作",
) -> argparse._SubParsersAction:
    """A command that only groups subcommands (`main.py ledger award …`): the subparsers to add
    them to; which one ran is in `args.<dest>` (default: `<name>_command`)."""
    group = commands.add_parser(name, help=help)
    return group.add_subparsers(dest=dest or f"{name}_command", metavar=metavar, required=True)


def add_dry_run(parser: argparse.ArgumentParser, help: str = "只检查，不写入") -> None:
    parser.add_argument("--dry-run", action="store_true", help=help)


def add_no_mask(parser: argparse.ArgumentParser) -> None:
    """--no-mask: an export shows names and phone numbers in full (the export log says so)."""
    parser.add_argument("--no-mask", action="store_true", help="不打码（会记入导出日志）")


def masked_note(masked: bool) -> str:
    """How an export's summary line ends: whether phones and 微信号 were masked (--no-mask)."""
    return "，手机号和微信号已打码" if masked else "，未打码（已记入导出日志）"


def finish_command(
    parser: argparse.ArgumentParser,
    handler,
    *,
    dry_run: bool | str = False,
    json_output: bool = True,
) -> None:
    """What every subcommand's parser ends with: --dry-run when the command writes (True: the
    usual help; a text: its own help), then --db and --json, and the handler that runs it."""
    if dry_run is True:
        add_dry_run(parser)
    elif dry_run:
        add_dry_run(parser, dry_run)
    add_common_options(parser, json_output=json_output)
    parser.set_defaults(handler=handler)


def date_option(text: str | None, option: str = "--date"):
    """A YYYY-MM-DD option's date (None when not given); a bad one is refused in one line."""
    from datetime import date

    from core.common.errors import UserError
    from core.common.text import msg

    if not text:
        return None
    from core.common.dates import check_year

    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise UserError(
            msg("{option} 的日期格式应为 YYYY-MM-DD，收到：{value}", option=option, value=text[:40])
        ) from error
    return check_year(day)


def open_for(args: argparse.Namespace):
    """Open the database a subcommand was pointed at (imported here: --help stays quick)."""
    from core.common.database import open_database

    return open_database(getattr(args, "db", None))


class _DryRun(Exception):
    """Raised inside the transaction to roll back what a --dry-run did."""

    def __init__(self, result) -> None:
        self.result = result


def run_work(args: argparse.Namespace, work, *, write: bool = False):
    """`work(session)` in one transaction on the database the command names, then closed.

    --dry-run (when the command has it) rolls the transaction back and keeps the answer.
    `write`: the work writes (even if --dry-run undoes it), so it takes the write lock first.
    """
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


DRY_RUN_MARK = "（试运行，未写入）"


def import_heading(file_name: str, *, dry_run: bool) -> str:
    """How an import's summary starts: a preview (--dry-run) or imported, and which file."""
    return ("预览（未写入数据库）" if dry_run else "已导入") + f"「{file_name}」"


MAX_LISTED = 20  # rows a human summary lists; --json (or the command's report) has them all


def listed(
    items: list, line, more: str = "  …另有 {count} 行，用 --json 查看完整清单"
) -> list[str]:
    """A summary's `line(item)` for the first MAX_LISTED items, then `more` counting the rest."""
    lines = [line(item) for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        lines.append(more.format(count=len(items) - MAX_LISTED))
    return lines


def emit_change(args: argparse.Namespace, result: Any, human: str) -> None:
    """Print what a command that can --dry-run did: marked as such in JSON and in the line."""
    data = asdict(result) if is_dataclass(result) else dict(result)
    data["dry_run"] = args.dry_run
    emit(data, as_json=args.json, human=(DRY_RUN_MARK if args.dry_run else "") + human)


# A progress line left without its line break (the work failed half-way): the error line
# that follows starts on a line of its own.
_open_line = {"stream": None}


class TerminalProgress:
    """progress(done, total) for the CLI: a percentage line on stderr, at most 10 times a second."""

    def __init__(self, label: str, stream=None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        percent = 100 * done // total if total else 100
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{self.label} {percent:3d}% ({done}/{total})" + end)
        self.stream.flush()
        _open_line["stream"] = None if end else self.stream


def emit(result: Any, *, as_json: bool, human: str) -> None:
    """Print the result: one JSON object with --json, else the human summary."""
    if as_json:
        data = asdict(result) if is_dataclass(result) else result
        text = json_text(data, ascii_only=not writes_unicode(sys.stdout))
    else:
        text = visible(human)
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # `main.py members search x | head`: the reader left; that is not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def fail(message: str) -> None:
    """The one line on stderr that says why a command failed."""
    if _open_line["stream"] is sys.stderr:
        sys.stderr.write("\n")
    _open_line["stream"] = None
    print(f"错误：{visible(message, one_line=True)}", file=sys.stderr)
