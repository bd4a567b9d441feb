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
    parser.add_argument(
        "--select", metavar="TABLE:ROW", help="select a row of a table view (e.g. members_table:0)"
    )
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

    def select() -> None:
        from PySide6.QtWidgets import QAbstractItemView

        name, row = args.select.rsplit(":", 1)
        view = window.findChild(QAbstractItemView, name)
        view.selectRow(int(row))

    if args.select:
        QTimer.singleShot(args.wait_ms // 2, select)
    QTimer.singleShot(args.wait_ms, shoot)
    app.exec()
    database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
