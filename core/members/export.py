"""Members to a styled .xlsx for the boss: masked by default, safe from formula injection,
and recorded in the export log (PIPL).

The file is written to a temporary name and renamed when complete, so a crash or a full disk
never leaves half a spreadsheet under the name the user chose.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from core.common.config import load_config
from core.common.errors import UserError
from core.common.progress import (
    CancelCheck,
    Cancelled,
    Progress,
    never_cancelled,
    no_progress,
)
from core.members.masking import mask_phone, mask_wechat_id
from core.members.query import load_rows
from db.models import ExportLog

PAGE = 1000
GENDER_NAMES = {"m": "男", "f": "女", "": ""}
# (header, width, value of a MemberRow)
COLUMNS = [
    ("昵称", 22, lambda r, mask: r.nickname),
    ("备注名", 16, lambda r, mask: r.remark),
    ("微信号", 18, lambda r, mask: mask_wechat_id(r.wechat_id) if mask else r.wechat_id),
    ("手机号", 15, lambda r, mask: mask_phone(r.phone) if mask else r.phone),
    ("性别", 6, lambda r, mask: GENDER_NAMES.get(r.gender, "")),
    ("城市", 10, lambda r, mask: r.city),
    ("所在社群", 36, lambda r, mask: "、".join(r.communities)),
    ("标签", 24, lambda r, mask: "、".join(r.tags)),
    ("来源渠道", 12, lambda r, mask: r.source_channel),
    ("团队成员", 9, lambda r, mask: "是" if r.is_team else ""),
    ("最近活跃", 18, lambda r, mask: r.last_active_at),
    ("建档时间", 18, lambda r, mask: r.created_at),
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportResult:
    path: str
    rows: int
    masked: bool


def operator_name() -> str:
    """Who is exporting: the name set in 设置, else the computer's user name."""
    name = load_config().operator
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in some containers and services
        return "unknown"


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is written as plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_members(
    session: Session,
    member_ids: Iterable[int],
    path: Path,
    *,
    mask: bool = True,
    what: str = "成员",
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> ExportResult:
    """Write the members (in the given order) to `path` and log the export."""
    ids = list(member_ids)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError("导出文件必须是 .xlsx")
    if not path.parent.is_dir():
        raise UserError(f"文件夹不存在：{path.parent}")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("成员")
    sheet.freeze_panes = "A2"
    for index, (_, width, _) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="0F766E")
    header = []
    for title, _, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = header_font, header_fill
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
            cells = []
            for _, _, value_of in COLUMNS:
                value = value_of(row, mask)
                cell = WriteOnlyCell(sheet, value=safe_cell(value))
                if isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                cells.append(cell)
            sheet.append(cells)
            written += 1
        progress(min(start + PAGE, len(ids)), len(ids))
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{written + 1}"
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
    session.add(
        ExportLog(
            operator=operator_name(), what=what, path=str(path), row_count=written, masked=mask
        )
    )
    return ExportResult(str(path), written, mask)
