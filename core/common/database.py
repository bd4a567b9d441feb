"""Open the user's database: pick the URL, back up, migrate, hand out sessions.

Order of precedence for the URL: an explicit `--db`, then `SHEQUN_DB_URL`, then the URL saved
in the settings dialog, then the default SQLite file in the data directory.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.common import backup, paths
from core.common.config import load_config
from core.common.errors import UserError
from core.common.text import msg
from db.engine import for_writing, is_sqlite, make_engine, make_session_factory
from db.migrate import DatabaseTooNewError, current_revision, needs_upgrade, upgrade_to_head

DB_URL_ENV = "SHEQUN_DB_URL"
log = logging.getLogger(__name__)


def resolve_url(explicit: str | None = None) -> str:
    for candidate in (explicit, os.environ.get(DB_URL_ENV), load_config().db_url):
        if candidate:
            return candidate
    return f"sqlite:///{paths.default_db_path()}"


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    if not is_sqlite(url):
        return None
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database)


def describe_url(url: str) -> str:
    """The URL without its password, for the About dialog, logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass
class Database:
    """An open, migrated database: the engine plus a session factory."""

    url: str
    engine: Engine
    session_factory: sessionmaker[Session]

    def __post_init__(self) -> None:
        self.write_engine = for_writing(self.engine)
        self._write_session_factory = make_session_factory(self.write_engine)

    @property
    def file(self) -> Path | None:
        return sqlite_file(self.url)

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A short-lived session: committed when the block ends, rolled back on error.

        `write=True` for work that writes: it takes SQLite's write lock when it begins,
        waiting for another writer up to the busy timeout, instead of failing when another
        process wrote after this one started reading. Reads leave it False, so they never
        wait for a writer. A lock that is still held after the wait, a full disk or a
        read-only file becomes a UserError with one line.
        """
        factory = self._write_session_factory if write else self.session_factory
        try:
            with factory() as session, session.begin():
                yield session
        except DBAPIError as error:
            problem = database_user_error(error, self.url)
            if problem is None:
                raise
            raise problem from error

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, daily_backup: bool = True) -> Database:
    """Open (creating or upgrading as needed) the database; raise UserError when it can't be."""
    url = resolve_url(url)
    try:
        engine = make_engine(url)
    except (ArgumentError, ValueError) as error:
        raise UserError(
            msg("数据库地址无效：{url}（{error}）", url=url, error=str(error))
        ) from error
    except ModuleNotFoundError as error:
        raise UserError(
            msg("缺少数据库驱动 {driver}：{url}", driver=error.name, url=describe_url(url))
        ) from error
    file = sqlite_file(url)
    if file is not None:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            engine.dispose()
            raise UserError(
                msg(
                    "无法创建数据库所在的文件夹 {folder}：{error}",
                    folder=str(file.parent),
                    error=str(error.strerror),
                )
            ) from error
    try:
        _migrate(engine, file)
        if file is not None and daily_backup:
            backup.daily_backup(file, paths.backup_dir())
    except DatabaseTooNewError as error:
        engine.dispose()
        raise UserError(
            msg(
                "数据库 {url} 由更新版本的程序写入（版本 {version}），请升级本程序后再打开",
                url=describe_url(url),
                version=str(error),
            )
        ) from error
    except (OperationalError, DBAPIError, sqlite3.DatabaseError) as error:
        engine.dispose()
        raise UserError(_explain_database_error(url, error)) from error
    log.info("opened database %s", describe_url(url))
    return Database(url, engine, make_session_factory(engine))


def _migrate(engine: Engine, file: Path | None) -> None:
    if not needs_upgrade(engine):
        return
    if file is not None and file.exists() and current_revision(engine) is not None:
        # Never migrate the user's only copy: keep the file as it was before.
        engine.dispose()
        saved = backup.backup_now(file, paths.backup_dir(), "before-migration")
        log.info("backed up %s to %s before migrating", file, saved)
    upgrade_to_head(engine)


def is_lock_error(error: BaseException) -> bool:
    """SQLite's "database is locked": another connection kept the lock past the busy timeout."""
    orig = getattr(error, "orig", None) or error
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig).lower()


def database_user_error(error: BaseException, url: str | None = None) -> UserError | None:
    """A database failure the user can act on (locked, read-only, full disk, damaged file) as
    a UserError with one line; None for anything else, which is a bug."""
    if not isinstance(error, (DBAPIError, sqlite3.DatabaseError)):
        return None
    if url is None:
        if is_lock_error(error):
            return UserError(msg("数据库正被其他程序占用（已锁定），请稍后再试"))
        return None
    explained = _known_problem(url, error)
    return UserError(explained) if explained else None


def _explain_database_error(url: str, error: Exception) -> str:
    return _known_problem(url, error) or msg(
        "无法连接数据库 {where}：{detail}", where=describe_url(url), detail=_first_line(error)
    )


def _first_line(error: BaseException) -> str:
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _known_problem(url: str, error: BaseException) -> str | None:
    where = describe_url(url)
    lowered = _first_line(error).lower()
    if is_lock_error(error):
        return msg("数据库 {where} 正被其他程序占用（已锁定），请稍后再试", where=where)
    if "not a database" in lowered or "malformed" in lowered:
        return msg("{where} 不是有效的数据库文件或已损坏，可从「文件 → 恢复备份」还原", where=where)
    if "readonly" in lowered or "read-only" in lowered:
        return msg("数据库 {where} 是只读的，无法写入", where=where)
    if "disk" in lowered and "full" in lowered:
        return msg("磁盘已满，无法写入数据库 {where}", where=where)
    if "unable to open" in lowered:
        return msg("无法打开数据库文件 {where}（目录不存在或没有权限）", where=where)
    return None
