"""`campaigns import`: a campaign tool's per-participant export, kept as participant totals
(campaign_tool_totals), never as edges — the export says how many new customers each brought,
not who, so the figures that need edges (waves, the tree, time to join) cannot be given from it
(core/campaigns/tool_totals.missing_figures, which the report, 概况 and 裂变树 say).

Formats (LinkWeChat, qwdigital/LinkWechat-Scrm):
- 群裂变明细: 客户名称 / 群名 / 发送员工 / 裂变状态 / 裂变新客数
  (linkwe-service/src/main/java/com/linkwechat/domain/fission/vo/WeGroupFissionDetailVo.java);
- 任务宝明细: 老客 / 发送员工 / 裂变状态 / 裂变新客数 (…/fission/vo/WeTaskFissionDetailVo.java).
裂变状态 is LinkWeChat's `inviterState`: its web console's fission detail tables show 1 as
已完成 and 2 as 未完成 (`row.inviterState == 1 ? '已完成' : row.inviterState == 2 ? '未完成' : ''`),
empty when the participant has no state yet.

Names are matched with core.members.name_match among the group's members (群名), else the
campaign's communities; a name with a group-nickname suffix (小王-2栋) is tried without it when it
fits nobody as written. The whole file is checked before anything is written: a bad file is
refused in one line and changes nothing. Importing the same export again adds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.campaigns.records import find_campaign
from core.campaigns.tool_totals import missing_figures
from core.common.errors import UserError
from core.common.sheets.limits import ImportLimits
from core.common.sheets.normalize import is_blank, to_text
from core.common.sheets.readers import check_file, iter_tables
from core.common.text import msg
from core.members.name_match import MemberNames, community_member_names
from db.models import Community
from db.referral_models import CampaignCommunity, CampaignToolTotal

GROUP, TASK = "linkwechat_group", "linkwechat_task"
NAME_COLUMNS = {GROUP: "客户名称", TASK: "老客"}
STATES = {"1": "done", "2": "not_done", "": "", "已完成": "done", "未完成": "not_done"}
MAX_COUNT = 1_000_000
_SUFFIX = re.compile(r"^(.+?)\s*[-－—_~～]\s*[^-－—_~～]+$")  # 小王-2栋 → 小王


@dataclass(frozen=True)
class Row:
    line: int
    name: str
    community_name: str
    staff: str
    state: str
    new_customers: int


@dataclass
class ToolImported:
    campaign_id: int
    campaign_name: str
    source: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    matched: int = 0
    unmatched: list[str] = field(default_factory=list)  # names that fit no member
    ambiguous: list[str] = field(default_factory=list)  # names that fit several: not guessed
    missing: list[str] = field(default_factory=missing_figures)


def _header(cells: list) -> dict[str, int]:
    return {str(cell).strip(): index for index, cell in enumerate(cells) if not is_blank(cell)}


def _count(value, line: int) -> int:
    text = (to_text(value) or "").strip()
    if text in ("", "-"):
        return 0
    try:
        number = float(text)
    except ValueError:
        number = -1
    if number != int(number) or not 0 <= number <= MAX_COUNT:
        raise UserError(
            msg("第 {line} 行的裂变新客数「{value}」不是人数", line=line, value=text[:20])
        )
    return int(number)


def read_rows(path: Path, limits: ImportLimits | None = None) -> tuple[str, list[Row]]:
    """The export's kind and rows, or a one-line refusal."""
    limits = limits or ImportLimits()
    source = check_file(Path(path), limits)
    if source.kind == "json":
        raise UserError(msg("「{name}」不是表格文件", name=Path(path).name))
    for table in iter_tables(source, limits):
        columns = None
        rows: list[Row] = []
        for line, cells in table.rows:
            if columns is None:
                found = _header(cells)
                if "裂变状态" in found and "裂变新客数" in found:
                    kind = GROUP if "客户名称" in found else TASK if "老客" in found else None
                    if kind is None:
                        raise UserError(msg("表头缺少「客户名称」或「老客」列"))
                    columns = (kind, found)
                elif line > limits.header_scan_rows:
                    break
                continue
            kind, found = columns

            def cell(title, cells=cells, found=found):
                index = found.get(title)
                value = cells[index] if index is not None and index < len(cells) else None
                return (to_text(value) or "").strip() if not is_blank(value) else ""

            name = cell(NAME_COLUMNS[kind])
            if not name:
                if any(not is_blank(value) for value in cells):
                    raise UserError(
                        msg("第 {line} 行没有{column}", line=line, column=NAME_COLUMNS[kind])
                    )
                continue
            state_text = cell("裂变状态").removesuffix(".0")
            if state_text not in STATES:
                raise UserError(
                    msg(
                        "第 {line} 行的裂变状态「{value}」无法识别（应为 1 已完成或 2 未完成）",
                        line=line,
                        value=state_text[:20],
                    )
                )
            index = found["裂变新客数"]
            rows.append(
                Row(
                    line=line,
                    name=name[:200],
                    community_name=cell("群名")[:200],
                    staff=cell("发送员工")[:100],
                    state=STATES[state_text],
                    new_customers=_count(cells[index] if index < len(cells) else None, line),
                )
            )
        if columns is not None:
            if not rows:
                raise UserError(msg("「{name}」没有数据行", name=Path(path).name))
            return columns[0], rows
    raise UserError(
        msg(
            "「{name}」不是 LinkWeChat 裂变明细：找不到「裂变状态」「裂变新客数」表头",
            name=Path(path).name,
        )
    )


def _names_for(session: Session, campaign_id: int, community_name: str, cache: dict):
    if community_name in cache:
        return cache[community_name]
    ids = []
    if community_name:
        ids = list(
            session.scalars(
                select(Community.id).where(
                    Community.name == community_name, Community.deleted_at.is_(None)
                )
            )
        )
    if len(ids) != 1:
        ids = list(
            session.scalars(
                select(CampaignCommunity.community_id).where(
                    CampaignCommunity.campaign_id == campaign_id
                )
            )
        )
    # who was in the group then: a tool's export names people who may have left since
    names = community_member_names(session, ids, with_former=True)
    cache[community_name] = names
    return names


def _match(names: MemberNames, name: str):
    found = names.match(name)
    if found.strength is None:
        bare = _SUFFIX.match(name)
        if bare:
            found = names.match(bare.group(1))
    return found


def import_tool_export(
    session: Session, campaign_text: str, path: str | Path, *, now: datetime | None = None
) -> ToolImported:
    now = now or datetime.now()
    campaign = find_campaign(session, campaign_text)
    kind, rows = read_rows(Path(path))
    result = ToolImported(campaign.id, campaign.name, kind, rows=len(rows))
    existing = {
        (row.name, row.community_name): row
        for row in session.scalars(
            select(CampaignToolTotal).where(
                CampaignToolTotal.campaign_id == campaign.id, CampaignToolTotal.source == kind
            )
        )
    }
    cache: dict = {}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.name, row.community_name)
        if key in seen:
            raise UserError(msg("第 {line} 行「{name}」重复出现", line=row.line, name=row.name))
        seen.add(key)
        found = _match(_names_for(session, campaign.id, row.community_name, cache), row.name)
        member_id = found.member_id
        if member_id is not None:
            result.matched += 1
        elif found.ambiguous:
            result.ambiguous.append(row.name)
        else:
            result.unmatched.append(row.name)
        values = {
            "staff": row.staff,
            "state": row.state,
            "new_customers": row.new_customers,
            "member_id": member_id,
        }
        old = existing.get(key)
        if old is None:
            session.add(
                CampaignToolTotal(
                    campaign_id=campaign.id,
                    source=kind,
                    name=row.name,
                    community_name=row.community_name,
                    imported_at=now,
                    **values,
                )
            )
            result.added += 1
        elif any(getattr(old, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(old, name, value)
            old.imported_at = now
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    return result


def preview_tool_export(
    session: Session, campaign_text: str, path: str | Path, *, now: datetime | None = None
) -> ToolImported:
    """What importing the export would do (rows matched, unmatched, ambiguous; added,
    updated, unchanged): the import itself in a savepoint that is then rolled back."""
    savepoint = session.begin_nested()
    try:
        return import_tool_export(session, campaign_text, path, now=now)
    finally:
        savepoint.rollback()
