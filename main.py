"""社群运营工作台: no arguments open the window; subcommands do batch work headless.

python main.py                   the window
python main.py --smoke           open the window offscreen, print the start-up time, exit
python main.py demo --members N  and the other subcommands: see --help
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the heavy imports, so --smoke measures them too

import argparse  # noqa: E402
import sys  # noqa: E402

from core.version import __version__  # noqa: E402

APP_TITLE = "社群运营工作台"


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without the commands, only the window's own options (the
    window then skips importing and registering every subcommand's parser)."""
    parser = argparse.ArgumentParser(
        description=f"{APP_TITLE}：社群与成员、分层、积分、海报与报表（数据只保存在本机）",
    )
    parser.add_argument("--version", action="store_true", help="显示版本号并退出")
    parser.add_argument(
        "--smoke", action="store_true", help="打开主窗口、打印启动耗时（毫秒）后退出"
    )
    parser.add_argument("--db", metavar="URL", help="数据库地址（默认：本机 SQLite 文件）")
    if with_commands:
        _add_commands(parser)
    return parser


def _add_commands(parser: argparse.ArgumentParser) -> None:
    from core.activity import cli as activity_cli
    from core.calendar import cli as calendar_cli
    from core.campaigns import cli as campaigns_cli
    from core.chat import cli as chat_cli
    from core.communities import cli as communities_cli
    from core.demo import cli as demo_cli
    from core.ledger import cli as ledger_cli
    from core.members import cli as members_cli
    from core.members.importing import cli as import_cli
    from core.posters import cli as posters_cli
    from core.referrals import cli as referrals_cli
    from core.reports import cli as reports_cli
    from core.segments import cli as segments_cli
    from core.tiers import cli as tiers_cli

    commands = parser.add_subparsers(dest="command", metavar="命令")
    for feature in (
        demo_cli,
        communities_cli,
        import_cli,
        members_cli,
        ledger_cli,
        activity_cli,
        tiers_cli,
        segments_cli,
        posters_cli,
        referrals_cli,
        campaigns_cli,
        chat_cli,
        calendar_cli,
        reports_cli,
    ):
        feature.register(commands)


def main(argv: list[str] | None = None) -> int:
    from core.common.terminal import configure_streams

    configure_streams()  # before argparse: --help must not die on a GBK console either
    args = _window_options(sys.argv[1:] if argv is None else argv)
    if args is None:  # a subcommand, or --help: the whole command line
        args = build_parser().parse_args(argv)
    if args.version:
        print(f"{APP_TITLE} {__version__}")
        return 0
    if args.command is None:
        from ui.app import run_window

        return run_window(db_url=args.db, smoke=args.smoke, started=STARTED)
    return run_command(args)


def _window_options(argv: list[str]) -> argparse.Namespace | None:
    """The window's options when `argv` names no subcommand (and asks for no help), else None."""
    if any(arg in ("-h", "--help") for arg in argv):
        return None
    args, rest = build_parser(with_commands=False).parse_known_args(argv)
    if rest:
        return None
    args.command = None
    return args


def run_command(args: argparse.Namespace) -> int:
    import logging

    from core.common.cli import fail
    from core.common.errors import UserError
    from core.common.logs import log_file, setup_logging
    from core.common.progress import Cancelled

    setup_logging()
    log = logging.getLogger("main")
    # A library's half-written generator closed after a failure (openpyxl's sheet writer)
    # would print "Exception ignored in …" with a traceback: to the log instead.
    sys.unraisablehook = lambda raised: log.error(
        "%s: %r",
        raised.err_msg or "exception ignored",
        raised.object,
        exc_info=(raised.exc_type, raised.exc_value, raised.exc_traceback),
    )
    try:
        return args.handler(args)
    except UserError as error:
        fail(error.message)
        return 1
    except (KeyboardInterrupt, Cancelled):
        print("已取消，数据未改动", file=sys.stderr)
        return 130
    except Exception as error:
        # A locked or read-only database is the user's to fix; anything else is a bug. Either
        # way one line: the traceback goes to the log, whose SQL errors carry no parameters
        # (hide_parameters on the engine), never to the terminal.
        from core.common.database import database_user_error, resolve_url

        problem = database_user_error(error, resolve_url(getattr(args, "db", None)))
        if problem is not None:
            log.warning("command %s: %s", args.command, problem.message)
            fail(problem.message)
            return 1
        log.exception("command %s failed", args.command)
        fail(f"程序出现意外错误（{type(error).__name__}），详情已记入日志：{log_file()}")
        return 1


if __name__ == "__main__":
    # The poster batch renders in a process pool (spawn): in the PyInstaller bundle each worker
    # starts this same executable, and freeze_support() turns it into a worker, not a window.
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
