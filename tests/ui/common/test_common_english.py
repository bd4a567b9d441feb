"""Database, backup and settings refusals from core/common in the English interface."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox, QPushButton

from core.common.database import open_database
from core.common.errors import UserError
from tests.ui.conftest import when_shown
from ui.common.i18n import shown
from ui.settings.dialog import SettingsDialog


def test_a_damaged_database_file_is_explained_in_english(app, english, tmp_path):
    bogus = tmp_path / "members.xlsx.db"
    bogus.write_bytes(b"PK\x03\x04" + b"\x00" * 4096)
    with pytest.raises(UserError) as caught:
        open_database(f"sqlite:///{bogus}", daily_backup=False)
    assert "不是有效的数据库文件" in caught.value.message  # the CLI's wording
    assert shown(caught.value.message) == (
        f"sqlite:///{bogus} is not a valid database file or is damaged; "
        "you can restore it from “File → Restore backup”"
    )


def test_restoring_a_file_that_is_no_backup_is_refused_in_english(
    app, english, make_window, sqlite_database, qtbot, tmp_path, monkeypatch
):
    window = make_window(sqlite_database)
    junk = tmp_path / "照片.db"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(junk), ""))
    when_shown(
        "restore_dialog",
        lambda dialog: dialog.findChild(QPushButton, "restore_browse_button").click(),
    )
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    seen = []
    when_shown("user_error_dialog", lambda box: (seen.append(box.text()), box.accept()))
    window.findChild(QAction, "action_restore").trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    assert seen[0].startswith("“照片.db” is not a usable database backup: ")


def test_testing_a_bad_database_url_is_refused_in_english(app, english, qtbot):
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.findChild(QLineEdit, "settings_db_url").setText("nonsense://x")
    seen = []
    when_shown("user_error_dialog", lambda box: (seen.append(box.text()), box.accept()))
    dialog.findChild(QPushButton, "settings_test_db").click()
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    assert seen[0].startswith("Invalid database URL: nonsense://x (")
