"""The command-line contract: --version, --smoke, subcommands, JSON, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from core.version import __version__
from tests.main_process import run_main


def test_version():
    result = run_main("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"社群运营工作台 {__version__}"


def test_help_lists_subcommands():
    result = run_main("--help")
    assert result.returncode == 0
    assert "demo" in result.stdout


def test_smoke_opens_the_window_and_prints_start_up_time(isolated_data_dir):
    result = run_main("--smoke")
    assert result.returncode == 0, result.stderr
    match = re.search(r"start-up (\d+) ms", result.stdout)
    assert match and 0 < int(match.group(1)) < 60_000
    assert (isolated_data_dir / "shequn.db").exists()


def test_demo_json_then_refusal_with_one_line_reason(isolated_data_dir):
    first = run_main("demo", "--members", "120", "--json")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["members"] == 120 and summary["events"] > 0
    assert "100%" in first.stderr  # progress goes to stderr, not into the JSON

    second = run_main("demo", "--members", "120", "--json")
    assert second.returncode == 1
    assert second.stdout == ""
    assert second.stderr.strip().count("\n") == 0
    assert "已有成员" in second.stderr


def test_db_option_before_or_after_the_subcommand(tmp_path):
    before = tmp_path / "before.db"
    after = tmp_path / "after.db"
    assert run_main("--db", f"sqlite:///{before}", "demo", "--members", "10").returncode == 0
    assert run_main("demo", "--members", "10", "--db", f"sqlite:///{after}").returncode == 0
    assert before.exists() and after.exists()


def test_unreadable_database_fails_with_one_line(tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"not a database at all" * 200)
    result = run_main("demo", "--db", f"sqlite:///{bogus}")
    assert result.returncode == 1
    assert result.stderr.startswith("错误：") and result.stderr.count("\n") == 1


def test_the_window_does_not_build_the_subcommands_parsers():
    """Opening the window (no subcommand) skips importing every command's parser: start-up
    time; a subcommand, an unknown option or --help gets the whole command line."""
    import subprocess
    import sys

    probe = (
        "import sys, main\n"
        "args = main._window_options(['--smoke', '--db', 'sqlite:///x.db'])\n"
        "print(args.smoke, args.db, args.command, 'core.campaigns.cli' in sys.modules)\n"
        "print([main._window_options(a) for a in (['demo'], ['--help'], ['--bogus'], ['-h'])])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True,
        cwd=str(Path(__file__).resolve().parent.parent),
    )  # fmt: skip
    assert result.stdout.splitlines() == [
        "True sqlite:///x.db None False",
        "[None, None, None, None]",
    ]
