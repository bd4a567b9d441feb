"""The 内容日历 month view opening with 5000 items in the month.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/calendar_month.py [--items 5000] [--runs 5]

A fresh SQLite file: 12 communities, `--items` items spread over March 2027 (a third with two
target communities) and as many again in the months around it. Timed, least of `--runs`:
- bare: the SQL that loads the month's rows, by sqlite3 (what any view must at least do);
- read: ui/calendar/data.load_range (items with their communities, holidays and marketing
  nodes, campaign marks), in a session;
- open: the month page shown for that month — the read in the background, the grid laid out
  and painted once (grab) — what the operator waits for.
Goal (issue 19): open < 300 ms; printed as a ratio to the bare query too.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import common  # noqa: F401  (puts the project on sys.path)
from sqlalchemy import insert

from core.common.database import open_database
from db.calendar_models import ContentItem, ContentItemCommunity
from db.models import Community

MONTH = date(2027, 3, 1)


def seed(path: Path, items: int):
    database = open_database(f"sqlite:///{path}", daily_backup=False)
    start = datetime.combine(MONTH, datetime.min.time())
    with database.session() as session:
        session.execute(
            insert(Community), [{"name": f"社群{i:02d}", "tags": []} for i in range(12)]
        )
        ids = [c.id for c in session.query(Community.id).order_by(Community.id)]
        rows = [
            {
                "title": f"内容{n}", "kind": ("text", "image", "qa", "live")[n % 4],
                "body": "正文" * 20,
                "planned_at": start + timedelta(minutes=(n * 31 * 24 * 60) // items),
                "owner": "", "status": "scheduled", "promotional": n % 7 == 0, "notes": "",
                "reviewer_notes": "", "created_at": start, "created_by": "", "updated_at": start,
            }
            for n in range(items)
        ]  # fmt: skip
        rows += [r | {"planned_at": r["planned_at"] - timedelta(days=40)} for r in rows]
        rows += [r | {"planned_at": r["planned_at"] + timedelta(days=80)} for r in rows[:items]]
        session.execute(insert(ContentItem), rows)
        item_ids = [i for (i,) in session.query(ContentItem.id)]
        session.execute(
            insert(ContentItemCommunity),
            [{"item_id": i, "community_id": ids[i % 12]} for i in item_ids]
            + [{"item_id": i, "community_id": ids[(i + 5) % 12]} for i in item_ids[::3]],
        )
    return database


BARE_SQL = (
    "SELECT i.id, i.title, i.kind, i.body, i.planned_at, i.owner, i.status, i.promotional,"
    " i.campaign_id, i.sop_template_id, i.sent_at, i.sent_by, c.id, c.name"
    " FROM content_items i LEFT JOIN content_item_communities l ON l.item_id = i.id"
    " LEFT JOIN communities c ON c.id = l.community_id"
    " WHERE i.planned_at >= ? AND i.planned_at < ? ORDER BY i.planned_at, i.id"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QThreadPool

    from ui.app import create_application
    from ui.calendar.data import load_range, month_grid_first
    from ui.calendar.month_grid import WEEKS
    from ui.calendar.tab import CalendarTab

    app = create_application(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "month.db"
        database = seed(path, args.items)
        first = month_grid_first(MONTH.year, MONTH.month)
        last = first + timedelta(days=WEEKS * 7 - 1)
        bounds = (f"{first} 00:00:00", f"{last + timedelta(days=1)} 00:00:00")
        tab = CalendarTab(database)
        tab.resize(1280, 720)
        tab.anchor = date(2026, 1, 1)
        tab.show()
        grid = tab.page("calendar_month_page").grid
        bare_times, read_times, open_times = [], [], []
        for run in range(args.runs):
            connection = sqlite3.connect(path)
            started = time.perf_counter()
            bare_rows = connection.execute(BARE_SQL, bounds).fetchall()
            bare_times.append(time.perf_counter() - started)
            connection.close()

            with database.session() as session:
                started = time.perf_counter()
                data = load_range(session, first, last)
                read_times.append(time.perf_counter() - started)

            tab.set_anchor(MONTH - timedelta(days=40 + 31 * (run % 2)))  # elsewhere first
            while tab.busy():
                QThreadPool.globalInstance().waitForDone(QDeadlineTimer(10_000))
                app.processEvents()
            started = time.perf_counter()
            tab.set_anchor(MONTH)
            while tab.busy():
                QThreadPool.globalInstance().waitForDone(QDeadlineTimer(10_000))
                app.processEvents()
                QCoreApplication.sendPostedEvents()
            grid.grab()  # one full paint
            open_times.append(time.perf_counter() - started)
        in_month = sum(1 for item in data.items if item.planned_at.date() >= MONTH)
        assert grid.data is not None and len(grid.data.items) == len(data.items)
        bare, read, opened = min(bare_times), min(read_times), min(open_times)
        print(
            f"month view, {in_month} items in {MONTH:%Y-%m} ({len(data.items)} in the 6 weeks"
            f" shown, {len(bare_rows)} rows with targets): bare query {bare * 1000:.0f} ms,"
            f" read {read * 1000:.0f} ms ({read / bare:.1f}×), open (read + lay out + paint)"
            f" {opened * 1000:.0f} ms ({opened / bare:.1f}× the bare query); goal < 300 ms"
        )
        tab.close()
        database.close()


if __name__ == "__main__":
    main()
