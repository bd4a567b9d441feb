"""Shared fixtures: isolated data directories, and fresh migrated databases on both engines.

Every test gets its own SHEQUN_DATA_DIR, so nothing touches the developer's real data.
Tests that take `database` run twice: on SQLite and on PostgreSQL (SHEQUN_TEST_PG_URL, which
`scripts/dev.py test` sets by starting a throwaway server). Without a server the PostgreSQL
half is skipped locally, and fails on CI, where a missing server is a broken setup.
"""

from __future__ import annotations

import os
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


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    server = make_url(postgres_server_url())
    name = f"shequn_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def database(database_url) -> Iterator[Database]:
    """A fresh database migrated to head, on SQLite and on PostgreSQL."""
    db = open_database(database_url, daily_backup=False)
    yield db
    db.close()


@pytest.fixture
def sqlite_database(sqlite_url) -> Iterator[Database]:
    db = open_database(sqlite_url, daily_backup=False)
    yield db
    db.close()
