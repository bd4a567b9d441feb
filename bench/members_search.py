"""Search latency per keystroke and members-tab open time at 100000 members.

    .venv/bin/python bench/members_search.py [--members 100000]

Baseline: the same LIKE query through a bare sqlite3 connection, in the same run. Ours: the
search box's query (core.members.query) through SQLAlchemy, as the tab runs it per keystroke:
the first screenful (what the user sees) and, alongside, every matching id (the scroll bar).
Goal: under 100 ms per keystroke; tab open under 1 s.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time

from common import demo_database

FIRST_SCREEN = 200  # as ui/members/tab.py: the rows the tab shows before the full list

# What operators type, one keystroke at a time.
TYPED = ["zxf", "zhang", "wangli", "王", "李秀", "0016", "wx_a", "阳光", "a-", "lzq", "chen"]


def keystrokes() -> list[str]:
    return [word[:n] for word in TYPED for n in range(1, len(word) + 1)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bare(path: str, queries: list[str]) -> list[float]:
    connection = sqlite3.connect(path)
    times = []
    for text in queries:
        started = time.perf_counter()
        connection.execute(
            "SELECT id FROM members WHERE merged_into_id IS NULL AND (search_text LIKE ? "
            "OR phone_tail = ?) ORDER BY search_pinyin, id",
            (f"%{text.lower()}%", text),
        ).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return times


def ours(url: str, queries: list[str], limit: int | None = None) -> list[float]:
    from core.common.database import open_database
    from core.members.query import MemberFilter, find_member_ids

    database = open_database(url, daily_backup=False)
    times = []
    for text in queries:
        started = time.perf_counter()
        with database.session() as session:
            find_member_ids(session, MemberFilter(text=text), limit=limit)
        times.append((time.perf_counter() - started) * 1000)
    database.close()
    return times


def tab_open(url: str) -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from core.common.database import open_database
    from ui.members.tab import MembersTab

    app = QApplication.instance() or QApplication([])
    database = open_database(url, daily_backup=False)
    started = time.perf_counter()
    tab = MembersTab(database)
    tab.resize(1400, 800)
    tab.show()
    tab.refresh()
    while tab.model.rowCount() == 0:  # the first screenful arrives before the full list
        app.processEvents()
        time.sleep(0.002)
    tab.model.index(0, 0).data()  # the first page of rows, as painted
    app.processEvents()
    elapsed = (time.perf_counter() - started) * 1000
    database.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    args = parser.parse_args()
    url = demo_database(args.members)
    os.environ["SHEQUN_DATA_DIR"] = tempfile.mkdtemp(prefix="shequn-bench-")
    queries = keystrokes()
    path = url.removeprefix("sqlite:///")
    bare(path, queries)  # warm the page cache for both
    bare_times, our_times, first_screen = [], [], []
    for _ in range(3):
        bare_times += bare(path, queries)
        our_times += ours(url, queries)
        first_screen += ours(url, queries, limit=FIRST_SCREEN)
    print(f"members: {args.members}, keystrokes: {len(queries)} × 3")
    print(f"{'':28}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    rows = (
        ("bare sqlite3 LIKE, all ids", bare_times),
        ("search box, all ids", our_times),
        ("search box, first screen", first_screen),
    )
    for name, values in rows:
        print(
            f"{name:28}{statistics.median(values):9.1f}{percentile(values, 0.95):9.1f}"
            f"{max(values):9.1f}"
        )
    print(
        f"ratio p50: {statistics.median(our_times) / statistics.median(bare_times):.2f}x "
        f"(goal: under 100 ms per keystroke)"
    )
    opened = [tab_open(url) for _ in range(3)]
    print(
        f"members tab open to first rows shown: median {statistics.median(opened):.0f} ms "
        f"(goal < 1000 ms)"
    )


if __name__ == "__main__":
    sys.exit(main())
