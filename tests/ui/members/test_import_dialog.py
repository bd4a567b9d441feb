"""导入成员名单 as an owner does it: pick a file, read the preview, fix a column, import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QPushButton, QTableView
from sqlalchemy import func, select

from db.models import Member
from tests.ui.conftest import when_shown
from ui.members.import_dialog import PAGE_DONE, PAGE_PREVIEW, ImportDialog

SAMPLES = Path(__file__).resolve().parents[2] / "core" / "members" / "samples"
LINKWECHAT = SAMPLES / "linkwechat_客户信息表_1742265751000.xlsx"


def member_count(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Member))


def test_preview_then_import_a_real_export(app, qtbot, sqlite_database):
    dialog = ImportDialog(sqlite_database)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_file(LINKWECHAT)
    dialog.findChild(QPushButton, "import_preview").click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PAGE_PREVIEW, timeout=60_000)
    assert "新增 25" in dialog.summary.text() and "有问题 1" in dialog.summary.text()
    assert member_count(sqlite_database) == 0  # the preview wrote nothing
    issues = dialog.findChild(QTableView, "import_issues").model()
    assert issues.rowCount() >= 1
    with qtbot.waitSignal(dialog.data_changed, timeout=60_000):
        dialog.findChild(QPushButton, "import_apply").click()
    assert dialog.pages.currentIndex() == PAGE_DONE
    assert "新增 25 人" in dialog.findChild(type(dialog.done_label), "import_done").text()
    assert member_count(sqlite_database) == 25


def test_reimport_has_nothing_to_do(app, qtbot, sqlite_database):
    for attempt in range(2):
        dialog = ImportDialog(sqlite_database)
        qtbot.addWidget(dialog)
        dialog.set_file(LINKWECHAT)
        dialog.preview()
        qtbot.waitUntil(lambda d=dialog: d.plan is not None, timeout=60_000)
        apply = dialog.findChild(QPushButton, "import_apply")
        if attempt == 0:
            dialog.apply()
            qtbot.waitUntil(lambda d=dialog: d.result is not None, timeout=60_000)
    assert not apply.isEnabled()
    assert "无变化 25" in dialog.summary.text()


def test_changing_a_column_mapping_changes_the_preview(app, qtbot, sqlite_database):
    dialog = ImportDialog(sqlite_database)
    qtbot.addWidget(dialog)
    dialog.set_file(LINKWECHAT)
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=60_000)
    table = dialog.mapping_table
    phone_row = next(
        row for row in range(table.rowCount()) if table.cellWidget(row, 1).text() == "手机号"
    )
    combo: QComboBox = table.cellWidget(phone_row, 2)
    combo.setCurrentIndex(combo.findData("ignore"))
    first_plan = dialog.plan
    dialog.findChild(QPushButton, "import_remap").click()
    qtbot.waitUntil(lambda: dialog.plan is not first_plan, timeout=60_000)
    phone_header = dialog.plan.sheets[0].mapping.headers.index("手机号")
    assert dialog.plan.sheets[0].mapping.fields[phone_header] == "ignore"
    assert dialog.plan.counts.rejected <= first_plan.counts.rejected


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh_CN", "文件「photo.xlsx」不是表格，看起来是PNG 图片"),
        ("en", "“photo.xlsx” is not a spreadsheet; it looks like a PNG image"),
    ],
)
def test_a_file_that_is_not_a_member_list_gets_a_clear_message(
    app, qtbot, sqlite_database, tmp_path, request, language, message
):
    if language == "en":
        request.getfixturevalue("english")
    bogus = tmp_path / "photo.xlsx"
    bogus.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    dialog = ImportDialog(sqlite_database)
    qtbot.addWidget(dialog)
    dialog.set_file(bogus)
    messages = []
    when_shown("user_error_dialog", lambda box: (messages.append(box.text()), box.accept()))
    dialog.preview()
    qtbot.waitUntil(lambda: bool(messages), timeout=60_000)
    assert messages == [message]
    assert dialog.plan is None and member_count(sqlite_database) == 0


def test_the_data_menu_opens_the_import(make_window, sqlite_database):
    window = make_window(sqlite_database)
    opened = []
    when_shown("import_dialog", lambda dialog: (opened.append(True), dialog.reject()))
    window.findChild(QAction, "action_import").trigger()
    assert opened == [True]
    assert window.tabs.currentWidget() is window.members_tab


def test_a_swallowed_row_is_shown_and_the_saved_list_is_masked_and_logged(
    app, qtbot, sqlite_database, tmp_path, monkeypatch
):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    from db.models import ExportLog

    source = tmp_path / "引号.csv"
    source.write_text(
        '昵称,手机号\n引号甲,13800002701\n"引号乙,13800002702\n引号丙,13800002703\n',
        encoding="utf-8",
    )
    dialog = ImportDialog(sqlite_database)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_file(source)
    dialog.findChild(QPushButton, "import_preview").click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PAGE_PREVIEW, timeout=60_000)
    assert "新增 1" in dialog.summary.text() and "有问题 1" in dialog.summary.text()
    issues = dialog.findChild(QTableView, "import_issues").model()
    reasons = [issues.index(row, 4).data() for row in range(issues.rowCount())]
    assert any("第 3 行的引号没有闭合" in reason for reason in reasons)

    target = tmp_path / "问题清单.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.findChild(QPushButton, "import_save_report").click()

    def logged() -> int:
        with sqlite_database.session() as session:
            return session.scalar(select(func.count()).select_from(ExportLog))

    qtbot.waitUntil(lambda: logged() == 1, timeout=60_000)
    text = " ".join(
        str(c) for r in load_workbook(target).active.iter_rows(values_only=True) for c in r
    )
    assert "13800002702" not in text and "138****2702" in text
    assert member_count(sqlite_database) == 0


def test_the_points_column_becomes_opening_balances(app, qtbot, sqlite_database):
    """客户积分 of the 有赞 export: 期初积分 +137 in the preview, ledger entries after."""
    from db.ledger_models import LedgerEntry

    dialog = ImportDialog(sqlite_database)
    qtbot.addWidget(dialog)
    dialog.set_file(SAMPLES / "youzan_客户导出_Excel另存为GBK.csv")
    dialog.preview()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=60_000)
    wang = next(row for row in dialog.plan.rows if row.nickname == "小王")
    assert dialog._row_note(wang) == "期初积分 +137"
    with qtbot.waitSignal(dialog.data_changed, timeout=60_000) as changed:
        dialog.apply()
    assert "points" in changed.args[0]
    assert "期初积分记入积分台账：28 人" in dialog.done_label.text()
    with sqlite_database.session() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 28
