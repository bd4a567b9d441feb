"""The column and constraint shapes every model file repeats, written once: a key to another
table's row and what becomes of this row when that one goes, a link table's key, a CHECK that
a column holds one of its values or a bounded length of text.

The constraints are named by db.models.NAMING_CONVENTION (ck_<table>_<name>), which the
migrations write too: a name given here must stay as it is.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import MappedColumn, mapped_column

from db.bounds import between


def references(target: str, *, ondelete: str | None = None, **options: Any) -> MappedColumn[Any]:
    """A column holding the id of a `target` row: a foreign key to `target.id`. `ondelete`
    (CASCADE, SET NULL, RESTRICT, or None for the engine's default) says what becomes of this
    row when that one is deleted; `options` go to mapped_column (index, unique, primary_key)."""
    return mapped_column(ForeignKey(f"{target}.id", ondelete=ondelete), **options)


def link_key(target: str, *, index: bool = False) -> MappedColumn[Any]:
    """A column of a link table's composite primary key: `target.id`; the link goes with that
    row. index=True for a column the primary key's own index does not lead with."""
    return references(target, ondelete="CASCADE", primary_key=True, index=index)


def in_list(column: str, values: tuple[str, ...]) -> str:
    """SQL: `column` IN ('value', ...)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    """CHECK `column` IN (values), named after the column."""
    return CheckConstraint(in_list(column, values), name=column)


def text_length(column: str, most: int) -> CheckConstraint:
    """CHECK 1 to `most` characters in `column`, named <column>_length."""
    return CheckConstraint(between(f"length({column})", 1, most), name=f"{column}_length")
