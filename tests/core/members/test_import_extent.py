"""Member exports, ordinary and unusual-but-valid, are measured as python-calamine builds them and
still import (the measuring itself is tested in tests/core/sheets/test_extent.py)."""

from __future__ import annotations

import pytest

from tests.core.members.importing_helpers import plan_file
from tests.core.sheets import hostile_files as made
from tests.core.sheets.measuring import calamine_end, measures


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
