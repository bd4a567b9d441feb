"""Row ids typed by people (the command line's `--member 12`, a redemption's number)."""

from __future__ import annotations

from db.bounds import INT32_MAX


def is_row_id(text: str) -> bool:
    """The text is a number a row id can be: ASCII digits, at most a 32-bit INTEGER. Anything
    else is a name to look up, never a number sent to a database that can't hold it."""
    return text.isascii() and text.isdigit() and int(text) <= INT32_MAX
