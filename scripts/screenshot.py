"""Save a PNG of the main window (offscreen), for looking at what a change did to the screen.

.venv/bin/python scripts/screenshot.py OUT.png [--db URL] [--tab INDEX] [--size 1280x800]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer

from core.common.database import open_database
from ui.app import create_application, ui_settings
from ui.main_window import MainWindow


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--db")
    parser.add_argument("--tab", type=int, default=0)
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--wait-ms", type=int, default=1500)
    args = parser.parse_args()
    app = create_application(sys.argv[:1])
    database = open_database(args.db, daily_backup=False)
    window = MainWindow(database, ui_settings(), offer_demo=False)
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.tabs.setCurrentIndex(args.tab)
    window.show()

    def shoot() -> None:
        window.grab().save(args.out)
        print(args.out)
        app.quit()

    QTimer.singleShot(args.wait_ms, shoot)
    app.exec()
    database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
