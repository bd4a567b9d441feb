"""The row-error report: every rejected row and skipped value of a plan, as an .xlsx to fix.

It is an export of personal data like any other: phones and 微信号 are masked unless the caller
says otherwise, cells that would run as formulas are written as text, the file is complete or
absent (written under a temporary name), and the export is logged in the caller's transaction.
A caller that imports checks the target first (`check_report_path`) and writes the report
before it commits, so a report that cannot be saved leaves the database as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.operator import operator_name
from core.common.text import msg
from core.common.xlsx import Sheet, save_workbook
from core.members.importing.fields import FIELD_LABELS
from core.members.importing.model import ImportPlan
from core.members.masking import mask_phone, mask_phones_in, mask_wechat_id
from db.models import ExportLog

COLUMNS = (("工作表", 18), ("行号", 8), ("字段", 16), ("内容", 28), ("原因", 60), ("处理", 14))


def check_report_path(path: str | Path) -> Path:
    """The .xlsx the report will be written to, refused now if it cannot be written there."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    folder = target.parent
    if not folder.is_dir():
        raise UserError(msg("文件夹不存在：{folder}", folder=str(folder)))
    if target.is_dir():
        raise UserError(msg("{name} 是文件夹，不是表格文件", name=str(target)))
    try:
        # Trying is the only sure test: permissions, read-only disks and ACLs all say no here.
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".", suffix=".partial"):
            pass
        if target.exists() and not os.access(target, os.W_OK):
            raise PermissionError(13, os.strerror(13))
    except OSError as error:
        raise UserError(
            msg("无法保存问题清单 {path}：{problem}", path=str(target), problem=error.strerror)
        ) from error
    return target


def write_error_report(
    session: Session, plan: ImportPlan, path: str | Path, *, mask: bool = True
) -> Path:
    """Write the plan's rejected rows and skipped values to `path` (.xlsx), log the export in
    `session` (the caller commits) and return the path."""
    # openpyxl only when a report is written (start-up)
    from openpyxl import Workbook

    target = check_report_path(path)
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, "导入问题", COLUMNS)
    reported = set()
    for issue in sorted(plan.issues, key=lambda i: (i.sheet, i.row)):
        reported.add((issue.sheet, issue.row))
        value, reason = issue.value, issue.reason
        if mask:
            value, reason = _masked(issue.field, value, reason)
        handled = "整行未导入" if issue.rejected else "已忽略该值"
        sheet.append([issue.sheet, issue.row, issue.field, value, reason, handled])
    for row in plan.rejected_rows:
        if (row.sheet, row.row) not in reported:
            nickname, reason = row.nickname, row.reason
            if mask:
                nickname, reason = mask_phones_in(nickname), mask_phones_in(reason)
            sheet.append([row.sheet, row.row, "", nickname, reason, "整行未导入"])
    sheet.add_filter()
    save_workbook(workbook, target)

    session.add(
        ExportLog(
            operator=operator_name(),
            what=f"导入问题清单「{plan.file_name}」",
            path=str(target),
            row_count=sheet.rows,
            masked=mask,
        )
    )
    session.flush()
    return target


def _masked(field: str, value: str, reason: str) -> tuple[str, str]:
    """The value (and the reason, which often repeats it) with phones and 微信号 masked."""
    if field == FIELD_LABELS["phone"]:
        shown = mask_phone(value) or ""
    elif field == FIELD_LABELS["wechat_id"]:
        shown = mask_wechat_id(value) or ""
    else:
        return mask_phones_in(value), mask_phones_in(reason)
    if value and value != shown:
        reason = reason.replace(value, shown)
    return shown, mask_phones_in(reason)
