"""What a merge records in `MemberMerge.moved`, so that undo can put every row back and the
history can say what moved; and the helpers merge and undo share to write and read it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, select, update
from sqlalchemy.orm import Session

from core.common.text import msg
from core.members.profile import PROFILE_FIELDS
from db.models import (
    ActivityEvent,
    Community,
    GroupNicknameHistory,
    Member,
    Membership,
    MembershipEvent,
)

# Tables whose rows belong to a member through one column: a merge hands the merged member's
# rows to the kept one and `moved["rows"][key]` lists their ids; undo hands exactly those rows
# back. A feature above members with such a table (the points ledger) moves its own rows in a
# step of its own after the merge (core.workflows.merging), recording them the same way.
REASSIGNED: dict[str, tuple[Table, str]] = {
    "memberships": (Membership.__table__, "member_id"),  # after shared groups are combined
    "membership_events": (MembershipEvent.__table__, "member_id"),
    "group_nickname_history": (GroupNicknameHistory.__table__, "member_id"),
    "activity_events": (ActivityEvent.__table__, "member_id"),
    "invitations": (Member.__table__, "inviter_id"),  # the people the merged member invited
    "owned_communities": (Community.__table__, "owner_member_id"),
}
REASSIGNED_LABELS = {
    "memberships": msg("入群记录"),
    "membership_events": msg("入退群记录"),
    "group_nickname_history": msg("群昵称记录"),
    "activity_events": msg("行为记录"),
    "invitations": msg("邀请关系"),
    "owned_communities": msg("群主身份"),
}
# Member fields the kept member takes from the merged one when its own is empty.
FILLED_FIELDS = PROFILE_FIELDS
MOVED_VERSION = 1
_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class Merged:
    """What a merge did: `merged_id` folded into `kept_id`, recorded as merge `merge_id`."""

    merge_id: int
    kept_id: int
    merged_id: int


def chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def encode(value: Any) -> Any:
    """A column value as JSON (for `moved`): dates and times tagged, so undo gets them back."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, dict):
        return {"json": value}
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        ((kind, inner),) = value.items()
        if kind == "datetime":
            return datetime.fromisoformat(inner)
        if kind == "date":
            return date.fromisoformat(inner)
        return inner
    return value


def encode_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: encode(value) for name, value in row.items()}


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: decode(value) for name, value in row.items()}


def row_of(session: Session, table: Table, row_id: int) -> dict[str, Any] | None:
    found = session.execute(select(table).where(table.c.id == row_id)).mappings().first()
    return dict(found) if found is not None else None


def hand_over(
    session: Session, table: Table, column: str, merged_id: int, kept_id: int, *also: ColumnElement
) -> list[int]:
    """Give the merged member's rows of `table` (theirs through `column`) to the kept member;
    return their ids, for the record."""
    ids = sorted(session.scalars(select(table.c.id).where(table.c[column] == merged_id, *also)))
    for chunk in chunks(ids):
        session.execute(update(table).where(table.c.id.in_(chunk)).values({column: kept_id}))
    return ids


def hand_back(
    session: Session, table: Table, column: str, ids: list[int], kept_id: int, merged_id: int
) -> None:
    """Undo `hand_over`: exactly those rows, where they still belong to the kept member."""
    for chunk in chunks(ids):
        session.execute(
            update(table)
            .where(table.c.id.in_(chunk), table.c[column] == kept_id)
            .values({column: merged_id})
        )
