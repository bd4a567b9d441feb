"""Boot the window in Vorta's order: excepthook → data dirs → logging → QApplication →
translators and fonts → database (backup, migrate) → main window."""

from __future__ import annotations

import logging
import sys
import time

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from core.common import paths
from core.common.config import load_config
from core.common.errors import UserError
from core.common.logs import setup_logging
from core.version import __version__
from ui.common.window_settings import ui_settings

log = logging.getLogger(__name__)
APP_TITLE = "社群运营工作台"


def create_application(argv: list[str]) -> QApplication:
    # each step's modules load when the boot order reaches it (module docstring)
    from ui.common.fonts import install_bundled_fonts
    from ui.common.i18n import install_translators
    from ui.common.theme import apply_theme

    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName(APP_TITLE)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("shequn-workbench")
    icon = paths.resource_path("icons", "app.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    install_bundled_fonts(app)
    config = load_config()
    apply_theme(app, config.theme)
    app._translators = install_translators(app, config.language)  # keep them alive
    return app


def run_window(*, db_url: str | None, smoke: bool, started: float) -> int:
    """Show the window at once, then open the database and fill the tabs.

    `--smoke` prints the time to the shown window, waits until the database is open and the
    tabs are built (so a broken database still fails the smoke run), and quits.
    """
    # each step's modules load when the boot order reaches it (module docstring)
    from ui.common.errors import install_excepthook
    from ui.common.i18n import shown
    from ui.main_window import MainWindow

    install_excepthook()
    paths.ensure_dirs()
    setup_logging()
    app = create_application(sys.argv[:1])
    window = MainWindow(None, ui_settings(), offer_demo=not smoke)
    window.show()
    app.processEvents()
    if smoke:
        print(f"start-up {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
    outcome = {"code": 0, "database": None}

    def open_and_attach() -> None:
        # SQLAlchemy after the window is shown (start-up)
        from core.common.database import open_database

        try:
            # The daily copy of a large file takes seconds: it runs once the tabs are up.
            database = open_database(db_url, daily_backup=False)
        except UserError as error:
            log.error("cannot open the database: %s", error.message)
            outcome["code"] = 1
            if smoke:
                print(f"错误：{error.message}", file=sys.stderr)
            else:
                QMessageBox.critical(window, APP_TITLE, shown(error.message))
            app.quit()
            return
        outcome["database"] = database
        window.attach_database(database)
        if smoke:
            app.processEvents()
            print(f"ready {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
            QTimer.singleShot(0, window.close)
            QTimer.singleShot(0, app.quit)
        else:
            QTimer.singleShot(2000, window.backups.daily_backup_in_background)

    QTimer.singleShot(0, open_and_attach)
    app.exec()
    # Let background work end while its objects still exist; queued work is dropped.
    QThreadPool.globalInstance().clear()
    QThreadPool.globalInstance().waitForDone()
    if outcome["database"] is not None:
        outcome["database"].close()
    return outcome["code"]
