"""The row-error report: every rejected row and skipped value of a plan, as an .xlsx to fix."""

from __future__ import annotations

from pathlib import Path

from core.common.errors import UserError
from core.common.text import msg
from core.common.xlsx import safe_cell
from core.members.importing.model import ImportPlan

HEADERS = ("工作表", "行号", "字段", "内容", "原因", "处理")


def write_error_report(plan: ImportPlan, path: str | Path) -> Path:
    """Write the plan's rejected rows and skipped values to `path` (.xlsx); return the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("导入问题")
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEF", (18, 8, 16, 28, 60, 14), strict=True):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    reported = set()
    for issue in sorted(plan.issues, key=lambda i: (i.sheet, i.row)):
        reported.add((issue.sheet, issue.row))
        sheet.append(
            [
                safe_cell(issue.sheet),
                issue.row,
                safe_cell(issue.field),
                safe_cell(issue.value),
                safe_cell(issue.reason),
                "整行未导入" if issue.rejected else "已忽略该值",
            ]
        )
    for row in plan.rejected_rows:
        if (row.sheet, row.row) not in reported:
            sheet.append(
                [
                    safe_cell(row.sheet),
                    row.row,
                    "",
                    safe_cell(row.nickname),
                    safe_cell(row.reason),
                    "整行未导入",
                ]
            )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(target)
    except OSError as error:
        raise UserError(
            msg("无法保存问题清单 {path}：{problem}", path=str(target), problem=error.strerror)
        ) from error
    return target
