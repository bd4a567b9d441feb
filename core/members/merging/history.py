"""History: the latest merges, as the dialog lists them, each saying whether it can be undone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.joins import joined_list
from core.common.text import msg
from core.members.merging.names import display_names
from core.members.merging.records import FILLED_FIELDS, REASSIGNED_LABELS
from db.models import MemberMerge


@dataclass(frozen=True)
class MergeRecord:
    """One merge as the history list shows it."""

    id: int
    kept_id: int
    merged_id: int
    kept_name: str
    merged_name: str
    merged_at: datetime
    undone_at: datetime | None
    summary: str  # 3 条入群记录、120 条行为记录、2 个标签
    can_undo: bool
    blocked_by: int | None  # the later merge to undo first


def _summary(moved: dict, labels: Mapping[str, str]) -> str:
    parts = []
    rows = moved.get("rows", {})
    if combined := len(moved.get("combined_memberships", [])):
        parts.append(msg("{count} 个共同社群的入群记录合为一条", count=combined))
    for key, ids in rows.items():
        if ids:
            what = labels.get(key, key)
            parts.append(msg("{count} 条{records}", count=len(ids), records=what))
    tags = moved.get("tags", {})
    if count := len(tags.get("moved", [])) + len(tags.get("shared", [])):
        parts.append(msg("{count} 个标签", count=count))
    filled = [
        name
        for name in moved.get("kept_member", {}).get("before", {})
        if name in FILLED_FIELDS and name != "inviter_id"
    ]
    if filled:
        parts.append(msg("补全 {count} 项资料", count=len(filled)))
    return joined_list(parts) or msg("没有其他记录")


def merge_history(
    session: Session, limit: int = 20, *, labels: Mapping[str, str] | None = None
) -> list[MergeRecord]:
    """The latest merges, newest first, each saying whether it can be undone now.

    `labels`: what the rows other features moved are called (key in `moved["rows"]` → words)."""
    labels = {**REASSIGNED_LABELS, **(labels or {})}
    records = list(
        session.scalars(select(MemberMerge).order_by(MemberMerge.id.desc()).limit(limit))
    )
    if not records:
        return []
    active = session.execute(
        select(MemberMerge.id, MemberMerge.kept_id, MemberMerge.merged_id).where(
            MemberMerge.undone_at.is_(None), MemberMerge.id > min(r.id for r in records)
        )
    ).all()
    names = display_names(session, {r.kept_id for r in records} | {r.merged_id for r in records})
    result = []
    for record in records:
        blocked_by = None
        if record.undone_at is None:
            involved = {record.kept_id, record.merged_id}
            later = [
                merge_id
                for merge_id, kept, merged in active
                if merge_id > record.id and {kept, merged} & involved
            ]
            blocked_by = max(later) if later else None
        result.append(
            MergeRecord(
                id=record.id,
                kept_id=record.kept_id,
                merged_id=record.merged_id,
                kept_name=names.get(record.kept_id, f"#{record.kept_id}"),
                merged_name=names.get(record.merged_id, f"#{record.merged_id}"),
                merged_at=record.merged_at,
                undone_at=record.undone_at,
                summary=_summary(record.moved or {}, labels),
                can_undo=record.undone_at is None and blocked_by is None,
                blocked_by=blocked_by,
            )
        )
    return result
