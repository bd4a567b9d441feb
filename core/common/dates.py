"""Dates and times as the two databases hand them back, and as SQL groups them by day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Date, cast, func

from core.common.errors import UserError
from core.common.text import msg

# The years a date someone types may name (the spreadsheet readers' range): past them it is a
# typo, and 9999-12-31 has no next day, which every span of days ends on.
FIRST_YEAR, LAST_YEAR = 1900, 2100


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


def year_problem(moment, shown) -> str | None:
    """Why `moment` (a date or datetime) is refused, when its year is outside FIRST–LAST_YEAR."""
    if FIRST_YEAR <= moment.year <= LAST_YEAR:
        return None
    return msg("日期超出范围（{first}–{last} 年）：{value}", first=FIRST_YEAR, last=LAST_YEAR,
               value=shown)  # fmt: skip


def check_year(moment, shown=None):
    """`moment` itself; one outside FIRST–LAST_YEAR is refused in one line."""
    problem = year_problem(moment, moment if shown is None else shown)
    if problem:
        raise UserError(problem)
    return moment
