"""Values the calendar's commands share: a day option and a time as the output shows it."""

from __future__ import annotations


def day_option(text: str | None, what: str):
    """The day of a --from/--to/--date option (a time of day may be given and is dropped)."""
    from core.campaigns.cli_support import parse_time

    when = parse_time(text, what)
    return when.date() if when else None


def minutes_text(when) -> str | None:
    """`when` to the minute, as every calendar command prints it."""
    return when.isoformat(sep=" ", timespec="minutes") if when else None
