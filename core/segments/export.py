"""A segment to .xlsx: the members sheet's columns plus 分群, 分群依据 and 建议动作 per row.

It is the members export (core.members.export) with three more columns: masked by default,
formula-safe, written whole or not at all, and recorded in the export log.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from core.common.progress import CancelCheck, Progress, never_cancelled, no_progress
from core.common.xlsx import check_xlsx_path
from core.members.export import ExportResult, export_members
from core.segments.catalogue import get_segment
from core.segments.compute import segment_members

SEGMENT_COLUMNS = [("分群", 12), ("分群依据", 44), ("建议动作", 40)]


def export_segment(
    session: Session,
    key: str,
    path: Path,
    *,
    mask: bool = True,
    member_ids: Iterable[int] | None = None,
    now: datetime | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> ExportResult:
    """Write the segment's members to `path` and log the export.

    `member_ids` narrows and orders the rows (the members tab passes what it shows: the
    segment within its other filters; anyone not in the segment is left out); by default the
    whole segment, in working order.
    """
    segment = get_segment(key)
    path = check_xlsx_path(path)
    found = segment_members(session, segment.key, now)
    basis = {item.member_id: item.basis for item in found}
    if member_ids is None:
        ids = [item.member_id for item in found]
    else:
        ids = [member_id for member_id in member_ids if member_id in basis]
    return export_members(
        session,
        ids,
        path,
        mask=mask,
        what=f"分群「{segment.name}」",
        sheet_title=segment.name,
        extra_columns=[
            ("分群", 12, lambda _member_id: segment.name),
            ("分群依据", 44, lambda member_id: basis.get(member_id, "")),
            ("建议动作", 40, lambda _member_id: segment.action),
        ],
        progress=progress,
        cancelled=cancelled,
    )
