"""What the file says about each person: a normalised row (Row), a person seen in a community
(Seen), and a Person with what the import changes for them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from core.members.importing.model import ADD, UNCHANGED, FieldChange, PlanRow

# Custom-field names the import writes itself.
STAFF_ACCOUNT_FIELD = "企业微信账号"  # a staff member's WeCom userid (they have no external id)
ADDED_AT_FIELD = "添加时间"

NOTHING: Mapping = MappingProxyType({})
NO_TAGS: tuple = ()


class Seen:
    """A person seen in a community by this file."""

    __slots__ = ("export_time", "group_nickname", "join_channel", "joined_at", "row")

    def __init__(self, group_nickname, joined_at, join_channel, export_time, row) -> None:
        self.group_nickname = group_nickname
        self.joined_at = joined_at
        self.join_channel = join_channel
        self.export_time = export_time
        self.row = row


class Person:
    """Everything the file says about one person, and what it changes in the database."""

    __slots__ = (
        "changes",
        "custom",
        "fields",
        "first",
        "groups",
        "inviter",
        "keys",
        "matched_by",
        "member_id",
        "new_id",
        "not_same",
        "ops",
        "status",
        "tags",
        "team",
    )

    def __init__(self, member_id: int | None, first: PlanRow, row: Row | None = None) -> None:
        self.member_id = member_id
        self.first = first
        self.keys: dict[str, str] = {}
        if row is None:
            self.fields: dict[str, Any] = {}
            self.custom: dict[str, str] = {}
            self.tags: list[str] = []
        else:
            # A new member from its first row takes over the row's containers: a million-row
            # file then holds each value once.
            self.fields = row.fields
            self.custom = row.custom or NOTHING
            self.tags = row.tags or NO_TAGS
        self.team: bool | None = None
        self.groups: Mapping[str, Seen] = NOTHING  # replaced by a dict on first write
        self.inviter: str | None = None
        self.matched_by = ""
        self.status = ADD if member_id is None else UNCHANGED
        self.changes: list[FieldChange] | tuple = ()
        self.ops: Mapping[str, Any] = NOTHING  # what apply writes for this person
        self.new_id: int | None = None
        self.not_same: tuple[int, ...] = ()  # members the user said this new one is not


class Row:
    """One data row, normalised."""

    __slots__ = (
        "also_in",
        "community",
        "custom",
        "fields",
        "group_nickname",
        "inviter",
        "join_channel",
        "joined_at",
        "keys",
        "reject",
        "tags",
        "team",
    )

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}
        self.keys: dict[str, str] = {}
        self.custom: dict[str, str] = {}
        self.tags: list[str] = []
        self.team: bool | None = None
        self.community: str | None = None
        self.also_in: tuple[str, ...] = ()  # further groups the row's 群名 lists (LinkWeChat)
        self.group_nickname: str | None = None
        self.joined_at: datetime | None = None
        self.join_channel: str | None = None
        self.inviter: str | None = None
        self.reject: str = ""
