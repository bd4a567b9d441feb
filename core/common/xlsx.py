"""Writing the .xlsx files the boss receives: one house style and the same safety rules.

Every export (members, segments, the points ledger) goes through here, so each one gets a
frozen, styled header with filters, dates as dates, no formula injection (a cell starting
with = + - @ is written as text), and a file that is complete or absent: it is written under
a temporary name and renamed, so a crash or a full disk never leaves half a spreadsheet
under the name the user chose.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.common.atomic import check_export_path, write_atomically
from core.common.terminal import visible
from core.common.text import msg

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_COLOR = "0F766E"


def safe_cell(value):
    """Text as a cell can hold it safely: control, bidi and invisible characters from imported
    names shown as escapes (\\x1b, \\u202e; Excel refuses the controls and would let the
    others reorder or hide text), and text a spreadsheet would run as a formula kept as text."""
    if not isinstance(value, str):
        return value
    value = visible(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def check_xlsx_path(path: Path) -> Path:
    return check_export_path(path, (".xlsx",), msg("导出文件必须是 .xlsx"))


class Sheet:
    """A write-only worksheet with the styled header; `append` writes one safe row."""

    def __init__(self, workbook: Workbook, title: str, columns: Sequence[tuple[str, int]]):
        self.sheet = workbook.create_sheet(title)
        self.sheet.freeze_panes = "A2"
        self.width = len(columns)
        self.rows = 0
        for index, (_, width) in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        font, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor=HEADER_COLOR)
        header = []
        for name, _ in columns:
            cell = WriteOnlyCell(self.sheet, value=name)
            cell.font, cell.fill = font, fill
            cell.alignment = Alignment(vertical="center")
            header.append(cell)
        self.sheet.append(header)

    def append(self, values: Iterable) -> None:
        cells = []
        for value in values:
            cell = WriteOnlyCell(self.sheet, value=safe_cell(value))
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        self.sheet.append(cells)
        self.rows += 1

    def add_filter(self) -> None:
        """Filters on the header over every written row (call after the last append)."""
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(self.width)}{self.rows + 1}"


def save_workbook(workbook: Workbook, path: Path) -> None:
    """Save under a temporary name, then rename: never half a file under the chosen name."""
    write_atomically(path, workbook.save)
