"""The migrations' shared shapes (db/migration_ops.py) that undo others: dropping a table with its
indexes, dropping the append-only triggers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from db.migration_ops import (
    append_only_triggers,
    create_id_table,
    create_indexes,
    drop_append_only_triggers,
    drop_table,
    drop_trigger,
)


@pytest.fixture
def connection(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'ops.db'}")
    with engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        yield connection
    engine.dispose()


def _journal(connection) -> None:
    create_id_table(
        "journal",
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    create_indexes("journal", "points", ("ix_journal_note_points", ["note", "points"]))


def test_drop_table_drops_the_table_and_its_indexes(connection):
    _journal(connection)
    assert {index["name"] for index in inspect(connection).get_indexes("journal")} == {
        "ix_journal_points",
        "ix_journal_note_points",
    }
    drop_table("journal", "ix_journal_note_points", "points")
    assert not inspect(connection).has_table("journal")
    indexes = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))
    assert indexes.all() == []


def test_drop_table_without_indexes(connection):
    create_id_table("plain", sa.Column("name", sa.Text(), nullable=False))
    drop_table("plain")
    assert not inspect(connection).has_table("plain")


def test_the_append_only_triggers_drop_as_they_were_written(connection):
    _journal(connection)
    connection.execute(text("INSERT INTO journal (points, note) VALUES (5, 'x'), (6, 'y')"))
    for statement in append_only_triggers("sqlite", "journal", ["points"]):
        connection.execute(text(statement))
    with pytest.raises(sa.exc.DatabaseError, match="journal is append-only: DELETE refused"):
        connection.execute(text("DELETE FROM journal WHERE points = 5"))

    for statement in drop_append_only_triggers("sqlite", "journal"):
        connection.execute(text(statement))
    connection.execute(text("UPDATE journal SET points = 7 WHERE points = 6"))
    connection.execute(text("DELETE FROM journal WHERE points = 5"))
    assert connection.execute(text("SELECT points FROM journal")).scalars().all() == [7]
    triggers = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    assert triggers.all() == []


def test_postgresql_names_the_table_and_drops_the_truncate_trigger_too():
    assert drop_trigger("sqlite", "t_move", "t") == "DROP TRIGGER IF EXISTS t_move"
    assert drop_trigger("postgresql", "t_move", "t") == "DROP TRIGGER IF EXISTS t_move ON t"
    assert drop_append_only_triggers("postgresql", "journal") == [
        "DROP TRIGGER IF EXISTS journal_no_update ON journal",
        "DROP TRIGGER IF EXISTS journal_no_delete ON journal",
        "DROP TRIGGER IF EXISTS journal_no_truncate ON journal",
    ]
    written = append_only_triggers("postgresql", "journal", ["points"])
    dropped = drop_append_only_triggers("postgresql", "journal")
    assert [s.split()[2] for s in written] == [s.split()[4] for s in dropped]
