"""Save a PNG of every page of the main window in one language and theme, to look at.

    QT_QPA_PLATFORM=offscreen:configfile=screen.json \\
        .venv/bin/python scripts/shots.py OUT_DIR --db URL --language en --theme dark

screen.json fixes the screen size (see tests/ui/screen_probe.py); without it the offscreen
screen is 800 × 600. Each page waits for its background loading to finish before the shot;
the sections of a page (its inner tabs) get a shot each too.
Names: OUT_DIR/<language>-<theme>-<index>-<page>[-<section>].png.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QThreadPool
from PySide6.QtWidgets import QTabWidget

from core.common.config import load_config, save_config
from core.common.database import open_database
from ui.app import create_application, ui_settings
from ui.main_window import MainWindow


def settle(app) -> None:
    """Let background loads finish and their results reach the widgets."""
    for _ in range(20):
        QThreadPool.globalInstance().waitForDone(QDeadlineTimer(10_000))
        app.processEvents()
        QCoreApplication.sendPostedEvents()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--db")
    parser.add_argument("--language", default="zh_CN")
    parser.add_argument("--theme", default="light")
    args = parser.parse_args()
    config = load_config()
    config.language, config.theme = args.language, args.theme
    save_config(config)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = create_application(sys.argv[:1])
    database = open_database(args.db, daily_backup=False)
    window = MainWindow(database, ui_settings(), offer_demo=False)
    window.show()
    settle(app)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        settle(app)
        page = window.tabs.widget(index)
        stem = f"{args.language}-{args.theme}-{index}-{page.objectName()}"
        window.grab().save(str(out / f"{stem}.png"))
        print(out / f"{stem}.png")
        for sections in page.findChildren(QTabWidget):
            if not sections.isVisible():
                continue
            for section in range(1, sections.count()):
                sections.setCurrentIndex(section)
                settle(app)
                path = out / f"{stem}-{section}.png"
                window.grab().save(str(path))
                print(path)
            sections.setCurrentIndex(0)
    window.close()
    database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
