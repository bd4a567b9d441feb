"""Daily, manual and pre-restore backups through sqlite3's backup API, and restore."""

from __future__ import annotations

from datetime import date, timedelta

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
