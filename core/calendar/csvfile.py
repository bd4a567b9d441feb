"""The content calendar as CSV, out and in.

Out: the columns the list shows, and the body and notes (never the reviewer's notes), UTF-8
with a BOM (Excel on a Chinese Windows opens it right). A cell a spreadsheet would run as a
formula (= + - @, tab, CR first: `=cmd|' /c calc'!A1`) is written with a leading ' so it stays
text; reading the file back takes that ' off again.

In: through the shared reader (core/common/sheets: encoding detected, binary and oversized files
and cells refused). Every row is checked before anything is written: one bad row and nothing
is imported, the message names the row and why. A row already in the calendar — same title,
time and communities — adds nothing, so importing the same file twice adds nothing. 编号,
状态, 发送时间 and 发送人 are what the export says about the item; an import plans: a row is
a draft (状态 草稿) or scheduled like `calendar add` (待审核 when approval is on); sent rows
(已发送 / 已复盘) are history and are passed over.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.calendar.items import (
    MAX_BODY_CHARS,
    MAX_NOTES_CHARS,
    create_item,
    list_items,
)
from core.calendar.labels import kind_key, status_key
from core.calendar.status import schedule
from core.common.atomic import check_export_path, write_atomically
from core.common.errors import UserError
from core.common.sheets.limits import ImportLimits
from core.common.sheets.normalize import normalize_datetime, normalize_header
from core.common.sheets.readers import BrokenRow, check_file, iter_tables
from core.common.text import msg
from core.common.xlsx import FORMULA_STARTS
from db.calendar_models import MAX_TITLE_CHARS, SENT_STATUSES, ContentItem, ContentItemCommunity
from db.models import Community

COLUMNS = (
    "编号", "计划时间", "标题", "类型", "状态", "社群", "负责人", "推广", "常青", "活动", "正文",
    "备注", "发送时间", "发送人",
)  # fmt: skip
REQUIRED = ("标题", "计划时间")
SEPARATOR = "、"
_SPLIT = re.compile(r"[、;；\n]")
MAX_ROWS = 10_000
LIMITS = ImportLimits(max_file_bytes=50 * 1024 * 1024, max_rows=MAX_ROWS)
_YES = {"是", "推广", "y", "yes", "true", "1", "√"}
_NO = {"", "否", "n", "no", "false", "0"}


def formula_safe(value: str) -> str:
    """Text a spreadsheet would run as a formula, kept as text by a leading '."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def formula_back(value: str) -> str:
    """What `formula_safe` wrote, read back as the text it was."""
    return value[1:] if value.startswith("'") and value[1:2] in FORMULA_STARTS else value


def _time(when: datetime | None) -> str:
    return f"{when:%Y-%m-%d %H:%M}" if when else ""


@dataclass
class CsvExport:
    file: str
    rows: int


def csv_text(session: Session, start=None, end=None, *, community_id=None, now=None) -> str:
    rows = list_items(session, start, end, community_id=community_id, now=now)
    extra = {
        iid: (body, notes)
        for iid, body, notes in session.execute(
            select(ContentItem.id, ContentItem.body, ContentItem.notes).where(
                ContentItem.id.in_([r.id for r in rows])
            )
        )
    }
    campaigns = _campaign_names(session, {r.campaign_id for r in rows if r.campaign_id})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        body, notes = extra[row.id]
        values = (
            str(row.id), _time(row.planned_at), row.title, str(row.kind_label),
            str(row.status_label), SEPARATOR.join(row.communities), row.owner,
            "是" if row.promotional else "否", "是" if row.evergreen else "否",
            campaigns.get(row.campaign_id, ""), body, notes,
            _time(row.sent_at), row.sent_by or "",
        )  # fmt: skip
        writer.writerow([formula_safe(v) for v in values])
    return out.getvalue()


def _campaign_names(session: Session, ids: set[int]) -> dict[int, str]:
    from db.referral_models import Campaign

    if not ids:
        return {}
    # .all(): dict() of a Result would take it for a mapping (it has keys()) and fail.
    return dict(
        session.execute(select(Campaign.id, Campaign.name).where(Campaign.id.in_(ids))).all()
    )


def export_csv(
    session: Session, path: Path, start=None, end=None, *, community_id=None, now=None
) -> CsvExport:
    path = check_export_path(path, (".csv",), msg("导出文件必须是 .csv"))
    text = csv_text(session, start, end, community_id=community_id, now=now)
    write_atomically(path, lambda partial: partial.write_bytes(text.encode("utf-8-sig")))
    return CsvExport(path.name, text.count("\r\n") - 1)


# ------------------------------------------------------------------------------------ import


@dataclass
class Problem:
    row: int
    reason: str


@dataclass
class CsvRow:
    title: str
    planned_at: datetime
    kind: str
    community_ids: list[int]
    body: str
    owner: str | None
    promotional: bool | None
    campaign_id: int | None
    notes: str
    draft: bool
    evergreen: bool = False


@dataclass
class CsvImport:
    file: str
    rows: int = 0  # data rows read
    added: int = 0
    existing: int = 0  # already in the calendar (or twice in the file)
    sent_skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    item_ids: list[int] = field(default_factory=list)


def _header(cells: list) -> dict[str, int]:
    wanted = {normalize_header(name): name for name in COLUMNS}
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = wanted.get(normalize_header(str(cell or "")))
        if name is not None and name not in found:
            found[name] = index
    return found


def _live_communities(session: Session) -> dict[str, int]:
    return {
        name: cid
        for name, cid in session.execute(
            select(Community.name, Community.id).where(Community.deleted_at.is_(None))
        )
    }


def _communities(live: dict[str, int], text: str) -> list[int]:
    text = text.strip()
    if not text:
        return []
    if text in live:  # a name that holds a separator itself
        return [live[text]]
    ids = []
    for name in filter(None, (part.strip() for part in _SPLIT.split(text))):
        if name not in live:
            raise UserError(msg("没有名为「{name}」的社群", name=name[:40]))
        ids.append(live[name])
    return list(dict.fromkeys(ids))


def _yes_no(text: str, column: str) -> bool | None:
    """是 / 否 (and their usual spellings); None for an empty cell."""
    word = text.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return None if not word else False
    raise UserError(msg("「{column}」应写 是 或 否，不是「{text}」", column=column, text=text[:20]))


def _read_row(session: Session, cells: list, columns: dict[str, int], live: dict[str, int]):
    def cell(name: str) -> str:
        index = columns.get(name)
        value = cells[index] if index is not None and index < len(cells) else ""
        return formula_back(str(value if value is not None else ""))

    status = cell("状态").strip()
    if status and status_key(status) in SENT_STATUSES:
        return None
    title = cell("标题").strip()
    if not title:
        raise UserError(msg("标题是空的"))
    if len(title) > MAX_TITLE_CHARS:
        raise UserError(msg("内容标题太长（最多 {limit} 个字）", limit=MAX_TITLE_CHARS))
    when, problem = normalize_datetime(cell("计划时间"))
    if problem is not None:
        raise UserError(problem)
    if when is None:
        raise UserError(msg("没有计划时间"))
    body, notes = cell("正文"), cell("备注")
    if len(body) > MAX_BODY_CHARS:
        raise UserError(
            msg("{what}太长（最多 {limit} 个字）", what=msg("正文"), limit=MAX_BODY_CHARS)
        )
    if len(notes) > MAX_NOTES_CHARS:
        raise UserError(
            msg("{what}太长（最多 {limit} 个字）", what=msg("备注"), limit=MAX_NOTES_CHARS)
        )
    campaign = cell("活动").strip()
    if campaign:
        from core.campaigns.records import find_campaign

        campaign_id = find_campaign(session, campaign).id
    else:
        campaign_id = None
    return CsvRow(
        title,
        when.replace(second=0, microsecond=0),
        kind_key(cell("类型").strip() or "text"),
        _communities(live, cell("社群")),
        body,
        cell("负责人").strip() or None,
        _yes_no(cell("推广"), "推广"),
        campaign_id,
        notes,
        status_key(status) == "draft" if status else False,
        bool(_yes_no(cell("常青"), "常青")),
    )


def _existing(session: Session, rows: list[CsvRow]) -> set[tuple]:
    """(title, time to the minute, communities) of the items planned within the file's times:
    the file says minutes, an item planned in the window may carry seconds."""
    if not rows:
        return set()
    first = min(row.planned_at for row in rows)
    last = max(row.planned_at for row in rows) + timedelta(minutes=1)
    found: dict[int, tuple] = {}
    links: dict[int, list[int]] = {}
    for iid, title, when in session.execute(
        select(ContentItem.id, ContentItem.title, ContentItem.planned_at).where(
            ContentItem.planned_at >= first, ContentItem.planned_at < last
        )
    ):
        found[iid] = (title, when.replace(second=0, microsecond=0))
        links[iid] = []
    for chunk in range(0, len(found), 500):
        ids = list(found)[chunk : chunk + 500]
        for iid, cid in session.execute(
            select(ContentItemCommunity.item_id, ContentItemCommunity.community_id).where(
                ContentItemCommunity.item_id.in_(ids)
            )
        ):
            links[iid].append(cid)
    return {(*found[i], frozenset(links[i])) for i in found}


def read_csv(session: Session, path: Path) -> tuple[CsvImport, list[CsvRow]]:
    """Every row read and checked; nothing written."""
    path = Path(path)
    source = check_file(path, LIMITS)
    if source.kind != "csv":
        raise UserError(msg("请选择 CSV 文件（导出的内容日历 .csv）：{name}", name=path.name))
    result = CsvImport(path.name)
    table = next(iter(iter_tables(source, LIMITS)))
    columns: dict[str, int] | None = None
    rows: list[CsvRow] = []
    live = _live_communities(session)
    for number, cells in table.rows:
        if columns is None:
            if str(cells[0] if cells else "").strip().upper() == "BEGIN:VCALENDAR":
                raise UserError(
                    msg(
                        "「{name}」是日历文件（.ics）：只能导入内容日历导出的 .csv",
                        name=path.name,
                    )
                )
            columns = _header(cells)
            missing = [name for name in REQUIRED if name not in columns]
            if missing:
                raise UserError(
                    msg(
                        "文件「{name}」缺少列：{columns}（第一行应是列名，如导出的文件）",
                        name=path.name,
                        columns=SEPARATOR.join(missing),
                    )
                )
            continue
        if not any(str(c or "").strip() for c in cells):
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise UserError(msg("一次最多导入 {limit} 行", limit=MAX_ROWS))
        if isinstance(cells, BrokenRow):
            result.problems.append(Problem(number, cells.problem))
            continue
        try:
            row = _read_row(session, cells, columns, live)
        except UserError as error:
            result.problems.append(Problem(number, error.message))
            continue
        if row is None:
            result.sent_skipped += 1
        else:
            rows.append(row)
    if columns is None:
        raise UserError(msg("文件「{name}」是空的", name=path.name))
    return result, rows


def import_csv(session: Session, path: Path, now: datetime | None = None) -> CsvImport:
    """Import every row, or nothing: a bad row refuses the whole file, naming it."""
    result, rows = read_csv(session, path)
    if result.problems:
        first = result.problems[0]
        more = len(result.problems) - 1
        raise UserError(
            msg(
                "文件「{name}」第 {row} 行：{reason}{more}；未导入任何内容",
                name=result.file,
                row=first.row,
                reason=first.reason,
                more=msg("（另有 {count} 行有问题）", count=more) if more else "",
            )
        )
    seen = _existing(session, rows)
    for row in rows:
        key = (row.title, row.planned_at, frozenset(row.community_ids))
        if key in seen:
            result.existing += 1
            continue
        seen.add(key)
        item = create_item(
            session,
            row.title,
            planned_at=row.planned_at,
            kind=row.kind,
            body=row.body,
            community_ids=row.community_ids,
            owner=row.owner,
            promotional=row.promotional,
            campaign_id=row.campaign_id,
            notes=row.notes,
            evergreen=row.evergreen,
            now=now,
        )
        if not row.draft:
            schedule(session, item.id, now=now)
        result.added += 1
        result.item_ids.append(item.id)
    session.flush()
    return result
