"""plan_import: read a member list, normalise it, recognise who is who, and describe the import.

Nothing is written. The steps, one module each: snapshot (the database, loaded once),
field_handlers (each value normalised), identity (who each row is: the rules are there),
memberships (joins and leaves), changes (what changes for each person), duplicates (nickname
matches, only suggested). This module reads the file and runs them in order.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.gc_pause import gc_paused
from core.common.progress import CancelCheck, Cancelled, Progress, never_cancelled, no_progress
from core.common.search_keys import load_pinyin
from core.common.sheets.limits import ImportLimits
from core.common.sheets.readers import SourceFile, check_file, iter_tables, load_json
from core.common.text import msg
from core.members.importing import opening
from core.members.importing import sections as seg
from core.members.importing.changes import Changes
from core.members.importing.duplicates import possible_duplicates
from core.members.importing.field_handlers import RowNormalizer
from core.members.importing.fields import IDENTITY_FIELDS, auto_mapping, validate_mapping
from core.members.importing.identity import Identity
from core.members.importing.memberships import Memberships
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
    HeaderMapping,
    ImportCounts,
    ImportPlan,
    MembershipChange,
    PlanRow,
    RowIssue,
    SheetPlan,
    mapping_key,
)
from core.members.importing.persons import Person, Row
from core.members.importing.snapshot import Snapshot, database_fingerprint, load_matched
from db.models import Setting

# What a file that decodes as one of these says is what it means; any other is a guess.
_GROUP_LIST = re.compile(r"\s*[,，]\s*")
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
    opened: opening.OpenedLookup | None = None  # who holds an opening balance already


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
    opened: opening.OpenedLookup | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> ImportPlan:
    """Read `source` and describe what importing it would do; nothing is written.

    community_name / community_id: put every row into this community (created if the name is
      new); only for files that name at most one group themselves.
    mapping: the column mappings the user confirmed (from a previous plan's `sheets[i].mapping`,
      with `fields` edited); remembered when the plan is applied.
    complete: whether the file lists every member of its group(s) (absent members leave); None
      decides from the kind of file (see core.members.importing.sections).
    answers: SAME / NEW / SKIP for doubtful rows, by (sheet, row) (`PlanRow.key`).
    doubtful: the answer for every doubtful row `answers` does not name; None leaves them
      unanswered: not imported, listed in `ImportPlan.unanswered`.
    opened: who already holds an opening balance from an import (the ledger knows:
      core.workflows.member_import.plan_member_import hands it in); None: the preview does not
      say, and writing the balances still adds none twice.
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
        opened=opened,
    )
    with gc_paused():
        return _Planner(connection, options, progress, cancelled).run()


class _Planner(Identity, Memberships, Changes):
    """One planning: reads the file row by row (here) and runs the steps of identity,
    memberships and changes on the state they share."""

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
        self.normalizer = RowNormalizer(self.issues)
        self._issue = self.normalizer.issue

    # ---------------------------------------------------------------- reading

    def run(self) -> ImportPlan:
        options = self.options
        source = check_file(options.source, options.limits)
        if source.kind == "workbook" and source.size > _LOAD_PINYIN_BYTES:
            # apply_import needs pypinyin's dictionaries (0.3–1 s to load); calamine parses the
            # sheet without holding the GIL, so load them on a thread meanwhile.
            threading.Thread(target=load_pinyin, name="load-pinyin", daemon=True).start()
        self.db = Snapshot(self.connection)
        self.file_sha256 = source.sha256
        self.fingerprint = database_fingerprint(self.connection)
        self.override = self._override_community()
        for section in self._sections(source):
            self._read_section(section)
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
        self.existing, self.existing_groups, self.existing_tags = load_matched(
            self.connection, sorted(self.by_member), self.cancelled
        )
        bringing = [p.member_id for p in self.by_member.values() if opening.FIELD in p.fields]
        lookup = self.options.opened
        self.opened = lookup(self.connection, bringing) if bringing and lookup else {}
        self._decide(communities)
        leaves = self._leaves(communities)
        duplicates = possible_duplicates(self.persons, self.db, self.by_member, self.notes)
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

    def _sections(self, source: SourceFile) -> Iterator[seg.Section]:
        limits = self.options.limits
        if source.kind == "json":
            yield from seg.sections_from_json(load_json(source, limits), source.path.name)
            return
        for table in iter_tables(source, limits):
            section = seg.section_from_table(table, limits, self._mapping_for)
            if section is None:
                self.notes.append(msg("工作表「{sheet}」里找不到表头，已跳过", sheet=table.sheet))
                continue
            yield section

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

    def _read_section(self, section: seg.Section) -> None:
        options = self.options
        sheet = SheetPlan(
            sheet=section.sheet,
            kind=section.kind,
            header_row=section.header_row,
            mapping=section.mapping,
            community=self.override or section.group,
            complete=section.complete if options.complete is None else options.complete,
            notes=section.notes,
        )
        self.sheets.append(sheet)
        if section.group:
            self._note_group(section.group, section)
        limit = options.limits.max_rows
        for number, values, custom, filled, problem in section.records:
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
                done = section.fraction()
                estimate = int(self.data_rows / done) if done > 0 else self.data_rows + 1
                self.progress(self.data_rows, max(estimate, self.data_rows + 1))
            self._read_row(section, sheet, number, values, custom, filled, problem)

    def _groups_in(self, cell: str | None) -> list[str]:
        """The groups a 群名 cell names: LinkWeChat lists a customer's groups joined by commas
        ("1群,2群"). A name the database already has stays whole (a group may have a comma in
        its name)."""
        if not cell:
            return []
        if cell in self.db.communities:
            return [cell]
        parts = list(dict.fromkeys(part for part in _GROUP_LIST.split(cell) if part))
        return parts if len(parts) > 1 else [cell]

    def _note_group(self, group: str, section: seg.Section) -> None:
        if group not in self.file_groups:
            self.file_groups[group] = section.platform
        if section.owner_staff:
            self.group_owner.setdefault(group, section.owner_staff)
        if section.export_time:
            self.group_export_time.setdefault(group, section.export_time)

    def _read_row(
        self, section, sheet: SheetPlan, number: int, values, custom, filled, problem
    ) -> None:
        if problem is not None:
            row = Row()
            row.reject = problem.reason
            self._issue(sheet.sheet, number, problem.field, problem.value, problem.reason, True)
        else:
            row = self.normalizer.normalize(section, sheet.sheet, number, values, custom, filled)
        nickname = row.fields.get("nickname") or ""
        group = row.fields.pop("group_name", None) if "group_name" in row.fields else None
        groups = self._groups_in(group or section.group)
        for name in groups:
            if name not in self.file_groups:
                self.file_groups[name] = section.platform
        row.community = self.override or (groups[0] if groups else None)
        row.also_in = () if self.override else tuple(groups[1:])
        plan_row = PlanRow(sheet.sheet, number, REJECTED, nickname, row.community)
        self.rows.append(plan_row)
        for name in (row.community, *row.also_in) if row.community else ():
            if sheet.complete:
                self.group_complete[name] = True
            else:
                self.group_complete.setdefault(name, False)
            if row.team:
                self.group_has_team[name] = True
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
        self._absorb(person, row, section, plan_row, fresh)

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
