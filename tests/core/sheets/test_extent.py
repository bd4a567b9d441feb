"""Sheets are measured before python-calamine loads them: the measure agrees with what calamine
builds, and the cell limit holds for every format (the member import's own checks of real and
unusual exports are in tests/core/members/test_import_extent.py)."""

from __future__ import annotations

import struct

import openpyxl
import pytest

from core.common.errors import UserError
from core.common.sheets.extent import cell_name
from core.common.sheets.limits import ImportLimits
from core.common.sheets.readers import check_file
from tests.core.sheets import hostile_files as made
from tests.core.sheets.measuring import LIMITS, calamine_end, measures
from tests.core.sheets.ole_files import ole_file


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
