"""A segment to .xlsx: the members sheet's columns plus 分群, 分群依据 and 建议动作 per row.

Follows the members export (core.members.export): masked by default, formula-safe cells,
written to a temporary name and renamed, and recorded in the export log.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.progress import CancelCheck, Cancelled, Progress, never_cancelled, no_progress
from core.members.export import COLUMNS, PAGE, ExportResult, operator_name, safe_cell
from core.members.query import load_rows
from core.segments.catalogue import get_segment
from core.segments.compute import segment_members
from db.models import ExportLog

SEGMENT_COLUMNS = [("分群", 12), ("分群依据", 44), ("建议动作", 40)]


def check_export_path(path: Path) -> Path:
    """Refuse a bad target before any work is done."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError("导出文件必须是 .xlsx")
    if not path.parent.is_dir():
        raise UserError(f"文件夹不存在：{path.parent}")
    return path


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
    path = check_export_path(path)
    found = segment_members(session, segment.key, now)
    basis = {item.member_id: item.basis for item in found}
    if member_ids is None:
        ids = [item.member_id for item in found]
    else:
        ids = [member_id for member_id in member_ids if member_id in basis]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(segment.name)
    sheet.freeze_panes = "A2"
    widths = [width for _, width, _ in COLUMNS] + [width for _, width in SEGMENT_COLUMNS]
    titles = [title for title, _, _ in COLUMNS] + [title for title, _ in SEGMENT_COLUMNS]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0F766E")
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    sheet.append(header)
    written = 0
    for start in range(0, len(ids), PAGE):
        if cancelled():
            raise Cancelled
        page_ids = ids[start : start + PAGE]
        rows = load_rows(session, page_ids)
        for member_id in page_ids:
            row = rows.get(member_id)
            if row is None:
                continue
            values = [value_of(row, mask) for _, _, value_of in COLUMNS]
            values += [segment.name, basis.get(member_id, ""), segment.action]
            cells = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=safe_cell(value))
                if isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                cells.append(cell)
            sheet.append(cells)
            written += 1
        progress(min(start + PAGE, len(ids)), len(ids))
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{written + 1}"
    _save(workbook, path)
    session.add(
        ExportLog(
            operator=operator_name(),
            what=f"分群「{segment.name}」",
            path=str(path),
            row_count=written,
            masked=mask,
        )
    )
    return ExportResult(str(path), written, mask)


def _save(workbook: Workbook, path: Path) -> None:
    """Save under a temporary name, then rename: never half a file under the chosen name."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        workbook.save(partial)
        os.replace(partial, path)
    except PermissionError as error:
        partial.unlink(missing_ok=True)
        raise UserError(f"无法写入 {path.name}：文件可能正在 Excel 中打开，请关闭后重试") from error
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise UserError(f"无法写入 {path.name}：{error.strerror}") from error
