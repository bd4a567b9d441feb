"""Copies of the SQLite file: daily, before migrations, by hand; and restoring one.

Copies go through sqlite3's online backup API, so they are consistent even while the
program (or another copy of it) has the database open in WAL mode.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from datetime import date, datetime
from pathlib import Path

from core.common.errors import UserError
from core.common.text import msg

DAILY_PREFIX = "daily-"
KEEP_DAILY = 14
STALE_PARTIAL_S = 24 * 3600
_DAILY_NAME = re.compile(r"^daily-(\d{4}-\d{2}-\d{2})\.db$")


def copy_sqlite(source: Path, target: Path) -> Path:
    """Write a consistent copy of `source` to `target` (replacing it) and return target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # Named per process: two copies of the program making the day's first backup at once
    # each write their own file, and the second to finish replaces the first's.
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
    dst.close()
    src.close()
    # Only a finished copy gets the real name: a crash mid-copy leaves no half backup.
    partial.replace(target)
    return target


def backup_now(db_path: Path, backup_dir: Path, label: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return copy_sqlite(db_path, backup_dir / f"{label}-{stamp}.db")


def daily_backup(
    db_path: Path, backup_dir: Path, *, today: date | None = None, keep: int = KEEP_DAILY
) -> Path | None:
    """Make today's backup if there is none yet; keep only the newest `keep` daily copies."""
    if not db_path.exists():
        return None
    today = today or date.today()
    target = backup_dir / f"{DAILY_PREFIX}{today.isoformat()}.db"
    made = None
    if not target.exists():
        made = copy_sqlite(db_path, target)
    dailies = sorted(p for p in backup_dir.glob(f"{DAILY_PREFIX}*.db") if _DAILY_NAME.match(p.name))
    for old in dailies[:-keep]:
        old.unlink(missing_ok=True)  # another copy of the program may have pruned it first
    _remove_stale_partials(backup_dir)
    return made


def _remove_stale_partials(backup_dir: Path) -> None:
    """Remove copies left half-written by a program killed mid-backup, a day later."""
    for stale in backup_dir.glob("*.partial"):
        try:
            if time.time() - stale.stat().st_mtime > STALE_PARTIAL_S:
                stale.unlink()
        except FileNotFoundError:  # another copy of the program removed it first
            pass


def list_backups(backup_dir: Path) -> list[Path]:
    """Every backup, newest first."""
    if not backup_dir.exists():
        return []
    return sorted(backup_dir.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True)


def check_backup_file(path: Path) -> None:
    """Refuse a file that is not an intact database of this program."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            (status,) = connection.execute("PRAGMA quick_check").fetchone()
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        connection.close()
    except sqlite3.DatabaseError as error:
        raise UserError(
            msg("「{file}」不是可用的数据库备份：{error}", file=path.name, error=str(error))
        ) from error
    if status != "ok":
        raise UserError(msg("「{file}」已损坏：{status}", file=path.name, status=status))
    if "alembic_version" not in tables or "members" not in tables:
        raise UserError(msg("「{file}」不是社群运营工作台的数据库", file=path.name))


def restore_backup(backup_file: Path, db_path: Path, backup_dir: Path) -> Path:
    """Replace the database with a backup; the current state is kept as a backup first.

    The caller must have closed every connection to `db_path`. Returns the safety copy.
    """
    check_backup_file(backup_file)
    safety = backup_now(db_path, backup_dir, "before-restore")
    with sqlite3.connect(backup_file) as src, sqlite3.connect(db_path) as dst:
        src.backup(dst)
    dst.close()
    src.close()
    return safety
