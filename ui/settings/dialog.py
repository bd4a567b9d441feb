"""设置: interface language, light or dark look, which database to use, and the operator name
for export logs."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from core.common import paths
from core.common.config import AppConfig, load_config, save_config
from core.common.database import open_database
from ui.common.tasks import run_task
from ui.common.theme import apply_theme
from ui.common.widgets import choice, hint_label, ok_cancel_buttons, push_button

LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}


class SettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle(self.tr("设置"))
        self.setMinimumWidth(560)
        self.original = load_config()

        self.language = QComboBox()
        self.language.setObjectName("settings_language")
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(self.original.language))

        self.theme = choice(
            "settings_theme",
            [
                (self.tr("跟随系统"), "system"),
                (self.tr("浅色"), "light"),
                (self.tr("深色"), "dark"),
            ],
            self.original.theme,
        )

        self.db_url = QLineEdit(self.original.db_url)
        self.db_url.setObjectName("settings_db_url")
        self.db_url.setPlaceholderText(
            self.tr("留空：使用本机文件 {path}").format(path=paths.default_db_path())
        )
        self.test_button = push_button(
            "settings_test_db", self.tr("测试连接"), self.test_connection
        )
        db_row = QHBoxLayout()
        db_row.addWidget(self.db_url, 1)
        db_row.addWidget(self.test_button)
        db_hint = hint_label(
            self.tr(
                "团队共用一台 PostgreSQL 服务器时填写，例如 "
                "postgresql+psycopg://用户名:密码@服务器:5432/数据库名"
            )
        )

        self.operator = QLineEdit(self.original.operator)
        self.operator.setObjectName("settings_operator")
        self.operator.setPlaceholderText(self.tr("留空：使用电脑的用户名"))

        form = QFormLayout()
        form.addRow(self.tr("界面语言"), self.language)
        form.addRow(self.tr("外观"), self.theme)
        form.addRow(self.tr("数据库"), db_row)
        form.addRow("", db_hint)
        form.addRow(self.tr("操作员姓名"), self.operator)

        buttons = ok_cancel_buttons(self, "settings_buttons", save=True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def chosen_config(self) -> AppConfig:
        return AppConfig(
            language=self.language.currentData(),
            db_url=self.db_url.text().strip(),
            operator=self.operator.text().strip(),
            theme=self.theme.currentData(),
        )

    def test_connection(self) -> None:
        url = self.db_url.text().strip() or None

        def work(_progress, _cancelled) -> str:
            database = open_database(url, daily_backup=False)
            database.close()
            return database.url

        run_task(
            self,
            work,
            label=self.tr("正在连接数据库…"),
            cancellable=False,
            on_success=lambda _url: QMessageBox.information(
                self, self.tr("测试连接"), self.tr("连接成功，数据库结构已是最新。")
            ),
        )

    def accept(self) -> None:
        config = self.chosen_config()
        save_config(config)
        apply_theme(QApplication.instance(), config.theme)  # at once: no restart needed
        if (config.language, config.db_url) != (self.original.language, self.original.db_url):
            note = QMessageBox(
                QMessageBox.Icon.Information,
                self.tr("设置"),
                self.tr("语言和数据库的更改将在重新启动程序后生效。"),
                QMessageBox.StandardButton.Ok,
                self,
            )
            note.setObjectName("settings_restart_note")
            note.exec()
        super().accept()
