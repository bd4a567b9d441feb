"""Helpers shared by the import tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from core.members.importing import apply_import, plan_import
from core.workflows.opening_balance import record_opening_balances
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
        return plan_import(session, path, **options)


def import_file(database, path: Path, **options):
    """Plan and apply in one transaction, with the opening balances (客户积分) the file brings,
    as the command line and the window do; return (plan, result)."""
    with database.session() as session:
        plan = plan_import(session, path, **options)
        result = record_opening_balances(session, plan, apply_import(session, plan))
    return plan, result


def counts_of(plan) -> tuple[int, int, int, int, int]:
    c = plan.counts
    return (c.added, c.updated, c.unchanged, c.linked, c.rejected)


def rows_by_status(plan, status: str) -> list[tuple[str, int]]:
    return [(row.sheet, row.row) for row in plan.rows if row.status == status]
