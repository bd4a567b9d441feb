"""The row-error report: every rejected row and skipped value, safe to open in Excel, masked and
logged like every export of personal data."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import select

from core.common.errors import UserError
from core.members.importing import write_error_report
from core.members.importing.report import check_report_path
from db.models import ExportLog
from tests.core.members.importing_helpers import plan_file, table_counts

YOUZAN = "youzan_客户导出_Excel另存为GBK.csv"


def save_report(database, plan, path, **options):
    with database.session() as session:
        return write_error_report(session, plan, path, **options)


def report_rows(path) -> list[tuple]:
    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


def test_report_lists_rejected_rows_and_skipped_values(sqlite_database, samples, tmp_path):
    plan = plan_file(sqlite_database, samples / YOUZAN)
    path = save_report(sqlite_database, plan, tmp_path / "问题清单")
    assert path.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("工作表", "行号", "字段", "内容", "原因", "处理")
    body = {(r[1], r[2], r[3], r[5]) for r in rows[1:]}
    # Phones are masked, as in every export: the row number says which line to fix.
    assert body == {
        (7, "手机号", "******E+12", "已忽略该值"),
        (11, "手机号", "******0010", "整行未导入"),
    }
    assert sheet.freeze_panes == "A2"


def test_report_masks_phones_and_wechat_ids_and_is_logged(sqlite_database, tmp_path):
    source = tmp_path / "名单.csv"
    source.write_text(
        "昵称,手机号,微信号\n"
        "短号,1380000101,wx_duanhao\n"
        "空格,13800001002,wx kong ge\n"
        '"引号乙,13800002702\n引号丙,13800002703\n',
        encoding="utf-8",
    )
    plan = plan_file(sqlite_database, source)
    path = save_report(sqlite_database, plan, tmp_path / "问题.xlsx")
    text = "\n".join(str(cell) for row in report_rows(path) for cell in row if cell)
    for secret in ("1380000101", "wx kong ge", "13800002702", "13800002703"):
        assert secret not in text
    assert "******0101" in text and "wx******ge" in text and "138****2703" in text
    with sqlite_database.session() as session:
        (log,) = session.scalars(select(ExportLog)).all()
    assert (log.what, log.path, log.row_count, log.masked) == (
        "导入问题清单「名单.csv」",
        str(path),
        3,
        True,
    )


def test_unmasked_report_is_logged_as_unmasked(sqlite_database, samples, tmp_path):
    plan = plan_file(sqlite_database, samples / YOUZAN)
    path = save_report(sqlite_database, plan, tmp_path / "r.xlsx", mask=False)
    assert "1380000010" in {row[3] for row in report_rows(path)}
    with sqlite_database.session() as session:
        assert session.scalars(select(ExportLog.masked)).one() is False


@pytest.mark.parametrize(
    "target",
    ["no such folder/r.xlsx", "a file/r.xlsx", "a folder.xlsx"],
)
def test_a_report_that_cannot_be_written_is_refused_first(
    sqlite_database, samples, tmp_path, target
):
    (tmp_path / "a file").write_text("x")
    (tmp_path / "a folder.xlsx").mkdir()
    with pytest.raises(UserError):
        check_report_path(tmp_path / target)
    plan = plan_file(sqlite_database, samples / YOUZAN)
    before = table_counts(sqlite_database)
    with pytest.raises(UserError) as raised:
        save_report(sqlite_database, plan, tmp_path / target)
    assert "\n" not in raised.value.message
    assert table_counts(sqlite_database) == before  # no export logged for a file not written


def test_cells_that_would_be_formulas_are_written_as_text(sqlite_database, tmp_path):
    source = tmp_path / "evil.csv"
    source.write_text(
        '昵称,手机号,性别\n=HYPERLINK("http://evil"),=1+2,男\n@cmd,+8613800000001,-x\n',
        encoding="utf-8",
    )
    plan = plan_file(sqlite_database, source)
    path = save_report(sqlite_database, plan, tmp_path / "report.xlsx")
    sheet = openpyxl.load_workbook(path).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "'-x" in values  # the unreadable gender, as text
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
