"""Start-up to a shown main window with a 100000-member database, against a bare Qt window.

    .venv/bin/python bench/startup.py [--members 100000] [--runs 9] [--against REV ...]

Every start is a whole process (interpreter, imports, window shown). The bare window and the
program take turns (bare, app, bare, app, …), and each app start is divided by the bare start
just before it: the median of those paired ratios and their spread are the figures to compare
(a lone bare start swings 100–350 ms on a loaded machine; a ratio of medians hides that).

`--against REV` also starts the program as it was at REV (a temporary `git worktree` of it,
removed afterwards) in the same rounds, so both ratios come from the same minutes. A checkout
whose schema is older opens a copy of the demo database downgraded to its head (made once,
kept in bench/out). Goals: window shown < 1.5 s, ratio ≤ 3×, no worse than before.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from common import OUT, ROOT, demo_database, median, time_command


@dataclass
class Program:
    name: str
    command: list[str]
    shown: list[float] = field(default_factory=list)  # ms to the window shown, as printed
    wall: list[float] = field(default_factory=list)  # ms, the whole process
    ready: list[float] = field(default_factory=list)  # ms to the database open, tabs built
    ratios: list[float] = field(default_factory=list)  # shown / the bare start just before
    wall_ratios: list[float] = field(default_factory=list)


def schema_head(checkout: Path) -> str:
    text = (checkout / "db" / "migrate.py").read_text(encoding="utf-8")
    return re.search(r'^SCHEMA_HEAD = "(\w+)"', text, re.MULTILINE).group(1)


def database_at(url: str, members: int, head: str) -> str:
    """The demo database as a program with schema `head` expects it: ours when the heads
    agree, else a copy downgraded once to `head` (same rows, newer tables dropped)."""
    if head == schema_head(ROOT):
        return url
    path = OUT / f"demo-{members}-schema-{head}.db"
    if not path.exists():
        from sqlalchemy import create_engine

        from db.migrate import alembic_config

        partial = path.with_suffix(".partial.db")
        shutil.copyfile(url.removeprefix("sqlite:///"), partial)
        engine = create_engine(f"sqlite:///{partial}")
        from alembic import command

        command.downgrade(alembic_config(engine), head)
        engine.dispose()
        partial.rename(path)
    return f"sqlite:///{path}"


def checkout(revision: str, into: Path) -> Path:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(into), revision],
        check=True,
        capture_output=True,
    )
    return into


def start(program: Program, env: dict) -> tuple[float, float, float | None]:
    wall, printed = time_command(program.command, env)
    shown = float(re.search(r"start-up (\d+) ms", printed).group(1))
    ready = re.search(r"ready (\d+) ms", printed)
    return wall * 1000, shown, float(ready.group(1)) if ready else None


def spread(values: list[float], digits: int = 0) -> str:
    return f"{median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9, help="starts of each program (≥ 7)")
    parser.add_argument(
        "--against", action="append", default=[], metavar="REV", help="also start REV's program"
    )
    args = parser.parse_args()
    url = demo_database(args.members)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SHEQUN_DATA_DIR": tempfile.mkdtemp(prefix="shequn-bench-"),
    }
    # A user's start reads compiled bytecode (the bundle ships it; a checkout caches it after
    # the first run): with PYTHONDONTWRITEBYTECODE every start compiles each module again,
    # a second of noise that grows with the program, not with what start-up does.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    bare = Program("bare", [sys.executable, str(ROOT / "bench" / "bare_window.py")])
    programs = [Program("this checkout", [sys.executable, str(ROOT / "main.py"), "--smoke"])]
    programs[0].command += ["--db", url]
    checkouts = []
    try:
        for revision in args.against:
            into = checkout(revision, Path(tempfile.mkdtemp(prefix="shequn-startup-")) / "src")
            checkouts.append(into)
            their_url = database_at(url, args.members, schema_head(into))
            command = [sys.executable, str(into / "main.py"), "--smoke", "--db", their_url]
            programs.append(Program(revision, command))
        # Warm the OS file cache for each, as a user's second start would be.
        for program in (bare, *programs):
            time_command(program.command, env)
        for round_ in range(args.runs):
            # Each program's turn moves round by round, so none always follows the same one.
            turn = round_ % len(programs)
            for program in programs[turn:] + programs[:turn]:
                bare_wall, bare_shown, _ = start(bare, env)
                bare.wall.append(bare_wall)
                bare.shown.append(bare_shown)
                wall, shown, ready = start(program, env)
                program.wall.append(wall)
                program.shown.append(shown)
                program.ready.append(ready)
                program.ratios.append(shown / bare_shown)
                program.wall_ratios.append(wall / bare_wall)
    finally:
        for into in checkouts:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(into)],
                capture_output=True,
            )
    report(args, bare, programs)


def report(args, bare: Program, programs: list[Program]) -> None:
    print(f"members: {args.members}, {args.runs} starts each, interleaved with a bare start")
    print("median (min–max); a ratio is each start over the bare start just before it")
    print(
        f"bare QApplication + QMainWindow: shown {spread(bare.shown)} ms, "
        f"whole process {spread(bare.wall)} ms"
    )
    for program in programs:
        print(f"main.py --smoke at {program.name}:")
        shown, wall = spread(program.ratios, 2), spread(program.wall_ratios, 2)
        print(f"  window shown   {spread(program.shown)} ms, ratio {shown}×")
        print(f"  whole process  {spread(program.wall)} ms, ratio {wall}×")
        print(f"  database open and tabs built {spread(program.ready)} ms")
    print("goals: window shown < 1500 ms; ratio <= 3x and no worse than before")


if __name__ == "__main__":
    main()
