"""Engine and session factory for any SQLAlchemy URL (SQLite by default, PostgreSQL for teams)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

# How long a writer waits for another (the window and a command beside it, or a teammate's
# command): writes are short, but a loaded laptop can stretch one past a few seconds, and
# waiting is better than failing with "locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000
# The execution option that marks a connection as one that will write (see `for_writing`).
WRITE_OPTION = "shequn_write"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(
    url: str, *, echo: bool = False, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS
) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection.

    hide_parameters: an error's text names the statement but never its values (phone numbers,
    names), so a traceback in a log, a dialog or a bug report carries no personal data.
    """
    if is_sqlite(url):
        engine = create_engine(
            url,
            echo=echo,
            hide_parameters=True,
            connect_args={"timeout": busy_timeout_ms / 1000},
        )
        event.listen(
            engine, "connect", lambda dbapi, _record: _configure_sqlite(dbapi, busy_timeout_ms)
        )
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    return create_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True)


def for_writing(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions take the write lock when they begin.

    SQLite: a transaction that reads first and writes later cannot wait for the lock; if
    another process committed meanwhile it fails at once with "database is locked", whatever
    the busy timeout. BEGIN IMMEDIATE takes the lock up front, where busy_timeout waits for it.
    Readers keep plain BEGIN: in WAL mode they never wait for a writer. Other databases
    ignore the option.
    """
    return engine.execution_options(**{WRITE_OPTION: True})


def _configure_sqlite(dbapi_connection, busy_timeout_ms: int) -> None:
    # Python's sqlite3 only opens a transaction before INSERT/UPDATE/DELETE, so schema changes
    # would commit one by one and a crash mid-migration would leave half a schema. Take over:
    # the driver stays in autocommit mode and every SQLAlchemy transaction sends its own BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the GUI read while a background import writes; not for :memory:.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    # NORMAL is durable across application crashes in WAL mode, and much faster than FULL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 64 MB of page cache: big imports and the 100000-member tables stay in memory.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def _begin_sqlite_transaction(connection) -> None:
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
