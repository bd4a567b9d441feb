"""The row-error report: every rejected row and skipped value, safe to open in Excel."""

from __future__ import annotations

import openpyxl

from core.members.importing import write_error_report
from tests.core.members.importing_helpers import plan_file


def test_report_lists_rejected_rows_and_skipped_values(sqlite_database, samples, tmp_path):
    plan = plan_file(sqlite_database, samples / "youzan_客户导出_Excel另存为GBK.csv")
    path = write_error_report(plan, tmp_path / "问题清单")
    assert path.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("工作表", "行号", "字段", "内容", "原因", "处理")
    body = {(r[1], r[2], r[3], r[5]) for r in rows[1:]}
    assert body == {
        (7, "手机号", "8.6138E+12", "整行未导入"),
        (11, "手机号", "1380000010", "整行未导入"),
    }
    assert sheet.freeze_panes == "A2"


def test_cells_that_would_be_formulas_are_written_as_text(sqlite_database, tmp_path):
    source = tmp_path / "evil.csv"
    source.write_text(
        '昵称,手机号,性别\n=HYPERLINK("http://evil"),=1+2,男\n@cmd,+8613800000001,-x\n',
        encoding="utf-8",
    )
    plan = plan_file(sqlite_database, source)
    path = write_error_report(plan, tmp_path / "report.xlsx")
    sheet = openpyxl.load_workbook(path).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "'=1+2" in values  # the rejected phone, as text
    assert "'-x" in values  # the unreadable gender, as text
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
