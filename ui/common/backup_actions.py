"""The 文件 menu's backup and restore, and the daily backup after start-up.

Copies run in the background (a 100000-member file is a few hundred MB). Restore closes the
database, keeps the current state as a backup first, copies the chosen file in, and reopens.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
)

from core.common import backup, paths
from ui.common.errors import show_error
from ui.common.screen_fit import fit_to_screen
from ui.common.tasks import run_task
from ui.common.widgets import ok_cancel_buttons, push_button

if TYPE_CHECKING:
    from core.common.database import Database


class BackupActions(QObject):
    """Backup and restore for the window's SQLite database (a team server backs up itself)."""

    backed_up = Signal(object)  # the copy's path, once it is complete

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window

    def enable_for(self, database: Database) -> None:
        is_file = database.file is not None
        for name in ("action_backup", "action_restore"):
            action = self.window.findChild(QObject, name)
            if action is not None:
                action.setEnabled(is_file)
                action.setToolTip("" if is_file else self.tr("团队数据库由服务器管理员负责备份"))

    def daily_backup_in_background(self) -> None:
        database = self.window.database
        if database.file is None:
            return
        file = database.file
        run_task(
            self.window,
            lambda _progress, _cancelled: backup.daily_backup(file, paths.backup_dir()),
            label=self.tr("正在进行每日备份…"),
            cancellable=False,
        )

    def backup_now(self) -> None:
        database = self.window.database
        suggested = paths.backup_dir() / f"manual-{datetime.now():%Y%m%d-%H%M%S}.db"
        target, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("备份数据库"), str(suggested), self.tr("数据库备份 (*.db)")
        )
        if not target:
            return
        source = database.file
        run_task(
            self.window,
            lambda _progress, _cancelled: backup.copy_sqlite(source, Path(target)),
            label=self.tr("正在备份…"),
            cancellable=False,
            on_success=self._backed_up,
        )

    def _backed_up(self, saved: Path) -> None:
        self.window.statusBar().showMessage(self.tr("已备份到 {path}").format(path=saved), 8000)
        self.backed_up.emit(saved)

    def restore(self) -> None:
        dialog = RestoreDialog(self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return
        chosen = dialog.chosen
        confirm = QMessageBox.question(
            self.window,
            self.tr("恢复备份"),
            self.tr(
                "用「{name}」替换当前数据？\n当前数据会先另存为一份备份，可以再恢复回来。"
            ).format(name=chosen.name),
        )
        if confirm != QMessageBox.StandardButton.Yes:
            return
        old = self.window.database
        file, url = old.file, old.url
        old.close()

        # SQLAlchemy is not loaded before the window first shows
        from core.common.database import open_database

        def work(_progress, _cancelled) -> Database:
            backup.restore_backup(chosen, file, paths.backup_dir())
            # The restored file may be from an older version: open_database migrates it.
            return open_database(url, daily_backup=False)

        def reopen_after_failure(error: Exception) -> None:
            # Nothing was replaced (the check runs first): reopen the file as it was.
            self.window.replace_database(open_database(url, daily_backup=False))
            show_error(self.window, error)

        run_task(
            self.window,
            work,
            label=self.tr("正在恢复备份…"),
            cancellable=False,
            on_success=self._restored,
            on_failure=reopen_after_failure,
        )

    def _restored(self, database: Database) -> None:
        self.window.replace_database(database)
        self.window.statusBar().showMessage(self.tr("已恢复备份"), 8000)


class RestoreDialog(QDialog):
    """Pick one of the backups (newest first) or any backup file."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("restore_dialog")
        self.setWindowTitle(self.tr("恢复备份"))
        fit_to_screen(self, 520, 420)
        self.chosen: Path | None = None
        self.list = QListWidget()
        self.list.setObjectName("restore_backup_list")
        for file in backup.list_backups(paths.backup_dir()):
            stamp = datetime.fromtimestamp(file.stat().st_mtime)
            item = QListWidgetItem(
                f"{file.name}    {stamp:%Y-%m-%d %H:%M}    {file.stat().st_size / 1e6:.1f} MB"
            )
            item.setData(Qt.ItemDataRole.UserRole, str(file))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        browse = push_button("restore_browse_button", self.tr("从文件选择…"), self._browse)
        buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("选择要恢复的备份：")))
        layout.addWidget(self.list, 1)
        layout.addWidget(browse, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择备份文件"), str(paths.backup_dir()), self.tr("数据库备份 (*.db)")
        )
        if name:
            self.chosen = Path(name)
            super().accept()

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = Path(item.data(Qt.ItemDataRole.UserRole))
        super().accept()
