"""Boot the window in Vorta's order: excepthook → data dirs → logging → QApplication →
translators and fonts → database (backup, migrate) → main window."""

from __future__ import annotations

import logging
import sys
import time

from PySide6.QtCore import QSettings, QThreadPool, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from core.common import paths
from core.common.config import load_config
from core.common.database import open_database
from core.common.errors import UserError
from core.common.logs import setup_logging
from core.version import __version__

log = logging.getLogger(__name__)
APP_TITLE = "社群运营工作台"


def ui_settings() -> QSettings:
    """Window geometry and other view state, in an INI file next to config.json."""
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


def create_application(argv: list[str]) -> QApplication:
    from ui.common.fonts import install_bundled_fonts
    from ui.common.i18n import install_translators
    from ui.common.style import STYLE_SHEET

    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName(APP_TITLE)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("shequn-workbench")
    icon = paths.resource_path("icons", "app.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    install_bundled_fonts(app)
    app.setStyleSheet(STYLE_SHEET)
    app._translators = install_translators(app, load_config().language)  # keep them alive
    return app


def run_window(*, db_url: str | None, smoke: bool, started: float) -> int:
    from ui.common.errors import install_excepthook
    from ui.main_window import MainWindow

    install_excepthook()
    paths.ensure_dirs()
    setup_logging()
    app = create_application(sys.argv[:1])
    try:
        # The daily copy of a large file takes seconds: it runs after the window is up.
        database = open_database(db_url, daily_backup=False)
    except UserError as error:
        log.error("cannot open the database: %s", error.message)
        if smoke:
            print(f"错误：{error.message}", file=sys.stderr)
            return 1
        QMessageBox.critical(None, APP_TITLE, error.message)
        return 1
    window = MainWindow(database, ui_settings(), offer_demo=not smoke)
    window.show()
    if not smoke:
        QTimer.singleShot(2000, window.backups.daily_backup_in_background)
    if smoke:
        app.processEvents()
        elapsed_ms = (time.perf_counter() - started) * 1000
        print(f"start-up {elapsed_ms:.0f} ms")
        QTimer.singleShot(0, window.close)
        QTimer.singleShot(0, app.quit)
    code = app.exec()
    # Let background work end while its objects still exist; queued work is dropped.
    QThreadPool.globalInstance().clear()
    QThreadPool.globalInstance().waitForDone()
    database.close()
    return code
