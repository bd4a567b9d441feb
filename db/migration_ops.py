"""Shapes the Alembic migrations repeat, written once: id-keyed and link tables, foreign keys,
CHECKs named by the convention, index batches, the tables data steps read and write.

Frozen like the migrations that call them: what a helper emits must never change once a
migration uses it (a database upgraded last year and one upgraded today must end up the same).
A new shape gets a new helper. Loaded only by db/migrations/versions/*.py, so only when the
schema needs upgrading; pyinstaller.spec lists it because PyInstaller never scans those files.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

# An index named by the convention (ix_<table>_<column>) is given by its column; any other by
# (name, columns) when created and by its name when dropped.
Index = str | tuple[str, list[str]]


def create_id_table(table: str, *elements: sa.SchemaItem) -> None:
    """A table keyed by an integer `id` (primary key pk_<table>); `elements` are its other
    columns and constraints (the primary key is written first whatever its place here)."""
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        *elements,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )


def foreign_key(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    """`table.column` → `target.id`, named by the convention fk_<table>_<column>_<target>."""
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def check(table: str, name: str, sql: str) -> sa.CheckConstraint:
    """CHECK `sql` on `table`, named by the convention ck_<table>_<name>."""
    return sa.CheckConstraint(sql, name=op.f(f"ck_{table}_{name}"))


def in_list(column: str, values: Sequence[str]) -> str:
    """SQL: `column` IN ('value', ...)."""
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def one_of(table: str, column: str, values: Sequence[str]) -> sa.CheckConstraint:
    """CHECK `column` IN (values), named ck_<table>_<column>."""
    return check(table, column, in_list(column, values))


def create_link_table(
    table: str,
    first: tuple[str, str],
    second: tuple[str, str],
    *extra: sa.SchemaItem,
    index_second: bool = True,
) -> None:
    """A table linking two rows: its primary key is the two (column, target) keys, each a
    CASCADE foreign key to `target.id`; `extra` columns and checks follow the two keys. The
    second key gets its own index unless told not to (the primary key's leads with the first)."""
    keys = sorted((first, second))  # foreign keys in column order, as autogenerate wrote them
    op.create_table(
        table,
        sa.Column(first[0], sa.Integer(), nullable=False),
        sa.Column(second[0], sa.Integer(), nullable=False),
        *extra,
        *(foreign_key(table, column, target, ondelete="CASCADE") for column, target in keys),
        sa.PrimaryKeyConstraint(first[0], second[0], name=op.f(f"pk_{table}")),
    )
    if index_second:
        create_indexes(table, second[0])


def create_indexes(table: str, *indexes: Index) -> None:
    """Non-unique indexes on `table`, in the order given, in one batch."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for index in indexes:
            if isinstance(index, str):
                batch_op.create_index(batch_op.f(f"ix_{table}_{index}"), [index], unique=False)
            else:
                name, columns = index
                batch_op.create_index(name, columns, unique=False)


def drop_indexes(table: str, *indexes: str) -> None:
    """Drop indexes of `table` in one batch: a column (convention name) or an index's name."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for index in indexes:
            if index.startswith("ix_"):
                batch_op.drop_index(index)
            else:
                batch_op.drop_index(batch_op.f(f"ix_{table}_{index}"))


def drop_table(table: str, *indexes: str) -> None:
    """Drop `table` after its indexes (named as drop_indexes takes them), as autogenerate wrote
    every downgrade: the way back of create_id_table or create_link_table and create_indexes."""
    if indexes:
        drop_indexes(table, *indexes)
    op.drop_table(table)


def data_table(name: str, *columns: str, **typed: type[sa.types.TypeEngine]) -> sa.TableClause:
    """A table as a migration's data steps see it: columns by name, and those whose values need
    converting (dates, JSON) as keywords with their type."""
    return sa.table(
        name,
        *(sa.column(column) for column in columns if column not in typed),
        *(sa.column(column, type_) for column, type_ in typed.items()),
    )


# PostgreSQL: the function every append-only trigger of the points ledger runs (0005, 0007).
LEDGER_APPEND_ONLY_FUNCTION = (
    "CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " RAISE EXCEPTION '% is append-only: % refused (correct by a reversal entry)',"
    " TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation'; END $$"
)


def append_only_triggers(dialect: str, table: str, forbidden: list[str]) -> list[str]:
    """The triggers that keep `table` append-only: no UPDATE of the `forbidden` columns, no
    DELETE (and on PostgreSQL no TRUNCATE, through LEDGER_APPEND_ONLY_FUNCTION)."""
    columns = ", ".join(forbidden)
    if dialect == "sqlite":
        message = f"{table} is append-only"
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OF {columns} ON {table}"
            f" BEGIN SELECT RAISE(ABORT, '{message}: UPDATE refused'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}"
            f" BEGIN SELECT RAISE(ABORT, '{message}: DELETE refused'); END",
        ]
    if dialect == "postgresql":
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OF {columns} ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION ledger_append_only()",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION ledger_append_only()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()",
        ]
    raise RuntimeError(f"no append-only triggers written for {dialect}")


def drop_trigger(dialect: str, name: str, table: str) -> str:
    """DROP TRIGGER `name` of `table`, if it is there (PostgreSQL names the table)."""
    on = f" ON {table}" if dialect == "postgresql" else ""
    return f"DROP TRIGGER IF EXISTS {name}{on}"


def drop_append_only_triggers(dialect: str, table: str) -> list[str]:
    """Drop what append_only_triggers wrote for `table` (not LEDGER_APPEND_ONLY_FUNCTION)."""
    suffixes = ("no_update", "no_delete") + (("no_truncate",) if dialect == "postgresql" else ())
    return [drop_trigger(dialect, f"{table}_{suffix}", table) for suffix in suffixes]


def earlier_migration(here: str, file_name: str) -> ModuleType:
    """The module of another migration beside `here`, loaded from its file.

    Migration files are not importable by name (their names start with digits); a later one
    reuses an earlier one's frozen statements and column lists through this.
    """
    path = Path(here).with_name(file_name)
    spec = importlib.util.spec_from_file_location(f"migration_{file_name[:4]}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
