"""Dates and times as the two databases hand them back, and as SQL groups them by day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Date, cast, func


def day_of(column, dialect: str):
    """The calendar day of a timestamp; on SQLite the text prefix, which is what date() returns."""
    if dialect == "sqlite":
        return func.substr(column, 1, 10)
    return cast(column, Date)


def as_datetime(value) -> datetime | None:
    """A timestamp from a query: SQLite's aggregates give text, PostgreSQL's a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
