"""The import preview reads whole: reasons not cut, rows named by number, and the file dialog
opening where the owner keeps their lists."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QRect, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QHeaderView, QPushButton, QTableView

from tests.ui.conftest import when_shown
from ui.members.import_dialog import LAST_FOLDER_KEY, PAGE_PREVIEW, ImportDialog

SAMPLES = Path(__file__).resolve().parents[2] / "core" / "members" / "samples"
YOUZAN = SAMPLES / "youzan_客户导出_Excel另存为GBK.csv"
ITCHAT = SAMPLES / "itchat_群聊用户名单.xlsx"


def previewed(qtbot, database, path: Path) -> ImportDialog:
    dialog = ImportDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_file(path)
    dialog.findChild(QPushButton, "import_preview").click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == PAGE_PREVIEW, timeout=60_000)
    return dialog


def column_of(view: QTableView, title: str) -> int:
    model = view.model()
    (column,) = [
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == title
    ]
    return column


def test_the_reason_column_takes_the_room_and_shows_the_whole_reason(app, qtbot, sqlite_database):
    dialog = previewed(qtbot, sqlite_database, YOUZAN)
    dialog.details.setCurrentIndex(dialog.details.indexOf(dialog.details.widget(2)))
    view = dialog.findChild(QTableView, "import_issues")
    qtbot.waitUntil(view.isVisible)
    reason, handled = column_of(view, "原因"), column_of(view, "处理")
    header = view.horizontalHeader()
    assert header.sectionResizeMode(reason) == QHeaderView.ResizeMode.Stretch
    # 处理 is as wide as its words, no wider; the reason gets the rest.
    assert header.sectionSize(handled) <= view.sizeHintForColumn(handled) + 2
    assert header.sectionSize(reason) > 2 * header.sectionSize(handled)
    metrics = view.fontMetrics()
    for row in range(view.model().rowCount()):
        text = view.model().index(row, reason).data()
        needed = metrics.boundingRect(
            QRect(0, 0, header.sectionSize(reason) - 12, 10_000), Qt.TextFlag.TextWordWrap, text
        )
        assert view.rowHeight(row) >= needed.height(), text  # wrapped, not cut
        assert view.model().index(row, reason).data(Qt.ItemDataRole.ToolTipRole) == text


def test_possible_duplicates_name_the_row_by_number(app, qtbot, sqlite_database):
    dialog = previewed(qtbot, sqlite_database, ITCHAT)
    view = dialog.findChild(QTableView, "import_duplicates")
    model = view.model()
    assert model.rowCount() > 0
    sheet, row = column_of(view, "工作表"), column_of(view, "行")
    other = column_of(view, "可能是")
    for index in range(model.rowCount()):
        duplicate = dialog.plan.possible_duplicates[index]
        assert model.index(index, row).data() == str(duplicate.row)
        assert model.index(index, sheet).data() == duplicate.sheet
        if duplicate.other_row is not None:
            other_sheet, other_row = duplicate.other_row
            assert f"{other_sheet} 第 {other_row} 行" in model.index(index, other).data()


def opened_in(qtbot, dialog: ImportDialog) -> Path:
    """Click 选择文件…, note the folder the file dialog shows, close it."""
    seen = []

    def look(file_dialog: QFileDialog) -> None:
        seen.append(Path(file_dialog.directory().absolutePath()))
        file_dialog.reject()

    when_shown("import_file_dialog", look)
    dialog.findChild(QPushButton, "import_browse").click()
    assert dialog.path is None  # closed without a choice: nothing chosen
    return seen[0]


def test_the_file_dialog_opens_in_the_folder_of_the_last_import(
    app, qtbot, sqlite_database, settings, tmp_path
):
    first = ImportDialog(sqlite_database)
    qtbot.addWidget(first)
    start = opened_in(qtbot, first)
    # First time: the user's documents (or home), not the program's folder.
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert start in {Path(documents).resolve(), Path.home().resolve()}
    assert start != Path(__file__).resolve().parents[3]

    folder = tmp_path / "名单"
    folder.mkdir()
    copy = folder / YOUZAN.name
    shutil.copy(YOUZAN, copy)
    first.set_file(copy)  # chosen (by the dialog or dropped): its folder is remembered
    settings.sync()
    assert Path(settings.value(LAST_FOLDER_KEY)) == folder.resolve()

    second = ImportDialog(sqlite_database)
    qtbot.addWidget(second)
    assert opened_in(qtbot, second) == folder.resolve()
