"""Activity records (行为记录) from a spreadsheet: .xlsx/.xlsm/.xls/.ods/.csv/.txt.

The file goes through the shared reader, core.common.sheets (`check_file` refuses empty, huge,
encrypted, non-spreadsheet and zip-bomb files and sheets too big to hold; CSV encodings are
detected), so every import accepts and refuses the same files. Each sheet's header row is found
among its first rows (title rows above it are fine) and is one of two layouts:

- long: one row per record — a member, a kind (行为/类型: 签到, 发言, 打卡, checkin …), a date,
  and optionally a count (次数, default 1) and an amount in yuan (金额, for purchases);
- wide: no kind column, but columns named after kinds (签到, 发言, 邀请人数 …) whose cells are
  counts for the member on the row's date — a weekly statistics sheet.

A member is found by 成员编号, then 微信号, then phone (core.members.lookup), then by name among
the members of the row's community (社群 column, else the community the caller chose, else the
sheet's name when it is a community's), through core.members.name_match, the matcher the 接龙
paste shares (exact — nickname, group nickname, remark, 微信号 — before bracket- or
emoji-stripped before pinyin; with several name columns, the best strength any of them
reaches). Only a unique match counts; every row that cannot be read exactly is rejected with
its reason (an ambiguous name with its candidates), nothing is guessed.

`plan_activity_import` is the dry run: counts, the rejected rows and the events to add.
`apply_activity_import` records them through `record_events` (core/workflows adds the points
and levels that follow); the
caller commits once. Every event's source_ref names what it records — member, community, kind,
time — and which occurrence of that it is in the file, so importing the same file again adds
nothing, and importing a longer version of it (a sheet with this week's rows appended, saved
under a new name) adds only the new rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.activity.kinds import KIND_LABELS
from core.activity.record import MAX_AMOUNT_CENTS, NewEvent, RecordResult, record_events
from core.common.errors import UserError
from core.common.joins import joined_clauses, joined_list
from core.common.member_description import describe_members
from core.common.progress import CancelCheck, Cancelled, Progress, never_cancelled, no_progress
from core.common.sheets.limits import ImportLimits
from core.common.sheets.normalize import (
    is_blank,
    normalize_datetime,
    normalize_header,
    normalize_phone,
    to_text,
)
from core.common.sheets.readers import (
    BrokenRow,
    Table,
    check_file,
    iter_tables,
)
from core.common.text import msg
from core.members.lookup import live_members_by_id, members_by_phone, members_by_wechat_id
from core.members.name_match import MemberNames, NameMatch, community_member_names
from db.models import ActivityEvent, Community

MAX_COUNT = 1000  # one row saying someone did a thing more often than this is a typing mistake
EARLIEST = date(2000, 1, 1)
DAY_TIME = time(12, 0)  # a date without a time: noon keeps it inside its day
LONG, WIDE = "long", "wide"

# ----- vocabulary ---------------------------------------------------------------------------

_HEADERS = {
    "member_id": ("成员编号", "会员id", "成员id", "会员编号", "memberid", "member_id"),
    "wechat_id": ("微信号", "微信id", "wechatid", "wechat_id", "wxid"),
    "phone": ("手机", "手机号", "手机号码", "电话", "电话号码", "联系电话", "联系方式"),
    "name": (
        "昵称",
        "群昵称",
        "姓名",
        "成员",
        "用户",
        "名字",
        "微信昵称",
        "成员昵称",
        "用户名",
        "会员",
        "会员昵称",
        "备注名",
        "nickname",
        "name",
    ),
    "community": ("社群", "群", "群名", "群名称", "所在群", "社群名称", "群聊", "群聊名称"),
    "kind": ("行为", "类型", "行为类型", "事件", "事件类型", "活动类型", "kind"),
    "date": (
        "日期",
        "时间",
        "发生时间",
        "打卡日期",
        "打卡时间",
        "行为时间",
        "发生日期",
        "记录时间",
        "日期时间",
        "date",
        "time",
    ),
    "count": ("次数", "数量", "count"),
    "amount": ("金额", "消费金额", "实付金额", "支付金额", "订单金额", "实付", "amount"),
}
_HEADER_FIELD = {normalize_header(word): name for name, words in _HEADERS.items() for word in words}

_KIND_SYNONYMS = {
    "checkin": ("打卡", "签到", "每日打卡", "每日签到", "签到打卡", "打卡签到"),
    "message": ("发言", "消息", "聊天", "发消息", "群发言"),
    "good_post": ("优质内容", "精华", "精华帖", "优质发言", "好内容"),
    "answer": ("回答", "答疑", "回答问题", "解答"),
    "event": ("活动", "参加活动", "参与活动", "线下活动"),
    "purchase": ("购买", "消费", "下单", "订单", "付款"),
    "invite": ("邀请", "拉新", "邀请成功", "邀请入群"),
    "share": ("分享", "转发"),
    "feedback": ("反馈", "建议", "意见"),
    "violation": ("违规", "违纪", "违规行为"),
}
_KIND_WORDS: dict[str, str] = {}
for _kind, _label in KIND_LABELS.items():
    _KIND_WORDS[_kind] = _kind
    _KIND_WORDS[_label] = _kind
for _kind, _words in _KIND_SYNONYMS.items():
    for _word in _words:
        _KIND_WORDS[_word] = _kind
# A wide sheet's column may say what it counts: 签到次数, 发言条数, 邀请人数.
_COUNT_SUFFIX = re.compile(r"(次数|条数|人数|数量|个数|次|数|条)$")
_UNIT_SUFFIX = re.compile(r"\([^()]*\)$")
_TOTAL_WORDS = frozenset({"合计", "总计", "小计", "总数", "汇总", "total"})
_DATE_IN_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")

NEEDED_COLUMNS = msg(
    "成员列（成员编号、微信号、手机号或昵称）、日期列（日期/时间），"
    "以及行为列（行为/类型）或以行为命名的次数列（签到、发言、邀请…）"
)


def _word(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).strip().lower()
    return "".join(value.split())


def kind_of(text: str | None) -> str | None:
    """The kind key a cell or a header names: 签到/打卡/checkin → "checkin"; None if none."""
    if not text:
        return None
    return _KIND_WORDS.get(_word(text))


def _header_kind(header: str) -> str | None:
    return kind_of(header) or kind_of(_COUNT_SUFFIX.sub("", header))


# ----- the plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RejectedRow:
    """A row that is not imported, and why (all its problems, joined)."""

    sheet: str
    row: int  # 1-based, in its sheet
    member: str  # how the row names its member (may be empty)
    reason: str  # a message: the window shows it in its language


@dataclass(frozen=True)
class SheetSummary:
    sheet: str
    header_row: int  # 1-based
    layout: str  # LONG / WIDE
    rows: int  # data rows read
    community: str | None  # where rows that name no community go


@dataclass
class ActivityImportPlan:
    """What importing the file would record; `apply_activity_import` carries it out."""

    path: Path
    file_name: str
    file_sha256: str
    sheets: list[SheetSummary] = field(default_factory=list)
    rows: int = 0  # data rows read (blank rows, repeated headers and 合计 rows not counted)
    events: list[NewEvent] = field(default_factory=list)  # to add
    already_imported: int = 0  # events this file already recorded (a re-import)
    rejected: list[RejectedRow] = field(default_factory=list)
    empty_rows: int = 0  # rows of a wide sheet with every count 0 or blank
    by_kind: dict[str, int] = field(default_factory=dict)  # events to add, per kind
    notes: list[str] = field(default_factory=list)

    @property
    def to_add(self) -> int:
        return len(self.events)

    @property
    def members(self) -> int:
        return len({event.member_id for event in self.events})

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "to_add": self.to_add,
            "already_imported": self.already_imported,
            "rejected": len(self.rejected),
            "empty_rows": self.empty_rows,
            "members": self.members,
        }


def plan_activity_import(
    session: Session,
    path: str | Path,
    *,
    community_id: int | None = None,
    limits: ImportLimits | None = None,
    today: date | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> ActivityImportPlan:
    """Read the file and describe what importing it would record; nothing is written.

    community_id: the community of rows that do not name one (a 社群 column wins).
    Raises UserError for a file that cannot be imported, Cancelled when `cancelled()` says so.
    """
    planner = _Planner(
        session, Path(path), community_id, limits or ImportLimits(), today or date.today()
    )
    return planner.run(progress, cancelled)


def apply_activity_import(session: Session, plan: ActivityImportPlan) -> RecordResult:
    """Record the plan's events (all or none: the caller commits)."""
    return record_events(session, plan.events, source="import")


def source_ref(member_id: int, community_id: int | None, kind: str, at: datetime, n: int) -> str:
    """The n-th (from 1) record of this member, kind and time in a file."""
    return f"import:{member_id}:{community_id or 0}:{kind}:{at:%Y%m%d%H%M%S}:{n}"


# ----- reading ------------------------------------------------------------------------------


@dataclass
class _Layout:
    header_row: int
    headers: list[str]
    layout: str
    columns: dict[str, int]  # single fields → column
    names: list[int]  # name columns, in order
    kinds: list[tuple[int, str]]  # wide: (column, kind)
    title_date: date | None = None


@dataclass(slots=True)
class _Row:
    sheet_index: int
    sheet: str
    row: int
    member_ref: int | None = None
    wechat_id: str | None = None
    phone: str | None = None
    names: list[str] = field(default_factory=list)
    community: str | None = None  # as written in the row
    sheet_community: int | None = None
    occurred_at: datetime | None = None
    items: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, count, amount)
    problems: list[str] = field(default_factory=list)

    @property
    def shown(self) -> str:
        if self.names:
            return self.names[0]
        for value in (self.wechat_id, self.phone):
            if value:
                return value
        return f"#{self.member_ref}" if self.member_ref is not None else ""


def _find_layout(rows: list[tuple[int, list]]) -> tuple[_Layout | None, str]:
    """The header among the first rows, or (None, what the best candidate lacked)."""
    best_missing: tuple[int, str] | None = None
    for position, (number, cells) in enumerate(rows):
        headers = [_UNIT_SUFFIX.sub("", normalize_header(to_text(c) or "")) for c in cells]
        columns: dict[str, int] = {}
        names: list[int] = []
        kinds: list[tuple[int, str]] = []
        dates: list[int] = []
        for column, header in enumerate(headers):
            if not header:
                continue
            name = _HEADER_FIELD.get(header)
            if name == "name":
                names.append(column)
            elif name == "date":
                dates.append(column)
            elif name is not None:
                columns.setdefault(name, column)
            elif kind := _header_kind(header):
                kinds.append((column, kind))
        if dates:
            # 打卡日期 | 打卡时间: the day from the first, the time of day from the second.
            dated = [c for c in dates if "日期" in headers[c] or headers[c] == "date"]
            columns["date"] = dated[0] if dated else dates[0]
            others = [c for c in dates if c != columns["date"]]
            if others:
                columns["time"] = others[0]
        has_member = bool(names) or any(k in columns for k in ("member_id", "wechat_id", "phone"))
        has_kind = "kind" in columns or bool(kinds)
        title_date = None if "date" in columns else _title_date(rows[:position])
        has_date = "date" in columns or title_date is not None
        missing = [
            label
            for ok, label in (
                (has_member, msg("成员列（成员编号、微信号、手机号或昵称）")),
                (has_kind, msg("行为列（行为/类型）或以行为命名的次数列")),
                (has_date, msg("日期列（日期/时间）")),
            )
            if not ok
        ]
        if not missing:
            layout = LONG if "kind" in columns else WIDE
            return (
                _Layout(number, headers, layout, columns, names, kinds, title_date),
                "",
            )
        found = 3 - len(missing)
        if found >= 2 and (best_missing is None or found > best_missing[0]):
            best_missing = (
                found,
                msg(
                    "第 {row} 行像是表头，但缺少{missing}", row=number, missing=joined_list(missing)
                ),
            )
    return None, best_missing[1] if best_missing else ""


def _title_date(rows: list[tuple[int, list]]) -> date | None:
    """The one date the title rows above a header mention (统计日期：2026-11-20), if exactly one."""
    found: set[date] = set()
    for _number, cells in rows:
        for cell in cells:
            if isinstance(cell, datetime):
                found.add(cell.date())
            elif isinstance(cell, date):
                found.add(cell)
            elif isinstance(cell, str):
                for match in _DATE_IN_TEXT.finditer(cell):
                    try:
                        found.add(date(*(int(g) for g in match.groups())))
                    except ValueError:
                        continue
    return found.pop() if len(found) == 1 else None


def _cell(cells: list, column: int | None):
    if column is None or column >= len(cells):
        return None
    return cells[column]


def _moment(value, today: date) -> tuple[datetime | None, str | None]:
    if is_blank(value):
        return None, msg("没有日期")
    if isinstance(value, str):
        value = value.strip()
    moment, error = normalize_datetime(value)
    if error or moment is None:
        return None, error or msg("没有日期")
    if moment.time() == time(0, 0):
        moment = datetime.combine(moment.date(), DAY_TIME)
    if moment.date() > today:
        return None, msg("日期 {date} 在将来", date=moment.date().isoformat())
    if moment.date() < EARLIEST:
        return None, msg("日期 {date} 早于 2000 年，请检查", date=moment.date().isoformat())
    return moment, None


_CLOCK = re.compile(r"(\d{1,2})\s*[:：时点]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*秒?")


def _time_of_day(value) -> time | None:
    """A separate 时间 cell: a time, an Excel day fraction, "09:30", or a full date-time."""
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value.replace(microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:
        seconds = round(value * 86400)
        return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        match = _CLOCK.fullmatch(text)
        if match:
            hour, minute, second = (int(g) if g else 0 for g in match.groups())
            if hour < 24 and minute < 60 and second < 60:
                return time(hour, minute, second)
        moment, error = normalize_datetime(text)
        if moment is not None and not error and len(text) > 10:
            return moment.time()
    return None


def _count(value, *, default: int, minimum: int) -> tuple[int | None, str | None]:
    if is_blank(value):
        return default, None
    if isinstance(value, bool):
        return None, msg("次数应为整数：{value}", value=str(value))
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        text = re.sub(r"\s*(次|条|个|人)$", "", text)
        try:
            number = float(text)
        except ValueError:
            return None, msg("次数应为整数：{value}", value=to_text(value))
    if number != number or not number.is_integer():
        return None, msg("次数应为整数：{value}", value=to_text(value))
    if not minimum <= number <= MAX_COUNT:
        return None, msg(
            "次数应在 {low}–{high} 之间：{value}", low=minimum, high=MAX_COUNT, value=int(number)
        )
    return int(number), None


def _amount_cents(value) -> tuple[int | None, str | None]:
    if is_blank(value):
        return 0, None
    if isinstance(value, bool):
        return None, msg("看不懂的金额：{value}", value=str(value))
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        text = re.sub(r"^(rmb|cny)|(元|rmb|cny)$", "", text, flags=re.IGNORECASE)
        text = text.replace(",", "").replace("¥", "").replace("￥", "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None, msg("看不懂的金额：{value}", value=to_text(value))
    if not amount.is_finite():
        return None, msg("看不懂的金额：{value}", value=to_text(value))
    if amount < 0:
        return None, msg("金额不能是负数：{value}", value=to_text(value))
    cents = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if cents > MAX_AMOUNT_CENTS:
        return None, msg("金额超过 1000 万元：{value}", value=to_text(value))
    return cents, None


# ----- planning -----------------------------------------------------------------------------


class _Planner:
    def __init__(
        self, session: Session, path: Path, community_id: int | None, limits, today: date
    ) -> None:
        self.session = session
        self.path = path
        self.limits = limits
        self.today = today
        self.communities: dict[int, str] = {}
        self.community_ids: dict[str, list[int]] = defaultdict(list)
        for cid, name in session.execute(
            select(Community.id, Community.name).where(Community.deleted_at.is_(None))
        ):
            self.communities[cid] = name
            self.community_ids[name].append(cid)
        if community_id is not None and community_id not in self.communities:
            raise UserError(msg("找不到编号为 {id} 的社群（可能已删除）", id=community_id))
        self.community_id = community_id
        self.rows: list[_Row] = []
        self.indexes: dict[int, MemberNames] = {}
        self.names: dict[tuple[int, str], NameMatch] = {}
        self.descriptions: dict[tuple[int, int], str] = {}  # (community, member) → told apart
        self.moments: dict[tuple, tuple[datetime | None, str | None]] = {}

    def run(self, progress: Progress, cancelled: CancelCheck) -> ActivityImportPlan:
        source = check_file(self.path, self.limits)
        if source.kind == "json":
            raise UserError(
                msg(
                    "文件「{file}」是 JSON：行为记录请用 Excel 表格（.xlsx/.xls/.ods）或 CSV 导入",
                    file=self.path.name,
                )
            )
        self.plan = ActivityImportPlan(self.path, self.path.name, source.sha256)
        explanations: list[str] = []  # messages
        for table in iter_tables(source, self.limits):
            explanation = self._read_table(table, progress, cancelled)
            if explanation:
                explanations.append(explanation)
        if not self.plan.sheets:
            detail = joined_clauses([e for e in explanations if e])
            values = {
                "file": self.path.name,
                "rows": self.limits.header_scan_rows,
                "needed": NEEDED_COLUMNS,
            }
            if detail:
                raise UserError(
                    msg(
                        "文件「{file}」里找不到行为记录的表头："
                        "前 {rows} 行里需要有一行列名，包含{needed}（{detail}）",
                        detail=detail,
                        **values,
                    )
                )
            raise UserError(
                msg(
                    "文件「{file}」里找不到行为记录的表头："
                    "前 {rows} 行里需要有一行列名，包含{needed}",
                    **values,
                )
            )
        if self.plan.rows == 0:
            raise UserError(msg("文件「{file}」只有表头，没有数据行", file=self.path.name))
        if cancelled():
            raise Cancelled
        self._resolve()
        progress(self.plan.rows, self.plan.rows)
        return self.plan

    def _read_table(self, table: Table, progress: Progress, cancelled: CancelCheck) -> str:
        head: list[tuple[int, list]] = []
        rows = table.rows
        for number, cells in rows:
            head.append((number, cells))
            if len(head) >= self.limits.header_scan_rows:
                break
        layout, explanation = _find_layout(head)
        broken = next((cells for _, cells in head if isinstance(cells, BrokenRow)), None)
        if broken is not None and (
            layout is None
            or any(isinstance(c, BrokenRow) for n, c in head if n == layout.header_row)
        ):
            # The header row itself is lost in a quote: nothing below it can be read rightly.
            raise UserError(
                msg("表格「{sheet}」{problem}", sheet=table.sheet, problem=broken.problem)
            )
        if layout is None:
            if table.sheet_count > 1:
                self.plan.notes.append(
                    msg("工作表「{sheet}」里找不到行为记录的表头，已跳过", sheet=table.sheet)
                )
            if explanation:
                return msg("工作表「{sheet}」{problem}", sheet=table.sheet, problem=explanation)
            return ""
        sheet_community = None
        if table.named_by_user and len(self.community_ids.get(table.sheet, [])) == 1:
            sheet_community = self.community_ids[table.sheet][0]
        default = self.community_id if self.community_id is not None else sheet_community
        after = [(n, c) for n, c in head if n > layout.header_row]
        count = 0
        for number, cells in _chain(after, rows):
            row = self._read_row(table, layout, number, cells, default)
            if row is None:
                continue
            count += 1
            self.plan.rows += 1
            if self.plan.rows > self.limits.max_rows:
                raise UserError(
                    msg(
                        "文件「{file}」超过 {limit:,} 行的上限：请拆分成几个文件后分批导入",
                        file=self.path.name,
                        limit=self.limits.max_rows,
                    )
                )
            if not self.plan.rows % 2000:
                if cancelled():
                    raise Cancelled
                done = table.fraction()
                estimate = int(self.plan.rows / done) if done > 0 else self.plan.rows + 1
                progress(self.plan.rows, max(estimate, self.plan.rows + 1))
            self.rows.append(row)
        self.plan.sheets.append(
            SheetSummary(
                table.sheet,
                layout.header_row,
                layout.layout,
                count,
                self.communities.get(default) if default is not None else None,
            )
        )
        return ""

    def _read_row(
        self, table: Table, layout: _Layout, number: int, cells: list, default: int | None
    ) -> _Row | None:
        if isinstance(cells, BrokenRow):  # a quote that swallowed rows: never read as data
            row = _Row(table.sheet_index, table.sheet, number, sheet_community=default)
            row.problems.append(cells.problem)
            return row
        texts = [to_text(c) for c in cells]
        filled = [t for t in texts if t]
        if not filled:
            return None
        if _word(filled[0]) in _TOTAL_WORDS:
            return None  # a 合计 row under the data
        if (
            texts[0] is not None
            and _UNIT_SUFFIX.sub("", normalize_header(texts[0])) == (layout.headers[0])
        ):
            normalized = [_UNIT_SUFFIX.sub("", normalize_header(t or "")) for t in texts]
            if normalized[: len(layout.headers)] == layout.headers[: len(normalized)]:
                return None  # the header repeated (sheets glued together)
        columns = layout.columns
        row = _Row(table.sheet_index, table.sheet, number, sheet_community=default)
        problems = row.problems
        # Who.
        raw_id = to_text(_cell(cells, columns.get("member_id")))
        if raw_id:
            digits = raw_id.removeprefix("#").strip()
            if digits.isdigit():
                row.member_ref = int(digits)
            else:
                problems.append(msg("成员编号应为数字：{value}", value=raw_id))
        row.wechat_id = to_text(_cell(cells, columns.get("wechat_id")))
        raw_phone = _cell(cells, columns.get("phone"))
        phone, phone_error = normalize_phone(raw_phone)
        row.phone = phone
        row.names = [t for t in (texts[c] if c < len(texts) else None for c in layout.names) if t]
        if phone_error and not (row.member_ref or row.wechat_id or row.names):
            problems.append(phone_error)
        elif not (raw_id or row.wechat_id or row.phone or row.names):
            problems.append(msg("没有成员（成员编号、微信号、手机号或昵称都是空的）"))
        row.community = to_text(_cell(cells, columns.get("community")))
        # When.
        if "date" in columns:
            row.occurred_at, error = self._moment(_cell(cells, columns["date"]))
            if error:
                problems.append(error)
            elif row.occurred_at.time() == DAY_TIME and "time" in columns:
                clock = _time_of_day(_cell(cells, columns["time"]))
                if clock is not None:
                    row.occurred_at = datetime.combine(row.occurred_at.date(), clock)
        else:
            row.occurred_at, error = _moment(layout.title_date, self.today)
            if error:
                problems.append(error)
        # What.
        amount, amount_error = _amount_cents(_cell(cells, columns.get("amount")))
        if amount_error:
            problems.append(amount_error)
        if layout.layout == LONG:
            kind_text = to_text(_cell(cells, columns["kind"]))
            kind = kind_of(kind_text)
            if kind_text is None:
                problems.append(msg("没有行为类型"))
            elif kind is None:
                problems.append(msg("不认识的行为类型「{kind}」", kind=kind_text))
            times, error = _count(_cell(cells, columns.get("count")), default=1, minimum=1)
            if error:
                problems.append(error)
            if kind and times:
                row.items.append((kind, times, amount or 0))
        else:
            for column, kind in layout.kinds:
                times, error = _count(_cell(cells, column), default=0, minimum=0)
                if error:
                    header = layout.headers[column]
                    problems.append(msg("「{column}」列：{problem}", column=header, problem=error))
                elif times:
                    row.items.append((kind, times, 0))
            purchases = [i for i, item in enumerate(row.items) if item[0] == "purchase"]
            if amount and purchases:
                kind, times, _ = row.items[purchases[0]]
                row.items[purchases[0]] = (kind, times, amount)
        return row

    # ------------------------------------------------------------------ matching

    def _resolve(self) -> None:
        plan = self.plan
        session = self.session
        refs = (r.member_ref for r in self.rows if r.member_ref is not None)
        by_id = live_members_by_id(session, refs)
        by_wechat = members_by_wechat_id(session, (r.wechat_id for r in self.rows))
        by_phone = members_by_phone(session, (r.phone for r in self.rows))
        total = 0
        by_kind: Counter[str] = Counter()
        seen: Counter[tuple] = Counter()  # occurrences of (member, community, kind, time)
        for row in self.rows:
            if not row.problems:
                community_id = self._community_of(row)
                if not row.problems:
                    member_id = self._member_of(row, community_id, by_id, by_wechat, by_phone)
            if row.problems:
                plan.rejected.append(
                    RejectedRow(row.sheet, row.row, row.shown, joined_clauses(row.problems))
                )
                continue
            if not row.items:
                plan.empty_rows += 1
                continue
            for kind, times, amount in row.items:
                share, rest = divmod(amount, times) if kind == "purchase" else (0, 0)
                for i in range(times):
                    total += 1
                    key = (member_id, community_id, kind, row.occurred_at)
                    seen[key] += 1
                    ref = source_ref(*key, seen[key])
                    plan.events.append(
                        NewEvent(
                            member_id=member_id,
                            kind=kind,
                            occurred_at=row.occurred_at,
                            community_id=community_id,
                            amount_cents=share + (rest if i == 0 else 0),
                            source_ref=ref,
                        )
                    )
                    by_kind[kind] += 1
            if total > self.limits.max_rows:
                raise UserError(
                    msg(
                        "文件「{file}」会产生超过 {limit:,} 条行为记录：请拆分成几个文件后分批导入",
                        file=self.path.name,
                        limit=self.limits.max_rows,
                    )
                )
        self._drop_recorded(by_kind)
        plan.by_kind = {kind: by_kind[kind] for kind in KIND_LABELS if by_kind[kind]}
        self.rows = []

    def _drop_recorded(self, by_kind: Counter[str]) -> None:
        """Leave out the events an earlier import of this data already recorded."""
        plan = self.plan
        refs = [event.source_ref for event in plan.events]
        recorded: set[str] = set()
        for start in range(0, len(refs), 5000):
            chunk = refs[start : start + 5000]
            recorded.update(
                self.session.scalars(
                    select(ActivityEvent.source_ref).where(ActivityEvent.source_ref.in_(chunk))
                )
            )
        if not recorded:
            return
        kept = []
        for event in plan.events:
            if event.source_ref in recorded:
                plan.already_imported += 1
                by_kind[event.kind] -= 1
            else:
                kept.append(event)
        plan.events = kept

    def _community_of(self, row: _Row) -> int | None:
        if not row.community:
            return row.sheet_community
        ids = self.community_ids.get(row.community, [])
        if len(ids) == 1:
            return ids[0]
        if ids:
            row.problems.append(
                msg(
                    "有 {count} 个社群都叫「{name}」，请先改名区分",
                    count=len(ids),
                    name=row.community,
                )
            )
        else:
            row.problems.append(msg("没有名为「{name}」的社群", name=row.community))
        return None

    def _member_of(self, row: _Row, community_id, by_id, by_wechat, by_phone) -> int | None:
        if row.member_ref is not None:
            member_id = by_id.get(row.member_ref)
            if member_id is None:
                row.problems.append(msg("成员编号 {id} 不存在", id=row.member_ref))
            return member_id
        tried = []
        for value, index, many, named in (
            (
                row.wechat_id,
                by_wechat,
                lambda value, count: msg(
                    "微信号「{value}」对应 {count} 位成员，无法确定是谁", value=value, count=count
                ),
                lambda value: msg("微信号「{value}」", value=value),
            ),
            (
                row.phone,
                by_phone,
                lambda value, count: msg(
                    "手机号「{value}」对应 {count} 位成员，无法确定是谁", value=value, count=count
                ),
                lambda value: msg("手机号「{value}」", value=value),
            ),
        ):
            if not value:
                continue
            ids = index.get(value, set())
            if len(ids) == 1:
                return next(iter(ids))
            if ids:
                row.problems.append(many(value, len(ids)))
                return None
            tried.append(named(value))
        if row.names and community_id is None:
            row.problems.append(
                msg(
                    "找不到「{name}」：按昵称找成员需要知道社群"
                    "（请在文件里加「社群」列，或导入时选择社群）",
                    name=row.names[0],
                )
            )
            return None
        # Every name column counts at the best strength any of them reaches.
        found = [m for m in (self._by_name(community_id, n) for n in row.names) if m.member_ids]
        best = min((m.strength for m in found), default=None)
        ids = sorted({i for m in found if m.strength == best for i in m.member_ids})
        if len(ids) == 1:
            return ids[0]
        tried.extend(msg("「{name}」", name=name) for name in row.names)
        community = self.communities.get(community_id, "")
        if ids:
            described = self._described(ids[:5], community_id)
            row.problems.append(
                msg(
                    "「{community}」里有 {count} 位成员都可能是「{name}」：{candidates}，"
                    "无法确定是谁",
                    community=community,
                    count=len(ids),
                    name=next(m.name for m in found if m.strength == best),
                    candidates=joined_list(
                        [
                            # The id is what a 成员编号 column in the file would take.
                            msg("{member}（#{id}）", member=described[member_id], id=member_id)
                            for member_id in ids[:5]
                        ]
                    ),
                )
            )
        elif row.names:
            row.problems.append(
                msg(
                    "找不到成员：{tried}（在「{community}」里）",
                    tried=joined_list(tried),
                    community=community,
                )
            )
        else:
            row.problems.append(msg("找不到成员：{tried}", tried=joined_list(tried)))
        return None

    def _moment(self, value) -> tuple[datetime | None, str | None]:
        """`_moment`, remembered per cell value: a sheet repeats its few dates many times."""
        key = (type(value), value)
        try:
            return self.moments[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell
            return _moment(value, self.today)
        if len(self.moments) > 100_000:
            self.moments.clear()
        found = self.moments[key] = _moment(value, self.today)
        return found

    def _by_name(self, community_id: int, name: str) -> NameMatch:
        key = (community_id, name)
        if key not in self.names:
            names = self.indexes.get(community_id)
            if names is None:
                names = self.indexes[community_id] = community_member_names(
                    self.session, community_id
                )
            self.names[key] = names.match(name)
        return self.names[key]

    def _described(self, member_ids: list[int], community_id: int) -> dict[int, str]:
        """The candidates of an ambiguous name, told apart (群昵称, other groups, phone tail)."""
        missing = [i for i in member_ids if (community_id, i) not in self.descriptions]
        if missing:
            found = describe_members(self.session, missing, community_id=community_id)
            for member_id in missing:
                self.descriptions[(community_id, member_id)] = found.get(
                    member_id, msg("成员 #{id}", id=member_id)
                )
        return {i: self.descriptions[(community_id, i)] for i in member_ids}


def _chain(first: list[tuple[int, list]], rest: Iterator[tuple[int, list]]):
    yield from first
    yield from rest
