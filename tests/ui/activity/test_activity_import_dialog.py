"""GUI: 导入行为记录 — preview (writes nothing), rejected rows, import, re-import, errors."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QTableWidget
from sqlalchemy import func, select

from core.members.editing import refresh_search_keys
from db.models import ActivityEvent, Member
from tests.core.tiers.helpers import community, member
from tests.ui.conftest import when_shown
from ui.activity.activity_import_dialog import ActivityImportDialog

DAY = date.today() - timedelta(days=2)


@pytest.fixture
def group(sqlite_database):
    with sqlite_database.session() as session:
        cid = community(session, "读书会")
        community(session, "跑步群")
        for nickname in ("张小凡", "Lily"):
            refresh_search_keys(session, session.get(Member, member(session, cid, nickname)))
        session.commit()
    return sqlite_database, cid


@pytest.fixture
def sheet(tmp_path):
    book = openpyxl.Workbook()
    for row in (
        ["十一月打卡记录"],
        ["昵称", "行为", "日期", "次数"],
        ["张小凡", "打卡", DAY, 1],
        ["Lily", "发言", DAY, 3],
        ["谁", "签到", DAY, 1],
        ["张小凡", "唱歌", DAY, 1],
    ):
        book.active.append(row)
    path = tmp_path / "行为记录.xlsx"
    book.save(path)
    return path


def count_events(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(ActivityEvent))


def errors_of(dialog) -> list[tuple[str, ...]]:
    table = dialog.findChild(QTableWidget, "activityImportErrors")
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount()))
        for r in range(table.rowCount())
    ]


def test_preview_then_import_then_nothing_new(app, qtbot, group, sheet):
    database, cid = group
    dialog = ActivityImportDialog(database, cid)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "activityImportDialog"
    combo = dialog.findChild(QComboBox, "activityImportCommunity")
    assert combo.currentData() == cid
    assert combo.itemText(0) == "按文件里的社群列"
    apply = dialog.findChild(QPushButton, "activityImportApply")
    preview = dialog.findChild(QPushButton, "activityImportPreview")
    assert not preview.isEnabled() and not apply.isEnabled()

    dialog.set_file(sheet)
    preview.click()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=60_000)
    assert count_events(database) == 0  # the preview writes nothing
    summary = dialog.findChild(QLabel, "activityImportSummary").text()
    assert "读取 4 行" in summary and "将记录 4 条行为" in summary
    assert "签到 1" in summary and "发言 3" in summary and "2 行无法导入" in summary
    assert errors_of(dialog) == [
        ("Sheet", "5", "谁", "找不到成员：「谁」（在「读书会」里）"),
        ("Sheet", "6", "张小凡", "不认识的行为类型「唱歌」"),
    ]
    assert apply.isEnabled()

    with qtbot.waitSignal(dialog.imported, timeout=60_000) as signal:
        apply.click()
    assert signal.args == [4]
    assert count_events(database) == 4
    assert "已导入 4 条" in dialog.findChild(QLabel, "activityImportSummary").text()
    assert not apply.isEnabled()

    preview.click()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=60_000)
    assert "4 条这个文件已导入过" in dialog.findChild(QLabel, "activityImportSummary").text()
    assert not apply.isEnabled()


def test_by_the_file_community_column_needs_one_and_changing_it_needs_a_new_preview(
    app, qtbot, group, sheet
):
    database, cid = group
    dialog = ActivityImportDialog(database)
    qtbot.addWidget(dialog)
    combo = dialog.findChild(QComboBox, "activityImportCommunity")
    assert combo.currentIndex() == 0 and combo.currentData() is None
    dialog.set_file(sheet)
    dialog.findChild(QPushButton, "activityImportPreview").click()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=60_000)
    assert len(errors_of(dialog)) == 4  # names without a community cannot be matched
    apply = dialog.findChild(QPushButton, "activityImportApply")
    assert not apply.isEnabled()

    combo.setCurrentIndex(combo.findData(cid))
    assert dialog.plan is None
    dialog.apply()  # previews first, then imports
    qtbot.waitUntil(lambda: count_events(database) == 4, timeout=60_000)


def test_an_unreadable_file_is_explained(app, qtbot, group, tmp_path):
    database, cid = group
    picture = tmp_path / "行为.xlsx"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    dialog = ActivityImportDialog(database, cid)
    qtbot.addWidget(dialog)
    dialog.set_file(picture)
    messages = []
    when_shown("user_error_dialog", lambda box: (messages.append(box.text()), box.accept()))
    dialog.findChild(QPushButton, "activityImportPreview").click()
    qtbot.waitUntil(lambda: len(messages) == 1, timeout=60_000)
    assert "PNG" in messages[0]
    assert dialog.plan is None
    assert not dialog.findChild(QPushButton, "activityImportApply").isEnabled()
    assert count_events(database) == 0


def test_the_file_dialog_opens_in_the_folder_of_the_last_import(app, qtbot, group, sheet, settings):
    database, cid = group
    dialog = ActivityImportDialog(database, cid)
    qtbot.addWidget(dialog)
    dialog.set_file(sheet)  # chosen (by the dialog or dropped): its folder is remembered
    seen = []

    def look(file_dialog) -> None:
        seen.append(Path(file_dialog.directory().absolutePath()))
        file_dialog.reject()

    when_shown("activityImportFileDialog", look)
    dialog.findChild(QPushButton, "activityImportBrowse").click()
    assert seen == [sheet.parent.resolve()]
    assert dialog.path == sheet  # closed without a choice: the file stays chosen
