"""Daily, manual and pre-restore backups through sqlite3's backup API, and restore."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from core.common import backup, paths
from core.common.database import open_database
from core.common.errors import UserError
from core.demo.generate import generate_demo
from db.models import Member


def count_members(url: str) -> int:
    database = open_database(url, daily_backup=False)
    try:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(Member))
    finally:
        database.close()


def test_daily_backup_once_a_day_keeping_fourteen(sqlite_database):
    file, folder = sqlite_database.file, paths.backup_dir()
    start = date(2026, 1, 1)
    for day in range(20):
        made = backup.daily_backup(file, folder, today=start + timedelta(days=day))
        assert made is not None
    assert backup.daily_backup(file, folder, today=start + timedelta(days=19)) is None
    kept = sorted(p.name for p in folder.glob("daily-*.db"))
    assert len(kept) == 14
    assert kept[0] == "daily-2026-01-07.db" and kept[-1] == "daily-2026-01-20.db"


def test_backup_restore_round_trip(sqlite_database, sqlite_url):
    with sqlite_database.engine.begin() as connection:
        generate_demo(connection, 40, seed=1)
    saved = backup.backup_now(sqlite_database.file, paths.backup_dir(), "manual")
    with sqlite_database.engine.begin() as connection:
        connection.execute(text("DELETE FROM members WHERE id > 10"))
    sqlite_database.close()
    assert count_members(sqlite_url) == 10

    safety = backup.restore_backup(saved, sqlite_database.file, paths.backup_dir())

    assert count_members(sqlite_url) == 40
    # The state before the restore was kept, so the restore itself can be undone.
    assert count_members(f"sqlite:///{safety}") == 10


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "不是社群运营工作台"),
        (b"PK\x03\x04 this is a zip, not a database" * 100, "不是可用的数据库备份"),
        (b"SQLite format 3\x00" + b"\xff" * 5000, "不是可用的数据库备份"),
    ],
)
def test_restore_refuses_files_that_are_not_our_backups(sqlite_database, tmp_path, content, reason):
    with sqlite_database.engine.begin() as connection:
        generate_demo(connection, 12, seed=2)
    sqlite_database.close()
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    before = sqlite_database.file.read_bytes()
    with pytest.raises(UserError, match=reason):
        backup.restore_backup(bad, sqlite_database.file, paths.backup_dir())
    assert sqlite_database.file.read_bytes() == before


def test_restore_refuses_another_programs_sqlite_file(sqlite_database, tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    sqlite_database.close()
    with pytest.raises(UserError, match="不是社群运营工作台的数据库"):
        backup.restore_backup(other, sqlite_database.file, paths.backup_dir())


def _back_up_each_day(file: str, folder: str, start: date, days: int, barrier) -> str:
    """One copy of the program making each day's first backup, in step with the others."""
    try:
        for day in range(days):
            barrier.wait(30)
            backup.daily_backup(Path(file), Path(folder), today=start + timedelta(days=day), keep=3)
        return "ok"
    except Exception as error:  # reported to the test, which shows it
        return f"{type(error).__name__}: {error}"


def test_several_programs_making_the_days_backup_at_once_all_succeed(sqlite_database):
    """Two windows, or a window and the command line, start on the same morning: each makes
    the day's first backup and prunes the old ones at the same moment."""
    import multiprocessing

    file, folder = sqlite_database.file, paths.backup_dir()
    context = multiprocessing.get_context("spawn")
    workers, days = 4, 12
    barrier = context.Manager().Barrier(workers)
    start = date(2026, 3, 1)
    with context.Pool(workers) as pool:
        results = pool.starmap(
            _back_up_each_day, [(str(file), str(folder), start, days, barrier)] * workers
        )
    assert results == ["ok"] * workers
    kept = sorted(p.name for p in folder.glob("daily-*.db"))
    assert kept == [f"daily-{start + timedelta(days=d)}.db" for d in range(days - 3, days)]
    assert list(folder.glob("*.partial")) == []
    for name in kept:
        backup.check_backup_file(folder / name)


def test_a_half_written_copy_left_by_a_killed_program_is_removed_a_day_later(sqlite_database):
    import os
    import time

    folder = paths.backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    old = folder / "daily-2026-03-01.db.123.partial"
    fresh = folder / "daily-2026-03-02.db.9.partial"
    for leftover in (old, fresh):
        leftover.write_bytes(b"half a copy")
    a_day_ago = time.time() - backup.STALE_PARTIAL_S - 60
    os.utime(old, (a_day_ago, a_day_ago))
    backup.daily_backup(sqlite_database.file, folder, today=date(2026, 3, 3))
    assert not old.exists() and fresh.exists()  # fresh: perhaps another program's copy
