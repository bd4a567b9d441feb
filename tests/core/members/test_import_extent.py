"""Sheets are measured before python-calamine loads them: the measure agrees with what
calamine builds, ordinary and unusual-but-valid workbooks still import, and the limit holds for
every format."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from core.common.errors import UserError
from core.members.importing import ImportLimits
from core.members.importing.extent import _exact_extent, _inflate, _quick_extent, cell_name
from core.members.importing.readers import check_file
from tests.core.members import hostile_files as made
from tests.core.members.importing_helpers import plan_file
from tests.core.members.ole_files import ole_file

SHEET = "xl/worksheets/sheet1.xml"


def measures(path: Path, part: str = SHEET):
    """(quick, exact) rectangles of one part, as (last row, last column) and the exact first."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    with path.open("rb") as raw:
        quick = _quick_extent(_inflate(raw, info, path.name), path.name, info.file_size, LIMITS)
        exact = _exact_extent(_inflate(raw, info, path.name), path.name, LIMITS)
    return quick, exact


LIMITS = ImportLimits()


def calamine_end(path: Path) -> tuple[int, int]:
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sheet.end


@pytest.mark.parametrize(
    "name",
    [
        "itchat_群聊用户名单.xlsx",
        "linkwechat_客户信息表_1742265751000.xlsx",
        "weflow_群成员_样例烘焙福利1群.xlsx",
    ],
)
def test_the_quick_measure_of_real_exports_is_calamines(samples, name):
    quick, exact = measures(samples / name)
    assert quick is not None  # the usual shape: one pass
    assert (quick.last_row, quick.last_column) == (exact.last_row, exact.last_column)
    assert (exact.last_row, exact.last_column) == calamine_end(samples / name)


def test_a_wide_openpyxl_sheet_is_measured_quickly(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["昵称", "手机号", *(f"字段{i}" for i in range(60))])
    for i in range(300):
        sheet.append([f"会员{i}", f"138{i:08d}", *range(60)])
    sheet.page_setup.orientation = "landscape"  # pageMargins header= footer= are no cells
    path = tmp_path / "宽表.xlsx"
    workbook.save(path)
    quick, exact = measures(path)
    assert quick is not None and (quick.last_row, quick.last_column) == (300, 61)
    assert (exact.last_row, exact.last_column) == calamine_end(path) == (300, 61)


UNUSUAL_BUT_VALID = {
    # (sheet data, calamine's last cell): each is read tag by tag and imports.
    "a styled empty cell far away": (
        made.MEMBER_ROWS + '<row r="1048576"><c r="XFD1048576" s="0"/></row>',
        (1, 1),
    ),
    "cells without references": (
        made.header_row("昵称", "手机号")
        + '<row><c t="inlineStr"><is><t>小麦</t></is></c><c><v>13800000001</v></c></row>',
        (1, 1),
    ),
    "prefixed tags and single quotes": (
        made.MEMBER_ROWS.replace('<row r="2">', "<row r='2'>")
        + "<x:row xmlns:x='http://schemas.openxmlformats.org/spreadsheetml/2006/main' r='3'>"
        "<x:c r='A3' t='inlineStr'><x:is><x:t>大麦</x:t></x:is></x:c>"
        "<x:c r='B3'><x:v>13800000002</x:v></x:c></x:row>",
        (2, 1),
    ),
    "a quoted > inside an attribute": (
        made.MEMBER_ROWS + '<row r="3" x="a>b"><c r="A3" t="inlineStr" x="/>"><is><t>大麦</t>'
        '</is></c><c r="B3"><v>13800000002</v></c></row>',
        (2, 1),
    ),
}


@pytest.mark.parametrize("case", sorted(UNUSUAL_BUT_VALID))
def test_unusual_but_valid_sheets_import(sqlite_database, tmp_path, case):
    rows, end = UNUSUAL_BUT_VALID[case]
    path = made.xlsx(tmp_path / "名单.xlsx", rows)
    _, exact = measures(path)
    assert (exact.last_row, exact.last_column) == calamine_end(path) == end
    plan = plan_file(sqlite_database, path)
    assert plan.counts.added == end[0] and plan.counts.rejected == 0


def test_libreoffice_trailing_rows_are_no_cells(sqlite_database, tmp_path):
    """LibreOffice ends each sheet with a million repeated empty rows of 1024 empty cells."""
    trailing = (
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    path = made.ods(tmp_path / "名单.ods", made.ODS_MEMBERS + trailing)
    assert plan_file(sqlite_database, path).counts.added == 1


def test_a_small_xls_in_the_mini_stream_imports(sqlite_database, tmp_path):
    path = made.xls(tmp_path / "名单.xls", made.xls_stream(made.XLS_MEMBERS))
    assert path.stat().st_size < 4096
    assert plan_file(sqlite_database, path).counts.added == 1


@pytest.mark.parametrize(
    "build",
    [
        lambda tmp: made.xlsx(tmp / "名单.xlsx", made.MEMBER_ROWS),
        lambda tmp: made.ods(tmp / "名单.ods", made.ODS_MEMBERS),
        lambda tmp: made.xls(tmp / "名单.xls", made.xls_stream(made.XLS_MEMBERS)),
    ],
    ids=["xlsx", "ods", "xls"],
)
def test_the_cell_limit_holds_for_every_format(tmp_path, build):
    path = build(tmp_path)
    check_file(path, ImportLimits(max_sheet_cells=4))  # 2 rows × 2 columns
    with pytest.raises(UserError, match="「名单」内容范围有 2 行 × 2 列（最远的单元格在 B2）"):
        check_file(path, ImportLimits(max_sheet_cells=3))


def test_a_looping_sector_chain_is_damage_not_a_hang(tmp_path):
    data = bytearray(ole_file({"Workbook": made.xls_stream(made.XLS_MEMBERS).ljust(4096, b"\0")}))
    struct.pack_into("<I", data, 512 + 4 * 2, 2)  # the stream's first sector points to itself
    path = tmp_path / "环.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(UserError, match="不是有效的 Excel 97-2003 表格或已损坏"):
        check_file(path, LIMITS)


def test_cell_names():
    assert [cell_name(0, 0), cell_name(1, 25), cell_name(9, 26), cell_name(1048575, 16383)] == [
        "A1",
        "Z2",
        "AA10",
        "XFD1048576",
    ]
