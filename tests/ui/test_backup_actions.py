"""文件 → 备份数据库 / 恢复备份 as a user does them, and why they are off for a team server."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QListWidget, QMessageBox, QPushButton
from sqlalchemy import func, select, text

from core.common import backup, paths
from core.common.database import open_database
from core.demo.generate import generate_demo
from db.models import Member
from tests.ui.conftest import when_shown


def member_count(window) -> int:
    with window.database.session() as session:
        return session.scalar(select(func.count()).select_from(Member))


def test_backup_then_restore_through_the_menu(
    make_window, sqlite_database, qtbot, tmp_path, monkeypatch
):
    with sqlite_database.engine.begin() as connection:
        generate_demo(connection, 30, seed=3)
    window = make_window(sqlite_database)
    target = tmp_path / "on-a-usb-stick.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(window.backups.backed_up, timeout=60_000):  # the copy is complete
        window.findChild(QAction, "action_backup").trigger()

    with window.database.engine.begin() as connection:
        connection.execute(text("DELETE FROM members"))
    assert member_count(window) == 0

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    when_shown(
        "restore_dialog",
        lambda dialog: dialog.findChild(QPushButton, "restore_browse_button").click(),
    )
    old_database = window.database
    with qtbot.waitSignal(window.data_changed, timeout=60_000):
        window.findChild(QAction, "action_restore").trigger()
    assert window.database is not old_database
    assert member_count(window) == 30
    qtbot.waitUntil(lambda: window.overview_tab.stats.members == 30, timeout=60_000)
    safety = list(Path(window.database.file).parent.parent.glob("**/before-restore-*.db"))
    assert safety, "the state before the restore must be kept"


def test_restore_dialog_lists_backups_newest_first(make_window, sqlite_database, qtbot):
    first = backup.backup_now(sqlite_database.file, paths.backup_dir(), "manual-a")
    second = backup.copy_sqlite(sqlite_database.file, paths.backup_dir() / "manual-b.db")
    os.utime(first, (1_700_000_000, 1_700_000_000))
    names = []

    def read(dialog) -> None:
        listing = dialog.findChild(QListWidget, "restore_backup_list")
        names.extend(listing.item(i).text().split()[0] for i in range(listing.count()))
        dialog.reject()

    window = make_window(sqlite_database)
    when_shown("restore_dialog", read)
    window.findChild(QAction, "action_restore").trigger()
    assert names == [second.name, first.name]


def test_backup_actions_are_off_for_a_postgresql_database(make_window, postgres_url):
    database = open_database(postgres_url)
    try:
        window = make_window(database)
        for name in ("action_backup", "action_restore"):
            action = window.findChild(QAction, name)
            assert not action.isEnabled()
            assert "服务器" in action.toolTip()
    finally:
        database.close()
