"""Segments at 100000 members / 2.3M events: each segment, `segments list`, and a baseline.

    .venv/bin/python bench/segments.py [--db URL]

Baseline: the three per-member aggregations RFM needs (last activity, active days in 90,
spend in 365) as bare SQL through sqlite3, in the same run: what no RFM can do without.
Ours adds the quintile windows, the fallback check and building the rows in Python.
The demo database is copied first: opening it migrates it and recomputing levels writes.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from common import demo_database

ACTIVE = "('checkin','message','good_post','answer','event','purchase','invite','share','feedback')"


def baseline(path: str, now: datetime) -> float:
    f_since = (now.replace(microsecond=0) - timedelta(days=90)).isoformat(" ")
    m_since = (now.replace(microsecond=0) - timedelta(days=365)).isoformat(" ")
    connection = sqlite3.connect(path)
    started = time.perf_counter()
    connection.execute(
        f"SELECT member_id, max(occurred_at) FROM activity_events WHERE kind IN {ACTIVE} "
        "GROUP BY member_id"
    ).fetchall()
    connection.execute(
        "SELECT member_id, count(DISTINCT substr(occurred_at, 1, 10)) FROM activity_events "
        f"WHERE kind IN {ACTIVE} AND occurred_at >= ? GROUP BY member_id",
        (f_since,),
    ).fetchall()
    connection.execute(
        "SELECT member_id, sum(amount_cents) FROM activity_events "
        "WHERE kind = 'purchase' AND occurred_at >= ? GROUP BY member_id",
        (m_since,),
    ).fetchall()
    connection.close()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="a copy is used; default: the 100000-member demo")
    args = parser.parse_args()
    source = args.db or demo_database()
    work = Path(tempfile.mkdtemp()) / "segments.db"
    shutil.copy(source.removeprefix("sqlite:///"), work)
    url = f"sqlite:///{work}"

    from core.common.database import open_database
    from core.segments import behaviour
    from core.segments.compute import segment_overview
    from core.segments.rfm import compute_rfm
    from core.tiers.recompute import recompute_levels

    database = open_database(url, daily_backup=False)
    now = datetime.now()
    with database.session() as session:
        recompute_levels(session, now=now)  # levels for 流失预警
        session.commit()
    with database.session() as session:
        for name, run in (
            ("RFM (all eight segments)", lambda: len(compute_rfm(session, now).rows)),
            ("流失预警", lambda: len(behaviour.slipping_away(session, now))),
            ("新人活跃", lambda: len(behaviour.new_and_active(session, now))),
            ("本周最投入", lambda: len(behaviour.most_engaged(session, now))),
        ):
            started = time.perf_counter()
            count = run()
            print(f"{name:<26} {time.perf_counter() - started:6.2f} s  ({count:,} members)")
        started = time.perf_counter()
        overview = segment_overview(session, now)
        print(f"{'segments list (all)':<26} {time.perf_counter() - started:6.2f} s")
        ours = overview.seconds
    database.close()
    bare = baseline(str(work), now)
    print(f"{'bare aggregations (sqlite3)':<26} {bare:6.2f} s")
    print(f"ratio segments list / bare aggregations: {ours / bare:.2f}×")
    shutil.rmtree(work.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
