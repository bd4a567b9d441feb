"""A sheet's rectangle as `core.common.sheets.extent` measures it, and as calamine builds it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import python_calamine

from core.common.sheets.extent import _exact_extent, _inflate, _quick_extent
from core.common.sheets.limits import ImportLimits

SHEET = "xl/worksheets/sheet1.xml"
LIMITS = ImportLimits()


def measures(path: Path, part: str = SHEET):
    """(quick, exact) rectangles of one part, as (last row, last column) and the exact first."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    with path.open("rb") as raw:
        quick = _quick_extent(_inflate(raw, info, path.name), path.name, info.file_size, LIMITS)
        exact = _exact_extent(_inflate(raw, info, path.name), path.name, LIMITS)
    return quick, exact


def calamine_end(path: Path) -> tuple[int, int]:
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sheet.end
