"""plan_import: read a member list, normalise it, recognise who is who, and describe the import.

Nothing is written. Identity, strongest first: unionid, wxid, WeCom external_userid, WeCom staff
account, 微信号, phone — the same value is the same person, both against the database and between
rows of the file (the same customer on two rows, the same person in two groups). A stronger
identifier that disagrees blocks a weaker match (two unionids sharing a phone stay two people).

A row with no identifier at all (itchat lists, SCRM rows without unionid) can only be recognised by
its nickname, and only where that is the same record seen again rather than a guess:
- in a group: a member of that group with that nickname (the n-th such row of the file takes the
  n-th such member), so re-importing a group list, or a newer export of the same group, changes
  nothing and records no false leave;
- staff (企业成员) by their name, which the company sets in WeCom;
- without a group: a member imported the same way before (no identifier, no group, same
  nickname; n-th to n-th), so re-importing a customer list adds nobody twice.
Within one file such rows are never folded together. Every other nickname match is only a
suggestion: `ImportPlan.possible_duplicates`, never merged.

A phone is the weakest identifier: numbers are recycled, shared by a family and mistyped. A row
recognised only by the phone of an existing member whose nickname is a different name is a
question, not a match (status DOUBTFUL, `PlanRow.doubt`): nothing of it is written until the
caller answers it (`answers` / `doubtful`): SAME updates that member from the row; NEW makes a new
member without the phone (a phone is one person's: it stays with its owner, the row reports it,
and the two are remembered as not the same person); SKIP, like no answer, leaves the row out.
"""

from __future__ import annotations

import gc
import re
import sys
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.progress import CancelCheck, Cancelled, Progress, never_cancelled, no_progress
from core.common.sheets.limits import ImportLimits
from core.common.sheets.normalize import (
    format_datetime,
    lossy_equal,
    normalize_date,
    normalize_datetime,
    normalize_gender,
    normalize_phone,
    normalize_team,
    phone_lost_digits,
    split_tags,
    to_text,
)
from core.common.sheets.readers import (
    SourceFile,
    check_file,
    iter_tables,
    load_json,
)
from core.common.text import msg
from core.members.importing import opening
from core.members.importing import segments as seg
from core.members.importing.fields import (
    FIELD_LABELS,
    IDENTITY_FIELDS,
    IDENTITY_LABELS,
    auto_mapping,
    validate_mapping,
)
from core.members.importing.model import (
    ADD,
    DOUBT_ANSWERS,
    DOUBTFUL,
    LINKED,
    NEW,
    REJECTED,
    SAME,
    UNCHANGED,
    UPDATE,
    CommunityPlan,
    Doubt,
    FieldChange,
    HeaderMapping,
    ImportCounts,
    ImportPlan,
    MembershipChange,
    PlanRow,
    PossibleDuplicate,
    RowIssue,
    SheetPlan,
    mapping_key,
)
from core.members.search_keys import load_pinyin
from db.models import (
    Community,
    Member,
    MemberMerge,
    Membership,
    MembershipEvent,
    MemberTag,
    Setting,
    Tag,
)

# Custom-field names the import writes itself.
STAFF_ACCOUNT_FIELD = "企业微信账号"  # a staff member's WeCom userid (they have no external id)
ADDED_AT_FIELD = "添加时间"

# Member columns an import fills, and their sizes in the schema.
_TEXT_LIMITS = {
    "nickname": 200,
    "remark": 200,
    "group_nickname": 200,
    "city": 50,
    "source_channel": 50,
    "join_channel": 50,
    "group_name": 100,
    "notes": 10_000,
}
_ID_LIMIT = 100
_TAG_LIMIT = 50
_DB_KEYS = ("unionid", "wxid", "external_userid", "wechat_id", "phone")
_MEMBER_FIELDS = ("nickname", "remark", "gender", "birthday", "city", "source_channel", "notes")
_DUPLICATE_LIMIT_PER_ROW = 3
_DUPLICATE_LIMIT = 2000
_CHUNK = 5000  # members per query when loading the matched ones
# How a row was recognised (PlanRow.matched_by): made once, shared by every row.
_MATCHED_BY = {
    "unionid": msg("按unionid"),
    "wxid": msg("按wxid"),
    "external_userid": msg("按企业微信客户ID"),
    "staff_userid": msg("按企业微信成员账号"),
    "wechat_id": msg("按微信号"),
    "phone": msg("按手机号"),
}
_BY_PHONE = _MATCHED_BY["phone"]
_BY_STAFF_NAME = msg("员工同名")
_BY_GROUP_NICKNAME = msg("同群同昵称")
_BY_NICKNAME = msg("同昵称（无编号）")
# Labels and values of the changes the preview lists.
_STAFF = msg("员工")
_YES = msg("是")
_NO = msg("否")
_GENDER_WORDS = {"m": msg("男"), "f": msg("女")}  # the preview shows a gender change in words
_TAGS = msg("标签")
_INVITER = msg("邀请人")
_JOINS = msg("加入社群")
_SAME_NICKNAME = msg("昵称相同，但没有相同的编号或手机号")
_SPACE = re.compile(r"\s")  # the same characters as str.isspace
# Invisible control characters (terminal escapes, C1 codes); tabs and line breaks are text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What a file that decodes as one of these says is what it means; any other is a guess.
_SURE_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "gb18030", "utf-16"})
# A spreadsheet this big takes calamine long enough to load pypinyin alongside.
_LOAD_PINYIN_BYTES = 1024 * 1024


@dataclass
class PlanOptions:
    source: Path
    community_name: str | None
    community_id: int | None
    mappings: list[HeaderMapping]
    complete: bool | None
    limits: ImportLimits
    answers: Mapping[tuple[str, int], str] = field(default_factory=dict)
    doubtful: str | None = None  # the answer for every doubtful row without its own


# ---------------------------------------------------------------------------- the database


def database_fingerprint(connection: Connection) -> tuple:
    """Changes whenever members, memberships, communities or tags change: a plan made before
    such a change must not be applied after it."""
    m, ms, c = Member.__table__, Membership.__table__, Community.__table__
    ev, tg, mt = MembershipEvent.__table__, Tag.__table__, MemberTag.__table__
    mg = MemberMerge.__table__
    return tuple(
        connection.execute(
            select(
                select(func.count()).select_from(m).scalar_subquery(),
                select(func.max(m.c.id)).scalar_subquery(),
                select(func.max(m.c.updated_at)).scalar_subquery(),
                select(func.count()).select_from(ms).scalar_subquery(),
                select(func.max(ms.c.id)).scalar_subquery(),
                select(func.count()).select_from(ev).scalar_subquery(),
                select(func.max(ev.c.id)).scalar_subquery(),
                select(func.count()).select_from(c).scalar_subquery(),
                select(func.max(c.c.id)).scalar_subquery(),
                select(func.count()).select_from(tg).scalar_subquery(),
                select(func.count()).select_from(mt).scalar_subquery(),
                select(func.count()).select_from(mg).scalar_subquery(),
            )
        ).one()
    )


class _Database:
    """What the planner needs from the database, loaded once into dicts."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        m = Member.__table__
        merged: dict[int, int] = {}
        self.keys: dict[int, tuple] = {}
        self.nickname: dict[int, str] = {}
        self.team: set[int] = set()
        rows = connection.execute(
            select(
                m.c.id,
                m.c.nickname,
                *(m.c[k] for k in _DB_KEYS),
                m.c.is_team,
                m.c.merged_into_id,
            ).order_by(m.c.id)
        )
        self.maps: dict[str, dict[str, int]] = {k: {} for k in IDENTITY_FIELDS}
        pending: list[tuple] = []
        for row in rows:
            member_id, nickname, *keys, is_team, merged_into = row
            if merged_into is not None:
                merged[member_id] = merged_into
                pending.append((member_id, keys))
                continue
            self.keys[member_id] = tuple(keys)
            self.nickname[member_id] = nickname or ""
            if is_team:
                self.team.add(member_id)
            for kind, value in zip(_DB_KEYS, keys, strict=True):
                if value:
                    self.maps[kind].setdefault(value, member_id)
        # Identifiers of a member merged into another lead to the one kept.
        for member_id, keys in pending:
            kept = self.canonical(member_id, merged)
            if kept in self.keys:
                for kind, value in zip(_DB_KEYS, keys, strict=True):
                    if value:
                        self.maps[kind].setdefault(value, kept)
        self.staff: dict[int, str] = {}
        if self.team:
            for member_id, custom in connection.execute(
                select(m.c.id, m.c.custom_fields).where(m.c.is_team.is_(True))
            ):
                account = (
                    (custom or {}).get(STAFF_ACCOUNT_FIELD) if isinstance(custom, dict) else None
                )
                if account and member_id in self.keys:
                    self.staff[member_id] = account
                    self.maps["staff_userid"].setdefault(account, member_id)
        self.team_by_nickname: dict[str, list[int]] = defaultdict(list)
        for member_id in sorted(self.team):
            self.team_by_nickname[self.nickname[member_id]].append(member_id)
        c = Community.__table__
        self.communities: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.community_names: dict[int, str] = {}
        for community_id, name, platform in connection.execute(
            select(c.c.id, c.c.name, c.c.platform).where(c.c.deleted_at.is_(None)).order_by(c.c.id)
        ):
            self.communities[name].append((community_id, platform))
            self.community_names[community_id] = name
        self._weak: dict[int | None, dict[str, list[int]]] = {}
        self._duplicate_index: dict[str, list[int]] | None = None

    @staticmethod
    def canonical(member_id: int, merged: dict[int, int]) -> int:
        seen = set()
        while member_id in merged and member_id not in seen:
            seen.add(member_id)
            member_id = merged[member_id]
        return member_id

    def key_of(self, member_id: int, kind: str) -> str | None:
        if kind == "staff_userid":
            return self.staff.get(member_id)
        keys = self.keys.get(member_id)
        return keys[_DB_KEYS.index(kind)] if keys else None

    def weak_candidates(self, community_id: int | None) -> dict[str, list[int]]:
        """Members by nickname, for rows without identifiers: those of a community (current
        members first), or (None) members with no identifier and no community at all."""
        if community_id in self._weak:
            return self._weak[community_id]
        m, ms = Member.__table__, Membership.__table__
        found: dict[str, list[int]] = defaultdict(list)
        if community_id is not None:
            rows = self.connection.execute(
                select(ms.c.member_id, m.c.nickname)
                .join(m, m.c.id == ms.c.member_id)
                .where(ms.c.community_id == community_id, m.c.merged_into_id.is_(None))
                .order_by(ms.c.left_at.is_not(None), ms.c.member_id)
            )
        else:
            has_membership = select(ms.c.id).where(ms.c.member_id == m.c.id).exists()
            rows = self.connection.execute(
                select(m.c.id, m.c.nickname)
                .where(
                    m.c.merged_into_id.is_(None),
                    m.c.is_team.is_(False),
                    *(m.c[k].is_(None) for k in _DB_KEYS),
                    ~has_membership,
                )
                .order_by(m.c.id)
            )
        for member_id, nickname in rows:
            if member_id not in self.staff:
                found[(nickname or "").strip()].append(member_id)
        self._weak[community_id] = found
        return found

    def duplicate_index(self) -> dict[str, list[int]]:
        if self._duplicate_index is None:
            index: dict[str, list[int]] = defaultdict(list)
            for member_id, nickname in self.nickname.items():
                key = duplicate_key(nickname)
                if key:
                    index[key].append(member_id)
            self._duplicate_index = index
        return self._duplicate_index


_NOT_NAME = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")


def duplicate_key(nickname: str) -> str:
    """What two nicknames must share to be suggested as one person: letters, digits and hanzi
    only, so 「🌸花花」 and 「?花花」 (Excel's GBK save) and 「海风 」 match."""
    key = nickname.lower()
    if _NOT_NAME.search(key) is not None:
        key = _NOT_NAME.sub("", unicodedata.normalize("NFKC", nickname).lower())
    return key if len(key) >= 2 else ""


def _first_compatible(groups: dict[frozenset, list[tuple]], kinds: frozenset) -> list[tuple]:
    """The first few candidates, in their original order, of the groups that have none of
    `kinds`; enough for any row (a row shows at most _DUPLICATE_LIMIT_PER_ROW)."""
    chosen = [
        item
        for group_kinds, items in groups.items()
        if kinds.isdisjoint(group_kinds)
        for item in items[:_DUPLICATE_LIMIT_PER_ROW]
    ]
    chosen.sort(key=lambda item: item[0])
    return chosen


# --------------------------------------------------------------------------------- persons


_NOTHING: Mapping = MappingProxyType({})
_NO_TAGS: tuple = ()


class _Seen:
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

    def __init__(self, member_id: int | None, first: PlanRow, row: _Row | None = None) -> None:
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
            self.custom = row.custom or _NOTHING
            self.tags = row.tags or _NO_TAGS
        self.team: bool | None = None
        self.groups: Mapping[str, _Seen] = _NOTHING  # replaced by a dict on first write
        self.inviter: str | None = None
        self.matched_by = ""
        self.status = ADD if member_id is None else UNCHANGED
        self.changes: list[FieldChange] | tuple = ()
        self.ops: Mapping[str, Any] = _NOTHING  # what apply writes for this person
        self.new_id: int | None = None
        self.not_same: tuple[int, ...] = ()  # members the user said this new one is not


class _Row:
    """One data row, normalised."""

    __slots__ = (
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
        self.group_nickname: str | None = None
        self.joined_at: datetime | None = None
        self.join_channel: str | None = None
        self.inviter: str | None = None
        self.reject: str = ""


# -------------------------------------------------------------------------------- planning


def plan_import(
    session: Session | Connection,
    source: str | Path,
    *,
    community_name: str | None = None,
    community_id: int | None = None,
    mapping: HeaderMapping | list[HeaderMapping] | None = None,
    complete: bool | None = None,
    limits: ImportLimits | None = None,
    answers: Mapping[tuple[str, int], str] | None = None,
    doubtful: str | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> ImportPlan:
    """Read `source` and describe what importing it would do; nothing is written.

    community_name / community_id: put every row into this community (created if the name is
      new); only for files that name at most one group themselves.
    mapping: the column mappings the user confirmed (from a previous plan's `sheets[i].mapping`,
      with `fields` edited); remembered when the plan is applied.
    complete: whether the file lists every member of its group(s) (absent members leave); None
      decides from the kind of file (see core.members.importing.segments).
    answers: SAME / NEW / SKIP for doubtful rows, by (sheet, row) (`PlanRow.key`).
    doubtful: the answer for every doubtful row `answers` does not name; None leaves them
      unanswered: not imported, listed in `ImportPlan.unanswered`.
    Raises UserError for a file that cannot be imported, Cancelled when `cancelled()` says so.
    """
    connection = session.connection() if isinstance(session, Session) else session
    mappings = [mapping] if isinstance(mapping, HeaderMapping) else list(mapping or [])
    for item in mappings:
        validate_mapping(item)
        item.confirmed = True
    answers = dict(answers or {})
    for answer in (*answers.values(), *([doubtful] if doubtful is not None else [])):
        if answer not in DOUBT_ANSWERS:
            raise ValueError(f"an answer to a doubtful row is one of {DOUBT_ANSWERS}: {answer!r}")
    options = PlanOptions(
        source=Path(source),
        community_name=(community_name or "").strip() or None,
        community_id=community_id,
        mappings=mappings,
        complete=complete,
        limits=limits or ImportLimits(),
        answers=answers,
        doubtful=doubtful,
    )
    with gc_paused():
        return _Planner(connection, options, progress, cancelled).run()


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection during an import: it makes millions of objects that all stay
    alive until the end, and the collector would walk them all again and again for nothing
    (a tenth of an import's time). Reference counting still frees everything else."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Planner:
    def __init__(
        self,
        connection: Connection,
        options: PlanOptions,
        progress: Progress,
        cancelled: CancelCheck,
    ) -> None:
        self.connection = connection
        self.options = options
        self.progress = progress
        self.cancelled = cancelled
        self.now = datetime.now().replace(microsecond=0)
        self.rows: list[PlanRow] = []
        self.issues: list[RowIssue] = []
        self.notes: list[str] = []
        self.sheets: list[SheetPlan] = []
        self.persons: list[Person] = []
        self.index: dict[str, dict[str, Person]] = {k: {} for k in IDENTITY_FIELDS}
        self.by_member: dict[int, Person] = {}
        self.team_index: dict[str, Person] = {}
        self.weak_count: dict[tuple, int] = defaultdict(int)
        self.file_groups: dict[str, str] = {}  # group name → platform, in order of appearance
        self.group_owner: dict[str, str] = {}
        self.group_complete: dict[str, bool] = {}
        self.group_export_time: dict[str, datetime] = {}
        self.group_has_team: dict[str, bool] = {}
        self.unresolved_rejects: dict[str, int] = defaultdict(int)
        self.protected: dict[str, set[int]] = defaultdict(set)
        self.data_rows = 0
        self._handlers = self._field_handlers()

    # ---------------------------------------------------------------- reading

    def run(self) -> ImportPlan:
        options = self.options
        source = check_file(options.source, options.limits)
        if source.kind == "workbook" and source.size > _LOAD_PINYIN_BYTES:
            # apply_import needs pypinyin's dictionaries (0.3–1 s to load); calamine parses the
            # sheet without holding the GIL, so load them on a thread meanwhile.
            threading.Thread(target=load_pinyin, name="load-pinyin", daemon=True).start()
        self.db = _Database(self.connection)
        self.file_sha256 = source.sha256
        self.fingerprint = database_fingerprint(self.connection)
        self.override = self._override_community()
        for segment in self._segments(source):
            self._read_segment(segment)
        if not self.sheets:
            if source.kind == "csv" and (source.encoding or "") not in _SURE_ENCODINGS:
                raise UserError(
                    msg(
                        "文件「{name}」的编码认不出来（按 {encoding} 读出来找不到表头）："
                        "请另存为 UTF-8 编码的 CSV 再导入",
                        name=source.path.name,
                        encoding=source.encoding,
                    )
                )
            raise UserError(
                msg(
                    "文件「{name}」里找不到表头：前 {rows} "
                    "行里没有认得的列名（如 昵称、手机号、微信号、unionid）",
                    name=source.path.name,
                    rows=options.limits.header_scan_rows,
                )
            )
        if self.data_rows == 0:
            raise UserError(msg("文件「{name}」只有表头，没有数据行", name=source.path.name))
        if self.cancelled():
            raise Cancelled
        communities = self._communities()
        self._load_existing()
        self._decide(communities)
        leaves = self._leaves(communities)
        duplicates = self._duplicates()
        self.progress(self.data_rows, self.data_rows)
        return self._plan(source, communities, leaves, duplicates)

    def _override_community(self) -> str | None:
        options = self.options
        if options.community_id is not None:
            name = self.db.community_names.get(options.community_id)
            if name is None:
                raise UserError(msg("找不到编号为 {id} 的社群", id=options.community_id))
            return name
        return options.community_name

    def _segments(self, source: SourceFile) -> Iterator[seg.Segment]:
        limits = self.options.limits
        if source.kind == "json":
            yield from seg.segments_from_json(load_json(source, limits), source.path.name)
            return
        for table in iter_tables(source, limits):
            segment = seg.segment_from_table(table, limits, self._mapping_for)
            if segment is None:
                self.notes.append(msg("工作表「{sheet}」里找不到表头，已跳过", sheet=table.sheet))
                continue
            yield segment

    def _mapping_for(self, headers: list[str]) -> HeaderMapping:
        key = mapping_key(headers)
        for mapping in self.options.mappings:
            if mapping.key == key:
                return mapping
        stored = self.connection.execute(
            select(Setting.__table__.c.value).where(Setting.__table__.c.key == key)
        ).scalar_one_or_none()
        if isinstance(stored, dict) and len(stored.get("fields") or []) == len(headers):
            remembered = HeaderMapping(headers=list(headers), fields=list(stored["fields"]))
            try:
                validate_mapping(remembered)
            except UserError:
                pass
            else:
                remembered.remembered = True
                return remembered
        mapping, notes = auto_mapping(headers)
        self.notes.extend(notes)
        return mapping

    def _read_segment(self, segment: seg.Segment) -> None:
        options = self.options
        sheet = SheetPlan(
            sheet=segment.sheet,
            kind=segment.kind,
            header_row=segment.header_row,
            mapping=segment.mapping,
            community=self.override or segment.group,
            complete=segment.complete if options.complete is None else options.complete,
            notes=segment.notes,
        )
        self.sheets.append(sheet)
        if segment.group:
            self._note_group(segment.group, segment)
        limit = options.limits.max_rows
        for number, values, custom, filled, problem in segment.records:
            self.data_rows += 1
            sheet.rows += 1
            if self.data_rows > limit:
                raise UserError(
                    msg(
                        "文件「{name}」超过 {limit:,} 行的上限：请拆分成几个文件后分批导入",
                        name=options.source.name,
                        limit=limit,
                    )
                )
            if not self.data_rows % 2000:
                if self.cancelled():
                    raise Cancelled
                done = segment.fraction()
                estimate = int(self.data_rows / done) if done > 0 else self.data_rows + 1
                self.progress(self.data_rows, max(estimate, self.data_rows + 1))
            self._read_row(segment, sheet, number, values, custom, filled, problem)

    def _note_group(self, group: str, segment: seg.Segment) -> None:
        if group not in self.file_groups:
            self.file_groups[group] = segment.platform
        if segment.owner_staff:
            self.group_owner.setdefault(group, segment.owner_staff)
        if segment.export_time:
            self.group_export_time.setdefault(group, segment.export_time)

    def _read_row(
        self, segment, sheet: SheetPlan, number: int, values, custom, filled, problem
    ) -> None:
        if problem is not None:
            row = _Row()
            row.reject = problem.reason
            self._issue(sheet.sheet, number, problem.field, problem.value, problem.reason, True)
        else:
            row = self._normalize(segment, sheet.sheet, number, values, custom, filled)
        nickname = row.fields.get("nickname") or ""
        group = row.fields.pop("group_name", None) if "group_name" in row.fields else None
        group = group or segment.group
        if group and group not in self.file_groups:
            self.file_groups[group] = segment.platform
        row.community = self.override or group
        plan_row = PlanRow(sheet.sheet, number, REJECTED, nickname, row.community)
        self.rows.append(plan_row)
        if row.community:
            if sheet.complete:
                self.group_complete[row.community] = True
            else:
                self.group_complete.setdefault(row.community, False)
        if row.community and row.team:
            self.group_has_team[row.community] = True
        if row.reject:
            plan_row.reason = row.reject
            self._protect_rejected(row, sheet)
            return
        person, matched_by = self._resolve(row, nickname, plan_row)
        doubt = plan_row.doubt
        if doubt is not None and doubt.answer != SAME:
            if doubt.answer != NEW:
                self._hold_doubtful(row, sheet, plan_row, doubt)
                return
            self._new_despite_phone(row, plan_row, doubt)
            matched_by = ""
        fresh = person is None
        if fresh:
            person = Person(None, plan_row, row)
            self.persons.append(person)
            plan_row.status = ADD
        elif person.first is plan_row:
            plan_row.status = UNCHANGED
        else:
            plan_row.status = LINKED
            plan_row.linked_to = (person.first.sheet, person.first.row)
        plan_row.matched_by = matched_by
        if person.first is plan_row and matched_by:
            person.matched_by = matched_by
        plan_row.member_id = person.member_id
        if fresh and doubt is not None:
            person.not_same = (doubt.member_id,)
        self._attach_keys(person, row, plan_row, fresh)
        self._absorb(person, row, segment, plan_row, fresh)

    def _doubt(self, member_id: int, nickname: str, phone: str, plan_row: PlanRow) -> Doubt | None:
        """The question a row found only by `phone` raises: its nickname is another name than
        the one of the member the phone belongs to (not just another spelling of it)."""
        old = self.db.nickname.get(member_id, "")
        if (
            not nickname
            or not old
            or duplicate_key(old) == duplicate_key(nickname)
            or lossy_equal(nickname, old)
        ):
            return None
        answer = self.options.answers.get(plan_row.key, self.options.doubtful)
        return Doubt(member_id, old, phone, answer)

    def _hold_doubtful(self, row: _Row, sheet: SheetPlan, plan_row: PlanRow, doubt: Doubt) -> None:
        """Nothing of an unanswered (or skipped) doubtful row is written."""
        plan_row.status = DOUBTFUL
        plan_row.member_id = doubt.member_id
        plan_row.matched_by = _BY_PHONE
        question = msg(
            "手机号 {phone} 属于成员「{old}」，但这一行的昵称是「{nickname}」：是同一人吗？",
            phone=doubt.phone,
            old=doubt.member_nickname,
            nickname=plan_row.nickname,
        )
        if doubt.answer is None:
            plan_row.reason = msg("{question}未回答，这一行没有导入", question=question)
        else:
            plan_row.reason = msg("{question}已选择跳过，这一行没有导入", question=question)
        self._issue(plan_row.sheet, plan_row.row, "phone", doubt.phone, plan_row.reason, True)
        if row.community and sheet.complete:
            # Whoever the row is, the phone's owner may be in the group: not recorded as leaving.
            self.protected[row.community].add(doubt.member_id)

    def _new_despite_phone(self, row: _Row, plan_row: PlanRow, doubt: Doubt) -> None:
        """Answered NEW: another person, so the phone (one person's) stays with its owner."""
        del row.keys["phone"]
        self._issue(
            plan_row.sheet,
            plan_row.row,
            "phone",
            doubt.phone,
            msg(
                "按你的回答，这一行不是成员「{old}」：新建成员，手机号 {phone} 仍属于「{old}」，"
                "不写给新成员",
                old=doubt.member_nickname,
                phone=doubt.phone,
            ),
            False,
        )

    # ------------------------------------------------------------ normalising

    def _issue(self, sheet, number, field_name, value, reason, rejected) -> None:
        label = FIELD_LABELS.get(field_name, field_name)
        self.issues.append(RowIssue(sheet, number, label, to_text(value) or "", reason, rejected))

    def _normalize(self, segment, sheet, number, values, custom, filled) -> _Row:
        row = _Row()
        handlers = self._handlers
        for name, raw in values.items():
            handlers[name](row, raw, sheet, number, name, segment)
        if custom:
            target = row.custom
            for key, raw in custom.items():
                text = to_text(raw)
                if text is not None:
                    target[key] = text
        if row.reject:
            return row
        if not row.keys and not row.fields.get("nickname"):
            row.reject = msg("没有昵称，也没有手机号、微信号、unionid 等能认出是谁的信息")
        elif (
            filled == 1
            and segment.mapped_columns >= 4
            and not row.keys
            and "nickname" in row.fields
        ):
            row.reject = msg(
                "这一行只有昵称「{nickname}」一项有内容，像是空行或说明文字，已跳过",
                nickname=row.fields["nickname"],
            )
        if row.reject:
            self._issue(sheet, number, "nickname", row.fields.get("nickname"), row.reject, True)
        return row

    def _field_handlers(self) -> dict:
        """Field → the method that normalises its value into a _Row."""
        handlers = {name: self._identity_value for name in IDENTITY_FIELDS}
        for name in ("nickname", "remark", "city", "source_channel", "notes", "group_name"):
            handlers[name] = self._member_text
        handlers.update(
            group_nickname=self._group_nickname,
            join_channel=self._join_channel,
            gender=self._gender,
            birthday=self._birthday,
            joined_at=self._moment,
            added_at=self._moment,
            tags=self._tags,
            member_type=self._member_type,
            inviter_staff=self._inviter_staff,
        )
        handlers[opening.FIELD] = self._opening_points
        return handlers

    def _member_text(self, row: _Row, raw, sheet, number, name, _segment) -> None:
        text = self._text(sheet, number, name, raw)
        if text is not None:
            row.fields[name] = text

    def _group_nickname(self, row: _Row, raw, sheet, number, name, _segment) -> None:
        row.group_nickname = self._text(sheet, number, name, raw)

    def _join_channel(self, row: _Row, raw, sheet, number, name, _segment) -> None:
        row.join_channel = self._text(sheet, number, name, raw)

    def _gender(self, row: _Row, raw, sheet, number, name, _segment) -> None:
        gender, error = normalize_gender(raw)
        if error:
            self._issue(
                sheet, number, name, raw, msg("{problem}，已忽略该值", problem=error), False
            )
        elif gender is not None:
            row.fields["gender"] = gender

    def _birthday(self, row: _Row, raw, sheet, number, name, _segment) -> None:
        birthday, error = normalize_date(raw)
        if error:
            self._issue(
                sheet, number, name, raw, msg("{problem}，已忽略该值", problem=error), False
            )
        elif birthday:
            row.fields["birthday"] = birthday

    def _moment(self, row: _Row, raw, sheet, number, name, segment) -> None:
        moment, error = normalize_datetime(raw, unix=segment.unix_times)
        if error:
            self._issue(
                sheet, number, name, raw, msg("{problem}，已忽略该值", problem=error), False
            )
        elif moment and name == "joined_at":
            row.joined_at = moment
        elif moment:
            row.custom[ADDED_AT_FIELD] = format_datetime(moment)

    def _tags(self, row: _Row, raw, sheet, number, name, _segment) -> None:
        for tag in split_tags(raw):
            if len(tag) > _TAG_LIMIT:
                reason = msg("标签超过 {limit} 个字，已忽略", limit=_TAG_LIMIT)
                self._issue(sheet, number, name, tag, reason, False)
            elif tag not in row.tags:
                row.tags.append(sys.intern(tag))

    def _member_type(self, row: _Row, raw, sheet, number, name, _segment) -> None:
        team, error = (raw, None) if isinstance(raw, bool) else normalize_team(raw)
        if error:
            self._issue(
                sheet, number, name, raw, msg("{problem}，按客户导入", problem=error), False
            )
        row.team = team

    def _opening_points(self, row: _Row, raw, sheet, number, name, _segment) -> None:
        points, problem = opening.parse_points(raw)
        if problem:
            self._issue(sheet, number, name, raw, problem, False)
        if points:
            row.fields[name] = points

    def _inviter_staff(self, row: _Row, raw, _sheet, _number, _name, _segment) -> None:
        row.inviter = to_text(raw)

    def _text(self, sheet, number, name, raw) -> str | None:
        text = to_text(raw)
        if text is None:
            return None
        if _CONTROL.search(text):
            self._issue(sheet, number, name, text, msg("有看不见的控制字符，已删除这些字符"), False)
            text = _CONTROL.sub("", text).strip()
            if not text:
                return None
        limit = _TEXT_LIMITS.get(name)
        if limit and len(text) > limit:
            self._issue(
                sheet, number, name, text, msg("超过 {limit} 个字，已截断", limit=limit), False
            )
            text = text[:limit]
        return text

    def _identity_value(self, row: _Row, raw, sheet, number, name, _segment=None) -> None:
        if name == "phone":
            phone, error = normalize_phone(raw)
            if error and phone_lost_digits(raw):
                # Excel lost the digits, the row itself is sound: imported as with an empty
                # phone, and the phone is left for the owner to fix.
                reason = msg("{problem}；这一行照常导入，不写手机号", problem=error)
                self._issue(sheet, number, name, raw, reason, False)
            elif error:
                self._reject(row, sheet, number, name, raw, error)
            elif phone:
                row.keys["phone"] = phone
            return
        text = to_text(raw)
        if text is None:
            return
        if len(text) > _ID_LIMIT:
            reason = msg("{field}超过 {limit} 个字符", field=IDENTITY_LABELS[name], limit=_ID_LIMIT)
            self._reject(row, sheet, number, name, raw, reason)
        elif _SPACE.search(text):
            reason = msg("{field}里不应有空格", field=IDENTITY_LABELS[name])
            self._reject(row, sheet, number, name, raw, reason)
        elif _CONTROL.search(text):
            reason = msg("{field}里有看不见的控制字符", field=IDENTITY_LABELS[name])
            self._reject(row, sheet, number, name, raw, reason)
        else:
            row.keys[name] = text

    def _reject(self, row: _Row, sheet, number, name, raw, reason) -> None:
        self._issue(sheet, number, name, raw, reason, True)
        if not row.reject:
            row.reject = msg("{field}：{problem}", field=FIELD_LABELS[name], problem=reason)

    # --------------------------------------------------------------- identity

    def _existing(self, member_id: int, plan_row: PlanRow) -> Person:
        person = self.by_member.get(member_id)
        if person is None:
            person = Person(member_id, plan_row)
            self.by_member[member_id] = person
            self.persons.append(person)
        return person

    def _key(self, person: Person, kind: str) -> str | None:
        value = person.keys.get(kind)
        if value is None and person.member_id is not None:
            value = self.db.key_of(person.member_id, kind)
        return value

    def _key_of(self, person: Person | None, member_id: int | None, kind: str) -> str | None:
        if person is not None:
            return self._key(person, kind)
        return self.db.key_of(member_id, kind) if member_id is not None else None

    def _owner(self, kind: str, value: str) -> tuple[Person | None, int | None]:
        person = self.index[kind].get(value)
        if person is not None:
            return person, person.member_id
        member_id = self.db.maps[kind].get(value)
        return self.by_member.get(member_id) if member_id else None, member_id

    def _resolve(self, row: _Row, nickname: str, plan_row: PlanRow):
        if row.keys:
            for position, kind in enumerate(IDENTITY_FIELDS):
                value = row.keys.get(kind)
                if not value:
                    continue
                person, member_id = self._owner(kind, value)
                if person is None and member_id is None:
                    continue
                # A stronger identifier that differs means another person (two unionids
                # sharing a phone stay two people).
                if all(
                    not row.keys.get(k)
                    or not (theirs := self._key_of(person, member_id, k))
                    or row.keys[k] == theirs
                    for k in IDENTITY_FIELDS[:position]
                ):
                    if kind == "phone" and member_id is not None:
                        plan_row.doubt = self._doubt(member_id, nickname, value, plan_row)
                        if plan_row.doubt is not None and plan_row.doubt.answer != SAME:
                            return None, ""
                    if person is None:
                        person = self._existing(member_id, plan_row)
                    return person, _MATCHED_BY[kind]
            return None, ""
        if not nickname:
            return None, ""
        if row.team:
            person = self.team_index.get(nickname)
            if person is not None:
                return person, _BY_STAFF_NAME
            candidates = self.db.team_by_nickname.get(nickname, [])
            if len(candidates) == 1:
                person = self._existing(candidates[0], plan_row)
                self.team_index[nickname] = person
                return person, _BY_STAFF_NAME
            return None, ""
        community_id = self._community_id(row.community) if row.community else None
        if row.community and community_id is None:
            return None, ""  # a community the import creates has no members yet
        scope = (row.community, nickname)
        position = self.weak_count[scope]
        self.weak_count[scope] += 1
        candidates = self.db.weak_candidates(community_id).get(nickname, [])
        if position < len(candidates):
            person = self._existing(candidates[position], plan_row)
            return person, _BY_GROUP_NICKNAME if row.community else _BY_NICKNAME
        return None, ""

    def _community_id(self, name: str) -> int | None:
        if self.options.community_id is not None and name == self.override:
            return self.options.community_id
        found = self.db.communities.get(name)
        return found[0][0] if found else None

    def _attach_keys(self, person: Person, row: _Row, plan_row: PlanRow, fresh: bool) -> None:
        if fresh:
            self._attach_fresh_keys(person, row, plan_row)
            return
        for kind, value in row.keys.items():
            owner, owner_id = self._owner(kind, value)
            if owner is person or (owner_id is not None and owner_id == person.member_id):
                person.keys.setdefault(kind, value)
                continue
            if owner is not None or owner_id is not None:
                other = (
                    owner.first.nickname
                    if owner is not None
                    else self.db.nickname.get(owner_id, "")
                )
                self._issue(
                    plan_row.sheet,
                    plan_row.row,
                    kind,
                    value,
                    msg(
                        "{field} {value} 已属于另一位成员「{other}」（其他编号不同），"
                        "这一行不写入该值",
                        field=IDENTITY_LABELS[kind],
                        value=value,
                        other=other,
                    ),
                    False,
                )
                continue
            current = person.keys.get(kind)
            if current is not None and current != value:
                self._issue(
                    plan_row.sheet,
                    plan_row.row,
                    kind,
                    value,
                    msg(
                        "同一人在前面的行里{field}是 {value}，保留前面的值",
                        field=IDENTITY_LABELS[kind],
                        value=current,
                    ),
                    False,
                )
                continue
            person.keys[kind] = value
            self.index[kind][value] = person

    def _attach_fresh_keys(self, person: Person, row: _Row, plan_row: PlanRow) -> None:
        """A new member's identifiers: theirs unless someone else (who differs in a stronger
        identifier) already has them."""
        taken = []
        for kind, value in row.keys.items():
            owner, owner_id = self._owner(kind, value)
            if owner is None and owner_id is None:
                self.index[kind][value] = person
                continue
            other = owner.first.nickname if owner is not None else self.db.nickname.get(owner_id)
            self._issue(
                plan_row.sheet,
                plan_row.row,
                kind,
                value,
                msg(
                    "{field} {value} 已属于另一位成员「{other}」（其他编号不同），这一行不写入该值",
                    field=IDENTITY_LABELS[kind],
                    value=value,
                    other=other or "",
                ),
                False,
            )
            taken.append(kind)
        person.keys = row.keys
        for kind in taken:
            del person.keys[kind]

    def _absorb(self, person: Person, row: _Row, segment, plan_row: PlanRow, fresh: bool) -> None:
        if not fresh:
            if person.custom is _NOTHING:
                person.custom = {}
            if person.tags is _NO_TAGS:
                person.tags = []
            for name, value in row.fields.items():
                if name not in person.fields:
                    person.fields[name] = value
                elif name == opening.FIELD and value != person.fields[name]:
                    self._issue(
                        plan_row.sheet,
                        plan_row.row,
                        name,
                        value,
                        msg(
                            "同一人在前面的行里期初积分是 {points}，只计入一次，按前面的值",
                            points=person.fields[name],
                        ),
                        False,
                    )
            for key, value in row.custom.items():
                old = person.custom.get(key)
                if old is None:
                    person.custom[key] = value
                elif key == ADDED_AT_FIELD:
                    person.custom[key] = min(old, value)  # first added, by any staff
                elif value != old and value not in old.split("、"):
                    person.custom[key] = f"{old}、{value}"
            for tag in row.tags:
                if tag not in person.tags:
                    person.tags.append(tag)
        if row.team:
            person.team = True
        elif row.team is False and person.team is None:
            person.team = False
        if row.inviter and person.inviter is None:
            person.inviter = row.inviter
        if row.team and not row.keys:
            self.team_index.setdefault(person.fields.get("nickname", ""), person)
        if row.community:
            seen = person.groups.get(row.community)
            if seen is None:
                if person.groups is _NOTHING:
                    person.groups = {}
                person.groups[row.community] = _Seen(
                    row.group_nickname,
                    row.joined_at,
                    row.join_channel,
                    segment.export_time,
                    plan_row,
                )
            else:
                seen.group_nickname = seen.group_nickname or row.group_nickname
                seen.joined_at = seen.joined_at or row.joined_at
                seen.join_channel = seen.join_channel or row.join_channel

    def _protect_rejected(self, row: _Row, sheet: SheetPlan) -> None:
        """A rejected row of a complete list is still someone in the group: find them, so they
        are not recorded as leaving; if nobody can be found, no one leaves that group."""
        if not row.community or not sheet.complete:
            return
        for kind in IDENTITY_FIELDS:
            value = row.keys.get(kind)
            if value:
                person, member_id = self._owner(kind, value)
                member_id = member_id or (person.member_id if person else None)
                if member_id:
                    self.protected[row.community].add(member_id)
                    return
        self.unresolved_rejects[row.community] += 1

    # ------------------------------------------------------------ communities

    def _communities(self) -> dict[str, CommunityPlan]:
        options = self.options
        if self.override and len(self.file_groups) > 1:
            raise UserError(
                msg(
                    "文件里有 {count} 个群（{names}），指定社群只能用于只含一个群的文件",
                    count=len(self.file_groups),
                    names=joined_list(list(self.file_groups)[:5]),
                )
            )
        result: dict[str, CommunityPlan] = {}
        names = [self.override] if self.override else list(self.file_groups)
        for name in names:
            if name is None or name in result:
                continue
            if len(name) > 100:
                raise UserError(msg("群名「{name}…」超过 {limit} 个字", name=name[:20], limit=100))
            platform = self.file_groups.get(name) or next(iter(self.file_groups.values()), "wechat")
            found = self.db.communities.get(name, [])
            if self.override and options.community_id is not None:
                community_id = options.community_id
                platform = next(
                    (
                        p
                        for ids in self.db.communities.values()
                        for i, p in ids
                        if i == community_id
                    ),
                    platform,
                )
            elif len(found) > 1:
                raise UserError(
                    msg(
                        "数据库里有 {count} 个名为「{name}」的社群，无法判断导入哪一个："
                        "请指定社群编号",
                        count=len(found),
                        name=name,
                    )
                )
            elif found:
                community_id, platform = found[0]
            else:
                community_id = None
            complete = self.group_complete.get(name, False)
            result[name] = CommunityPlan(
                name=name, community_id=community_id, platform=platform, complete=complete
            )
        return result

    # -------------------------------------------------------------- decisions

    def _load_existing(self) -> None:
        """The current state of every matched member, fetched in chunks by id."""
        self.existing: dict[int, dict] = {}
        self.existing_groups: dict[int, dict[int, tuple]] = defaultdict(dict)
        self.existing_tags: dict[int, set[str]] = defaultdict(set)
        ids = sorted(self.by_member)
        m, ms, mt, tg = Member.__table__, Membership.__table__, MemberTag.__table__, Tag.__table__
        columns = [
            m.c.id,
            *(m.c[f] for f in _MEMBER_FIELDS),
            *(m.c[k] for k in _DB_KEYS),
            m.c.custom_fields,
            m.c.is_team,
            m.c.inviter_id,
        ]
        names = [column.name for column in columns]
        # The ids are written into the SQL (integers, from the database): no bound-parameter
        # limit, so few big chunks, and no per-value parameter processing.
        chunk_ids = bindparam("ids", expanding=True, literal_execute=True)
        members = select(*columns).where(m.c.id.in_(chunk_ids))
        memberships = select(
            ms.c.member_id,
            ms.c.community_id,
            ms.c.group_nickname,
            ms.c.joined_at,
            ms.c.left_at,
            ms.c.join_channel,
        ).where(ms.c.member_id.in_(chunk_ids))
        tags = (
            select(mt.c.member_id, tg.c.name)
            .join(tg, tg.c.id == mt.c.tag_id)
            .where(mt.c.member_id.in_(chunk_ids))
        )
        for start in range(0, len(ids), _CHUNK):
            chunk = {"ids": ids[start : start + _CHUNK]}
            for row in self.connection.execute(members, chunk):
                self.existing[row[0]] = dict(zip(names, row, strict=True))
            for member_id, community_id, *state in self.connection.execute(memberships, chunk):
                self.existing_groups[member_id][community_id] = tuple(state)
            for member_id, name in self.connection.execute(tags, chunk):
                self.existing_tags[member_id].add(name)
            if self.cancelled():
                raise Cancelled
        bringing = [p.member_id for p in self.by_member.values() if opening.FIELD in p.fields]
        self.opened = opening.members_with_opening(self.connection, bringing) if bringing else {}

    def _decide(self, communities: dict[str, CommunityPlan]) -> None:
        self.joins: list[tuple[Person, str, datetime]] = []
        for person in self.persons:
            if person.member_id is None:
                self._decide_new(person, communities)
            else:
                self._decide_existing(person, communities)
            person.first.status = person.status
            person.first.changes = person.changes or None

    def _join_time(self, seen: _Seen) -> datetime:
        return seen.joined_at or seen.export_time or self.now

    def _inviter(self, person: Person):
        """The inviting staff member: a Person of this file, or an existing member id."""
        if not person.inviter:
            return None
        found = self.index["staff_userid"].get(person.inviter)
        if found is not None and found is not person:
            return found.member_id if found.member_id is not None else found
        member_id = self.db.maps["staff_userid"].get(person.inviter)
        if member_id is not None and member_id != person.member_id:
            return member_id
        return None

    def _opening_change(self, person: Person) -> FieldChange | None:
        """期初积分 +120, or None when the member has had an opening balance already."""
        points = person.fields.get(opening.FIELD)
        if not points:
            return None
        files = self.opened.get(person.member_id)
        if files:
            del person.fields[opening.FIELD]
            if self.file_sha256 in files:
                return None  # this very file, imported again: nothing new to say
            self._issue(
                person.first.sheet,
                person.first.row,
                opening.FIELD,
                points,
                msg("这位成员已经导入过期初积分，这次不再计入（积分不重复计算）"),
                False,
            )
            return None
        return FieldChange(FIELD_LABELS[opening.FIELD], "", f"+{points}")

    def _decide_new(self, person: Person, communities: dict[str, CommunityPlan]) -> None:
        change = self._opening_change(person)
        if change is not None:
            person.changes = [change]
        inviter = self._inviter(person)
        if inviter is not None or person.groups:
            person.ops = {"inviter": inviter, "memberships": []}
        if person.keys.get("staff_userid"):
            person.custom = {**person.custom, STAFF_ACCOUNT_FIELD: person.keys["staff_userid"]}
            person.team = True
        for name, seen in person.groups.items():
            occurred = self._join_time(seen)
            person.ops["memberships"].append(
                (
                    "new",
                    name,
                    seen.group_nickname or "",
                    seen.joined_at or occurred,
                    seen.join_channel or "",
                )
            )
            self.joins.append((person, name, occurred))
            communities[name].joins += 1

    def _decide_existing(self, person: Person, communities: dict[str, CommunityPlan]) -> None:
        member_id = person.member_id
        current = self.existing[member_id]
        changes = person.changes = []
        updates: dict[str, Any] = {}

        def compare(name: str, new, *, lossy=False, fill_only=False) -> None:
            old = current.get(name)
            if new is None or new == old:
                return
            if lossy and old and lossy_equal(new, old):
                return
            if fill_only and old:
                return
            updates[name] = new
            if name == "gender":
                shown_old, shown_new = _GENDER_WORDS.get(old, ""), _GENDER_WORDS.get(new, "")
            else:
                shown_old, shown_new = _show(old), _show(new)
            changes.append(FieldChange(FIELD_LABELS[name], shown_old, shown_new))

        fields = person.fields
        compare("nickname", fields.get("nickname"), lossy=True)
        compare("remark", fields.get("remark"), lossy=True)
        if fields.get("gender"):
            compare("gender", fields["gender"])
        compare("birthday", fields.get("birthday"))
        compare("city", fields.get("city"))
        compare("source_channel", fields.get("source_channel"), fill_only=True)
        compare("notes", fields.get("notes"))
        for kind in _DB_KEYS:
            compare(kind, person.keys.get(kind))
        if person.team and not current["is_team"]:
            updates["is_team"] = True
            changes.append(FieldChange(_STAFF, _NO, _YES))
        custom = dict(current["custom_fields"] or {})
        if person.keys.get("staff_userid"):
            person.custom[STAFF_ACCOUNT_FIELD] = person.keys["staff_userid"]
            if not current["is_team"] and "is_team" not in updates:
                updates["is_team"] = True
                changes.append(FieldChange(_STAFF, _NO, _YES))
        custom_changed = False
        for key, value in person.custom.items():
            if custom.get(key) != value:
                changes.append(FieldChange(key, _show(custom.get(key)), value))
                custom[key] = value
                custom_changed = True
        if custom_changed:
            updates["custom_fields"] = custom
        new_tags = [t for t in person.tags if t not in self.existing_tags.get(member_id, ())]
        if new_tags:
            changes.append(FieldChange(_TAGS, "", "、".join("+" + t for t in new_tags)))
        opening_change = self._opening_change(person)
        if opening_change is not None:
            changes.append(opening_change)
        inviter = self._inviter(person)
        if inviter is not None and current["inviter_id"] is None:
            updates["inviter_id"] = inviter
            who = (
                inviter.first.nickname
                if isinstance(inviter, Person)
                else self.db.nickname.get(inviter, "")
            )
            changes.append(FieldChange(_INVITER, "", who))
        groups = self.existing_groups.get(member_id, {})
        membership_ops = []
        group_nicknames: dict[Any, str] = {cid: gn for cid, (gn, *_rest) in groups.items()}
        for name, seen in person.groups.items():
            plan = communities[name]
            existing = groups.get(plan.community_id) if plan.community_id else None
            if existing is None:
                occurred = self._join_time(seen)
                membership_ops.append(
                    (
                        "new",
                        name,
                        seen.group_nickname or "",
                        seen.joined_at or occurred,
                        seen.join_channel or "",
                    )
                )
                if seen.group_nickname:
                    group_nicknames[("new", name)] = seen.group_nickname
                self.joins.append((person, name, occurred))
                plan.joins += 1
                changes.append(FieldChange(_JOINS, "", name))
                continue
            old_nickname, joined_at, left_at, join_channel = existing
            values: dict[str, Any] = {}
            if left_at is not None:
                occurred = (
                    seen.joined_at
                    if seen.joined_at and seen.joined_at > left_at
                    else (seen.export_time or self.now)
                )
                values["left_at"] = None
                values["joined_at"] = occurred
                self.joins.append((person, name, occurred))
                plan.joins += 1
                changes.append(
                    FieldChange(
                        msg("重新加入「{community}」", community=name),
                        msg("{time} 退群", time=_show(left_at)),
                        _show(occurred),
                    )
                )
            elif seen.joined_at and seen.joined_at != joined_at:
                values["joined_at"] = seen.joined_at
                changes.append(
                    FieldChange(
                        msg("入群时间（{community}）", community=name),
                        _show(joined_at),
                        _show(seen.joined_at),
                    )
                )
            new_nickname = seen.group_nickname
            if (
                new_nickname
                and new_nickname != old_nickname
                and not (old_nickname and lossy_equal(new_nickname, old_nickname))
            ):
                values["group_nickname"] = new_nickname
                group_nicknames[plan.community_id] = new_nickname
                changes.append(
                    FieldChange(
                        msg("群昵称（{community}）", community=name),
                        old_nickname or "",
                        new_nickname,
                    )
                )
            if seen.join_channel and not join_channel:
                values["join_channel"] = seen.join_channel
                changes.append(
                    FieldChange(
                        msg("入群方式（{community}）", community=name), "", seen.join_channel
                    )
                )
            if values:
                membership_ops.append(("update", name, values))
        person.ops = {
            "updates": updates,
            "tags": new_tags,
            "memberships": membership_ops,
            "group_nicknames": [gn for gn in group_nicknames.values() if gn],
            "search_base": {f: current[f] for f in ("nickname", "remark", "wechat_id", "phone")},
        }
        person.status = UPDATE if changes else UNCHANGED

    def _leaves(
        self, communities: dict[str, CommunityPlan]
    ) -> list[tuple[int, str, datetime, str]]:
        leaves: list[tuple[int, str, datetime, str]] = []
        m, ms = Member.__table__, Membership.__table__
        # Existing members the file shows in each group: one pass, not one per group.
        seen_in: dict[str, set[int]] = defaultdict(set)
        for person in self.persons:
            if person.member_id:
                for name in person.groups:
                    seen_in[name].add(person.member_id)
        for name, plan in communities.items():
            if not plan.complete or plan.community_id is None:
                continue
            if self.unresolved_rejects.get(name):
                plan.note = msg(
                    "有 {count} 行被拒绝且认不出是谁，本次不记录这个群的退群",
                    count=self.unresolved_rejects[name],
                )
                self.notes.append(msg("「{community}」{note}", community=name, note=plan.note))
                continue
            seen = seen_in[name] | self.protected.get(name, set())
            current = self.connection.execute(
                select(ms.c.member_id, m.c.nickname)
                .join(m, m.c.id == ms.c.member_id)
                .where(
                    and_(
                        ms.c.community_id == plan.community_id,
                        ms.c.left_at.is_(None),
                        m.c.merged_into_id.is_(None),
                    )
                )
                .order_by(ms.c.member_id)
            ).all()
            if current and not any(mid in seen for mid, _ in current):
                # Nobody in the file is a current member: another group of the same name, or a
                # list from the other side (personal WeChat wxids vs. WeCom ids). Not a reason
                # to record that everyone left.
                plan.note = msg(
                    "文件里的成员与现有成员一个都对不上（可能是同名的另一个群），本次不记录退群"
                )
                self.notes.append(msg("「{community}」{note}", community=name, note=plan.note))
                continue
            occurred = self.group_export_time.get(name) or self.now
            # A list without any staff in it (customer-only views) says nothing about staff.
            has_team = self.group_has_team.get(name, False)
            leaving = [
                (mid, nick)
                for mid, nick in current
                if mid not in seen and (has_team or mid not in self.db.team)
            ]
            for member_id, nickname in leaving:
                leaves.append((member_id, name, occurred, nickname or ""))
            plan.leaves = len(leaving)
            if len(leaving) * 2 > len(current):
                self.notes.append(
                    msg(
                        "「{community}」现有 {count} 人中有 {leaving} 人不在文件里、"
                        "将记为退群：请确认这个文件是该群的完整成员名单",
                        community=name,
                        count=len(current),
                        leaving=len(leaving),
                    )
                )
        return leaves

    def _duplicates(self) -> list[PossibleDuplicate]:
        """Nickname matches without a shared identifier: only suggestions, never merged.

        A new person's identifiers belong to nobody else, in the file or the database (one that
        was taken was not given to them). So a candidate conflicts with them exactly when it has
        an identifier of a kind they have too, and candidates are kept grouped by the kinds they
        have: each row looks at the first few of the groups it does not conflict with, instead
        of at every earlier one (100000 rows over ten nicknames, each row with its own phone,
        took 14 minutes).
        """
        found: list[PossibleDuplicate] = []
        new_persons = [p for p in self.persons if p.member_id is None]
        if not new_persons:
            return found
        db_index = self.db.duplicate_index()
        db_groups: dict[str, dict[frozenset, list[tuple[int, int]]]] = {}
        # key → identifier kinds → (position, new person), in file order
        file_groups: dict[str, dict[frozenset, list[tuple[int, Person]]]] = {}
        for position, person in enumerate(new_persons):
            if len(found) >= _DUPLICATE_LIMIT:
                break
            nickname = person.fields.get("nickname", "")
            key = duplicate_key(nickname)
            if not key:
                continue
            kinds = frozenset(kind for kind, value in person.keys.items() if value)
            groups = db_groups.get(key)
            if groups is None:
                groups = db_groups[key] = self._member_groups(db_index.get(key, ()))
            shown = 0
            for _order, member_id in _first_compatible(groups, kinds):
                if shown >= _DUPLICATE_LIMIT_PER_ROW or len(found) >= _DUPLICATE_LIMIT:
                    break
                found.append(
                    PossibleDuplicate(
                        person.first.sheet,
                        person.first.row,
                        nickname,
                        self.db.nickname.get(member_id, ""),
                        member_id,
                        None,
                        _SAME_NICKNAME,
                    )
                )
                shown += 1
            groups = file_groups.setdefault(key, {})
            for _order, other in _first_compatible(groups, kinds):
                if shown >= _DUPLICATE_LIMIT_PER_ROW or len(found) >= _DUPLICATE_LIMIT:
                    break
                found.append(
                    PossibleDuplicate(
                        person.first.sheet,
                        person.first.row,
                        nickname,
                        other.fields.get("nickname", ""),
                        None,
                        (other.first.sheet, other.first.row),
                        _SAME_NICKNAME,
                    )
                )
                shown += 1
            groups.setdefault(kinds, []).append((position, person))
        if len(found) >= _DUPLICATE_LIMIT:
            self.notes.append(
                msg("疑似重复的成员超过 {limit} 对，只列出前 {limit} 对", limit=_DUPLICATE_LIMIT)
            )
        return found

    def _member_groups(self, member_ids) -> dict[frozenset, list[tuple[int, int]]]:
        """Database members with one duplicate key, by the identifier kinds they have; those
        the file matched are left out (they are the same person, not a possible duplicate)."""
        groups: dict[frozenset, list[tuple[int, int]]] = {}
        for order, member_id in enumerate(member_ids):
            if member_id in self.by_member:
                continue
            kinds = frozenset(k for k in IDENTITY_FIELDS if self.db.key_of(member_id, k))
            groups.setdefault(kinds, []).append((order, member_id))
        return groups

    # ------------------------------------------------------------------ result

    def _plan(self, source, communities, leaves, duplicates) -> ImportPlan:
        counts = ImportCounts()
        for row in self.rows:
            if row.status == ADD:
                counts.added += 1
            elif row.status == UPDATE:
                counts.updated += 1
            elif row.status == UNCHANGED:
                counts.unchanged += 1
            elif row.status == LINKED:
                counts.linked += 1
            elif row.status == DOUBTFUL:
                counts.doubtful += 1
            else:
                counts.rejected += 1
        counts.joined = len(self.joins)
        counts.left = len(leaves)
        leave_changes = [
            MembershipChange("leave", name, nickname, member_id, occurred)
            for member_id, name, occurred, nickname in leaves
        ]
        internal = PlanInternal(
            options=self.options,
            fingerprint=self.fingerprint,
            persons=self.persons,
            communities=communities,
            leaves=leaves,
            join_events=self.joins,
            group_owner=self.group_owner,
            now=self.now,
        )
        kind = {"workbook": "spreadsheet", "csv": "csv"}.get(source.kind, "json")
        if kind == "json":
            customers = any(s.kind == seg.CUSTOMERS for s in self.sheets)
            kind = "wecom_customers" if customers else "wecom_groupchat"
        return ImportPlan(
            source=source.path,
            file_name=source.path.name,
            file_sha256=source.sha256,
            file_size=source.size,
            source_kind=kind,
            sheets=self.sheets,
            communities=list(communities.values()),
            rows=self.rows,
            issues=self.issues,
            leaves=leave_changes,
            possible_duplicates=duplicates,
            counts=counts,
            notes=self.notes,
            internal=internal,
        )


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return _YES if value else _NO
    if isinstance(value, dict):
        return "、".join(f"{k}={v}" for k, v in value.items())
    return str(value)


@dataclass
class PlanInternal:
    """What apply_import needs beyond the preview."""

    options: PlanOptions
    fingerprint: tuple
    persons: list[Person]
    communities: dict[str, CommunityPlan]
    leaves: list[tuple[int, str, datetime, str]]
    join_events: list[tuple[Person, str, datetime]]
    group_owner: dict[str, str]
    now: datetime
    extra: dict = field(default_factory=dict)

    def opening_balances(self) -> Iterator[opening.OpeningBalance]:
        for person in self.persons:
            points = person.fields.get(opening.FIELD)
            if points:
                yield opening.OpeningBalance(
                    person.member_id if person.member_id is not None else person.new_id,
                    points,
                    person.fields.get("nickname", "") or person.first.nickname,
                    person.first.sheet,
                    person.first.row,
                )

    def joins(self) -> Iterator[MembershipChange]:
        for person, name, occurred in self.join_events:
            nickname = person.fields.get("nickname", "") or person.first.nickname
            yield MembershipChange("join", name, nickname, person.member_id, occurred)
