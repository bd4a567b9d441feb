"""Several programs writing one SQLite file: writers take turns and none fails; readers never
wait for a writer; a lock held past the busy timeout is one line, not a traceback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.common.database import open_database
from core.ledger.balances import balance, verify_ledger
from core.ledger.catalogue import RewardSpec, save_reward
from core.ledger.entries import award
from core.members.editing import create_member
from db.ledger_models import LedgerEntry
from db.models import Member
from tests.main_process import ROOT

# One writer program: the command line's own entry point, called in a loop as fast as it
# goes, the way `for i in …; do python main.py ledger award …; done` calls it, minus the
# start-up time between transactions (so the writers really collide).
WRITER = textwrap.dedent(
    """
    import contextlib, io, json, sys
    import main

    url, member, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    failures = []
    for round in range(rounds):
        for argv in (
            ["ledger", "award", "--member", member, "--points", "10", "--reason", f"第{round}轮"],
            ["ledger", "redeem", "--member", member, "--reward", "贴纸"],
        ):
            err = io.StringIO()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                try:
                    code = main.main([*argv, "--db", url])
                except Exception as error:  # what a traceback would have shown
                    code, err = 1, io.StringIO(f"{type(error).__name__}: {error}")
            if code != 0:
                failures.append(f"{argv[1]}: {err.getvalue().strip().splitlines()[0]}")
    print(json.dumps(failures, ensure_ascii=False))
    """
)


@pytest.fixture
def shop(sqlite_url) -> tuple[str, list[int]]:
    """Two members with 1000 points each and a reward that costs 10."""
    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        members = [create_member(session, name) for name in ("花花🌸", "阿杰")]
        for member_id in members:
            award(session, member_id, 1000, reason="开户")
        save_reward(session, RewardSpec("贴纸", 10))
    database.close()
    return sqlite_url, members


def _env(data_dir: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SHEQUN_DATA_DIR": str(data_dir)}
    env.pop("SHEQUN_DB_URL", None)
    return env


def _ledger(url: str) -> tuple[int, list[int], list]:
    database = open_database(url, daily_backup=False)
    try:
        with database.session() as session:
            count = session.scalar(select(func.count()).select_from(LedgerEntry))
            ids = session.scalars(select(Member.id).order_by(Member.id)).all()
            available = [balance(session, member_id).available for member_id in ids]
            problems = verify_ledger(session)
    finally:
        database.close()
    return count, available, problems


def test_writer_processes_side_by_side_all_succeed(shop, tmp_path):
    url, members = shop
    writers, rounds = 4, 15
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, str(members[n % 2]), str(rounds)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(tmp_path / f"writer-{n}"),
        )
        for n in range(writers)
    ]
    failures = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        failures += json.loads(out.strip().splitlines()[-1])
    assert failures == []
    count, available, problems = _ledger(url)
    assert count == 2 + writers * rounds * 2  # the opening awards, then award + redeem each
    assert available == [1000, 1000]  # every award of 10 spent on a reward of 10
    assert problems == []


def test_command_line_processes_side_by_side_all_succeed(shop, tmp_path):
    url, members = shop
    awards = [["award", "--points", "5", "--reason", "并发"]] * 4
    redeems = [["redeem", "--reward", "贴纸"]] * 4
    commands = [
        ["ledger", *action, "--member", str(members[n % 2])]
        for n, action in enumerate(awards + redeems)
    ]
    processes = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), *argv, "--db", url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(tmp_path / f"cli-{n}"),
        )
        for n, argv in enumerate(commands)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0 and err.count("\n") == 0, err
    count, available, problems = _ledger(url)
    assert count == 2 + len(commands)
    assert available == [1000 + 2 * 5 - 2 * 10] * 2
    assert problems == []


def test_a_lock_held_too_long_is_one_line_and_readers_go_on(shop, tmp_path):
    url, _members = shop
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program, in the middle of a long write
    try:
        write, read = (
            subprocess.Popen(
                [sys.executable, str(ROOT / "main.py"), *argv, "--db", url],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=_env(tmp_path / name),
            )
            for name, argv in (
                ("w", ["ledger", "award", "--member", "阿杰", "--points", "5", "--reason", "r"]),
                ("r", ["ledger", "statement", "--member", "阿杰", "--json"]),
            )
        )
        read_out, read_err = read.communicate(timeout=300)
        write_out, write_err = write.communicate(timeout=300)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # WAL: the reader does not wait for the writer's lock (nor take it).
    assert read.returncode == 0, read_err
    assert json.loads(read_out)["balance"]["available"] == 1000
    assert write.returncode == 1 and write_out == ""
    assert write_err.count("\n") == 1 and "Traceback" not in write_err, write_err
    assert write_err.startswith("错误：数据库 ") and "正被其他程序占用（已锁定）" in write_err
    count, _, _ = _ledger(url)
    assert count == 3 - 1  # the two opening awards: the refused award wrote nothing


def test_a_write_session_takes_the_lock_when_it_begins_and_a_read_session_never(sqlite_url):
    database = open_database(sqlite_url, daily_backup=False)
    other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
    try:
        with database.session() as session:
            session.scalar(select(func.count()).select_from(Member))
            other.execute("BEGIN IMMEDIATE")  # a reader leaves the write lock free
            other.execute("ROLLBACK")
        with database.session(write=True) as session:
            session.scalar(select(func.count()).select_from(Member))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        database.close()


def test_a_lock_found_outside_a_session_is_recognised(tmp_path):
    """The last resorts (the command line's catch-all, the window's error dialog) turn a raw
    "database is locked" into the same one line; other errors stay bugs."""
    from core.common.database import database_user_error

    url = f"sqlite:///{tmp_path / 'x.db'}"
    holder = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(tmp_path / "x.db", timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            other.execute("CREATE TABLE t (x)")
    finally:
        other.close()
        holder.execute("ROLLBACK")
        holder.close()
    problem = database_user_error(caught.value, url)
    assert problem is not None and "正被其他程序占用（已锁定）" in problem.message
    assert (
        database_user_error(caught.value).message == "数据库正被其他程序占用（已锁定），请稍后再试"
    )
    assert database_user_error(ValueError("database is locked")) is None
    assert database_user_error(sqlite3.IntegrityError("UNIQUE constraint failed"), url) is None


OPEN = textwrap.dedent(
    """
    import sys
    from core.common.database import open_database
    from core.common.errors import UserError
    try:
        open_database(sys.argv[1], daily_backup=False).close()
    except UserError as error:
        print(error.message)
        sys.exit(1)
    """
)


def test_programs_that_create_the_same_new_file_at_once_all_succeed(sqlite_url, tmp_path):
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN, sqlite_url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(tmp_path / f"open-{n}"),
        )
        for n in range(4)
    ]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, out + err
    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 0
    database.close()
