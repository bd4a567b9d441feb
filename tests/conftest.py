"""Shared fixtures: isolated data directories, and fresh migrated databases on both engines.

Every test gets its own SHEQUN_DATA_DIR, so nothing touches the developer's real data.
Tests that take `database` run twice: on SQLite and on PostgreSQL (SHEQUN_TEST_PG_URL, which
`scripts/dev.py test` sets by starting a throwaway server). Without a server the PostgreSQL
half is skipped locally, and fails on CI, where a missing server is a broken setup.

The migrated databases are copies: each test worker runs the migrations once per engine into a
template (a file for SQLite, a template database for PostgreSQL) and every test gets its own
copy of it, the same schema and rows half a second sooner. Tests of the migrations themselves
take the empty `sqlite_url` / `postgres_url` and run them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator

# Before anything imports Qt: no screen is needed, and none is used.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.common.database import Database, open_database

PG_URL_ENV = "SHEQUN_TEST_PG_URL"


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch):
    data = tmp_path / "shequn-data"
    monkeypatch.setenv("SHEQUN_DATA_DIR", str(data))
    monkeypatch.delenv("SHEQUN_DB_URL", raising=False)
    return data


def postgres_server_url() -> str:
    url = os.environ.get(PG_URL_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_URL_ENV} is not set on CI: the PostgreSQL tests cannot run")
        pytest.skip(f"no PostgreSQL server: run `python3 scripts/dev.py test` or set {PG_URL_ENV}")
    return url


def _postgres_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (empty, or a copy of `template`), dropped afterwards."""
    server = make_url(postgres_server_url())
    name = f"shequn_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    yield from _postgres_database()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A database migrated to head, once per test worker, that tests' databases copy."""
    for url in _postgres_database():
        open_database(url, daily_backup=False).close()  # no session may stay on a template
        yield make_url(url).database


@pytest.fixture
def migrated_postgres_url(postgres_template) -> Iterator[str]:
    yield from _postgres_database(postgres_template)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """A SQLite file migrated to head, once per test worker, that tests' databases copy."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    open_database(f"sqlite:///{path}", daily_backup=False).close()
    with sqlite3.connect(path) as connection:  # everything in the main file, no -wal beside it
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return str(path)


@pytest.fixture
def migrated_sqlite_url(sqlite_template, tmp_path) -> str:
    path = tmp_path / "test.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    """An empty database, on both engines (for the tests of the migrations)."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_url(request) -> str:
    """A database migrated to head (a copy of the worker's template), on both engines."""
    if request.param == "sqlite":
        return request.getfixturevalue("migrated_sqlite_url")
    return request.getfixturevalue("migrated_postgres_url")


@pytest.fixture
def database(migrated_url) -> Iterator[Database]:
    """A fresh database migrated to head, on SQLite and on PostgreSQL."""
    db = open_database(migrated_url, daily_backup=False)
    yield db
    db.close()


@pytest.fixture
def sqlite_database(migrated_sqlite_url) -> Iterator[Database]:
    db = open_database(migrated_sqlite_url, daily_backup=False)
    yield db
    db.close()
