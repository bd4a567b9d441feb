"""Helpers shared by the import tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from core.workflows.member_import import import_members, plan_member_import
from db.models import Base


def table_counts(database) -> dict[str, int]:
    """Rows in every table: what "the database is unchanged" is checked against."""
    with database.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def plan_file(database, path: Path, **options):
    with database.session() as session:
        return plan_member_import(session, path, **options)


def import_file(database, path: Path, **options):
    """Plan and import (levels follow) in one transaction, as the CLI and the window do;
    return (plan, result)."""
    with database.session() as session:
        plan = plan_member_import(session, path, **options)
        result = import_members(session, plan).imported
    return plan, result


def counts_of(plan) -> tuple[int, int, int, int, int]:
    c = plan.counts
    return (c.added, c.updated, c.unchanged, c.linked, c.rejected)


def rows_by_status(plan, status: str) -> list[tuple[str, int]]:
    return [(row.sheet, row.row) for row in plan.rows if row.status == status]
