"""客户积分 and similar columns: a member's points in the tool the list came from, brought in
once as an opening balance (期初积分) of the points ledger.

The import only reads and checks the value and says what it would do; the ledger entry is
written by core.workflows.opening_balance in the import's transaction (members never writes
the ledger). Whole points only: a fraction is reported, not silently dropped. A value the
ledger cannot hold (negative, past one entry's bound) is a refused cell with its reason; the
rest of the row imports. A member gets one opening balance from imports, ever: a second file
(or the same one again) that brings points for them adds nothing and says so, so points are
never counted twice.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import Connection

from core.common.sheets.normalize import to_text
from core.common.text import msg
from db.bounds import MAX_ENTRY_POINTS

FIELD = "opening_points"
KEY_PREFIX = "import-opening:"


def opening_key(member_id: int, file_sha256: str) -> str:
    """The ledger dedupe key of a member's opening balance from one file."""
    return f"{KEY_PREFIX}{member_id}:{file_sha256}"


@dataclass(frozen=True)
class OpeningBalance:
    """Points a row brings for one person; `member_id` is None for a member the import has not
    created yet (it is set once the plan is applied)."""

    member_id: int | None
    points: int
    nickname: str
    sheet: str
    row: int


def parse_points(raw) -> tuple[int | None, str | None]:
    """(whole points or None, a message about the value or None).

    None points with a message: the cell is refused (not a number, negative, too big, or less
    than one point). Points with a message: imported, with the fraction reported.
    """
    text = to_text(raw)
    if text is None or isinstance(raw, bool):
        return (None, _not_a_number(text)) if isinstance(raw, bool) else (None, None)
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    cleaned = cleaned.removesuffix("分")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, _not_a_number(text)
    if not value.is_finite():
        return None, _not_a_number(text)
    if value < 0:
        return None, msg("期初积分不能是负数（{value}），这一项没有计入", value=text)
    if value >= MAX_ENTRY_POINTS + 1:  # compared before int(): 1E+999999999 is a valid Decimal
        return None, msg(
            "期初积分 {value} 超过单笔上限 {limit:,} 分，这一项没有计入",
            value=text,
            limit=MAX_ENTRY_POINTS,
        )
    whole = int(value)  # towards zero: never more points than the file says
    fraction = value - whole
    if not fraction:
        return (whole or None), None
    if whole == 0:
        return None, msg("期初积分 {value} 不足 1 分，没有计入（只记整数积分）", value=text)
    return whole, msg(
        "期初积分 {value} 只记整数 {points} 分，小数部分 {fraction} 没有计入",
        value=text,
        points=whole,
        fraction=_plain(fraction),
    )


def _not_a_number(text: str | None) -> str:
    return msg("期初积分「{value}」不是数字，这一项没有计入", value=text or "")


def _plain(value: Decimal) -> str:
    """0.50 → "0.5", 1E-7 → "0.0000001"."""
    return format(value.normalize(), "f")


# member ids → for each of them that already holds an opening balance from an import, the
# sha256 of the files it came from. The ledger knows; core.workflows.member_import hands the
# lookup to the plan (members never reads the ledger's tables).
OpenedLookup = Callable[[Connection, list[int]], dict[int, set[str]]]


def file_of(key: str) -> str:
    """The file sha256 an opening balance's dedupe key names (see `opening_key`)."""
    return key.rsplit(":", 1)[-1]
