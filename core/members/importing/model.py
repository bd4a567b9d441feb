"""The plain dataclasses the import pipeline hands to its callers (GUI wizard, CLI, tests).

Nothing here touches the database or the file system: a plan is a description of what an import
would do, built by `plan_import` and carried out by `apply_import`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from core.common.sheets.normalize import normalize_header
from core.common.text import msg

# Row statuses in a plan. Every data row of the file gets exactly one.
ADD = "add"  # a new member is created for it
UPDATE = "update"  # it is an existing member, and some of its fields change
UNCHANGED = "unchanged"  # it is an existing member, and nothing changes
LINKED = "linked"  # the same person as an earlier row of this file (folded into that row)
REJECTED = "rejected"  # not imported; `reason` says why
# Recognised only by a phone that belongs to a member with another nickname: a question for the
# user (`PlanRow.doubt`); nothing of the row is written until it is answered SAME or NEW.
DOUBTFUL = "doubtful"

STATUS_LABELS = {
    ADD: msg("新增"),
    UPDATE: msg("更新"),
    UNCHANGED: msg("无变化"),
    LINKED: msg("与文件中另一行是同一人"),
    DOUBTFUL: msg("待确认（未导入）"),
    REJECTED: msg("已拒绝"),
}

# Answers to a doubtful row (plan_import(answers=…, doubtful=…)).
SAME = "same"  # the member the phone belongs to: update them from the row
NEW = "new"  # another person: a new member, without the phone (it stays with its owner)
SKIP = "skip"  # leave the row out of this import
DOUBT_ANSWERS = (SAME, NEW, SKIP)


@dataclass
class HeaderMapping:
    """Which field each column of a header row goes to.

    `fields[i]` is a key of `fields.FIELD_LABELS`: a member field, "custom" (kept as a custom field
    named after the header) or "ignore". The GUI edits `fields` and passes the mapping back to
    `plan_import(mapping=...)`; it applies to every sheet with the same header row.
    """

    headers: list[str]
    fields: list[str]
    remembered: bool = False  # taken from a mapping the user confirmed earlier
    confirmed: bool = False  # given by the caller: remembered when the import is applied

    @property
    def key(self) -> str:
        """The settings key this header set's mapping is remembered under."""
        return mapping_key(self.headers)


def mapping_key(headers: list[str]) -> str:
    joined = "\x1f".join(normalize_header(h) for h in headers)
    return "import.mapping." + hashlib.sha1(joined.encode("utf-8")).hexdigest()


@dataclass
class SheetPlan:
    """One table of the file: a worksheet, a CSV, or one WeCom API response."""

    sheet: str
    kind: str  # "group_members" or "customers"
    header_row: int | None  # 1-based; None for JSON
    mapping: HeaderMapping | None  # None for JSON (its fields are fixed)
    community: str | None  # the group its rows go to when no column says otherwise
    complete: bool  # a complete member list of its group(s): absent members leave
    rows: int = 0  # data rows read (blank lines and repeated headers not counted)
    notes: list[str] = field(default_factory=list)


@dataclass
class CommunityPlan:
    """A community the import adds members to: an existing one, or one it will create."""

    name: str
    community_id: int | None  # None: created by the import
    platform: str  # wechat / wecom
    complete: bool  # members absent from the file leave it
    joins: int = 0
    leaves: int = 0
    note: str = ""


@dataclass(frozen=True)
class FieldChange:
    field: str  # the Chinese label shown in the preview
    old: str
    new: str


@dataclass(frozen=True)
class Doubt:
    """A row whose phone belongs to member `member_id`, while its nickname is another: the same
    person who renamed themselves, or someone else with a recycled or mistyped number."""

    member_id: int
    member_nickname: str
    phone: str
    answer: str | None = None  # one of DOUBT_ANSWERS; None: not answered (treated as SKIP)


@dataclass(slots=True)
class PlanRow:
    """One data row of the file, as the preview lists it."""

    sheet: str
    row: int  # 1-based row number in its sheet (for JSON: position in the member list)
    status: str  # ADD / UPDATE / UNCHANGED / LINKED / DOUBTFUL / REJECTED
    nickname: str
    community: str | None
    member_id: int | None = None  # the existing member the row matched
    matched_by: str = ""  # how it matched: 按 unionid / 按手机号 / 同群同昵称 …
    linked_to: tuple[str, int] | None = None  # (sheet, row) of the first row of the same person
    changes: list[FieldChange] | None = None  # for UPDATE: what changes
    reason: str = ""  # for REJECTED and DOUBTFUL
    doubt: Doubt | None = None  # the question the row raised (kept once answered)

    @property
    def key(self) -> tuple[str, int]:
        """What an answer to this row is given under: (sheet, row)."""
        return (self.sheet, self.row)


@dataclass(frozen=True)
class RowIssue:
    """A problem with one value of one row: the row is rejected, or only the value is skipped."""

    sheet: str
    row: int
    field: str  # Chinese label of the field, or the header as in the file
    value: str
    reason: str
    rejected: bool  # True: the whole row is not imported


@dataclass(frozen=True)
class MembershipChange:
    """A join or leave the import records."""

    kind: str  # "join" / "leave"
    community: str
    nickname: str
    member_id: int | None  # None for a member the import creates
    occurred_at: datetime


@dataclass(frozen=True)
class PossibleDuplicate:
    """A new member whose nickname matches someone else's: a suggestion, never merged."""

    sheet: str
    row: int
    nickname: str
    other_nickname: str
    other_member_id: int | None  # an existing member
    other_row: tuple[str, int] | None  # or another new row of this file
    reason: str


@dataclass
class ImportCounts:
    """Rows by outcome (they add up to `rows`), and the joins/leaves recorded."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    rejected: int = 0
    doubtful: int = 0  # rows left out until the user says who they are
    joined: int = 0
    left: int = 0

    @property
    def rows(self) -> int:
        return (
            self.added + self.updated + self.unchanged + self.linked + self.rejected + self.doubtful
        )


@dataclass
class ImportPlan:
    """What importing `source` would do; `apply_import` carries it out."""

    source: Path
    file_name: str
    file_sha256: str
    file_size: int
    source_kind: str  # spreadsheet / csv / wecom_groupchat / wecom_customers
    sheets: list[SheetPlan]
    communities: list[CommunityPlan]
    rows: list[PlanRow]
    issues: list[RowIssue]
    leaves: list[MembershipChange]
    possible_duplicates: list[PossibleDuplicate]
    counts: ImportCounts
    notes: list[str] = field(default_factory=list)
    # What apply_import needs beyond the preview; not part of the public contract.
    internal: Any = field(default=None, repr=False, compare=False)

    def rows_with_status(self, status: str) -> Iterator[PlanRow]:
        return (row for row in self.rows if row.status == status)

    @property
    def rejected_rows(self) -> list[PlanRow]:
        return list(self.rows_with_status(REJECTED))

    @property
    def doubts(self) -> list[PlanRow]:
        """Rows that raised a question, answered or not (the answer is in `row.doubt`)."""
        return [row for row in self.rows if row.doubt is not None]

    @property
    def unanswered(self) -> list[PlanRow]:
        """Doubtful rows nobody answered: left out of the import."""
        return [row for row in self.rows if row.doubt is not None and row.doubt.answer is None]

    def answers(self) -> dict[tuple[str, int], str]:
        """The answers this plan was made with, by (sheet, row)."""
        return {
            row.key: row.doubt.answer
            for row in self.rows
            if row.doubt is not None and row.doubt.answer is not None
        }

    def opening_balances(self) -> Iterator[Any]:
        """The opening balances (期初积分) the file brings, one per person not given one before
        (core.members.importing.opening.OpeningBalance); member ids of new members are known
        once the plan is applied."""
        if self.internal is not None:
            yield from self.internal.opening_balances()

    def joins(self) -> Iterator[MembershipChange]:
        """Every join the import records (new memberships and rejoins)."""
        if self.internal is not None:
            yield from self.internal.joins()

    @property
    def has_changes(self) -> bool:
        counts = self.counts
        return bool(counts.added or counts.updated or counts.joined or counts.left)


@dataclass
class ImportResult:
    """What apply_import did."""

    batch_id: int
    added: int
    updated: int
    unchanged: int
    linked: int
    rejected: int
    joined: int
    left: int
    communities_created: int
    doubtful: int = 0  # rows left out because nobody said who they are
    community_ids: dict[str, int] = field(default_factory=dict)  # every community it touched
    # Members who joined, rejoined or left a group: where the steps that follow (levels) start.
    moved_member_ids: frozenset[int] = frozenset()
    # Opening balances written to the ledger after the import (core.workflows.opening_balance),
    # and why any the preview showed were not.
    opening_entries: int = 0
    opening_points: int = 0
    opening_notes: list[str] = field(default_factory=list)
    # (member, inviter) for each inviter the import wrote: the referral edges' to record
    # (core.workflows.import_referrals).
    inviters: list[tuple[int, int]] = field(default_factory=list)
