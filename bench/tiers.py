"""Full level recalculation at 100000 members / ≈2.3 M activity events.

    .venv/bin/python bench/tiers.py [--members 100000] [--runs 3]

Baseline: the same aggregation as one hand-written SQL query through a bare sqlite3
connection (GROUP BY member, community; distinct active and check-in days, message and
invite counts in the 100-day window, all-time active days), fetched into Python, in the
same run. Ours: `recompute_levels` from scratch — the aggregation through SQLAlchemy, the
level rule for every membership, and writing every level that changed with its history.
Goal: under 10 s.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from common import demo_database

BASELINE_SQL = """
SELECT member_id, community_id,
  COUNT(DISTINCT CASE WHEN kind != 'violation' AND occurred_at >= :since
        THEN substr(occurred_at, 1, 10) END),
  COUNT(DISTINCT CASE WHEN kind = 'checkin' AND occurred_at >= :since
        THEN substr(occurred_at, 1, 10) END),
  SUM(CASE WHEN kind = 'message' AND occurred_at >= :since THEN 1 ELSE 0 END),
  SUM(CASE WHEN kind = 'invite' AND occurred_at >= :since THEN 1 ELSE 0 END),
  COUNT(DISTINCT CASE WHEN kind != 'violation' THEN substr(occurred_at, 1, 10) END),
  MAX(CASE WHEN kind != 'violation' THEN occurred_at END)
FROM activity_events
WHERE community_id IS NOT NULL AND occurred_at <= :now
GROUP BY member_id, community_id
"""


def reset_levels(path: Path) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("DELETE FROM level_changes")
        connection.execute("UPDATE memberships SET level = 'newcomer', promoted_at = NULL")
    connection.close()


def baseline(path: Path, now: datetime) -> tuple[float, int]:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA cache_size = -64000")
    since = (now - timedelta(days=100)).isoformat(" ")
    started = time.perf_counter()
    rows = connection.execute(BASELINE_SQL, {"since": since, "now": now.isoformat(" ")}).fetchall()
    seconds = time.perf_counter() - started
    connection.close()
    return seconds, len(rows)


def ours(url: str, now: datetime):
    from core.common.database import open_database
    from core.tiers.recompute import recompute_levels

    database = open_database(url, daily_backup=False)
    try:
        with database.session() as session:
            started = time.perf_counter()
            result = recompute_levels(session, now=now)
            session.commit()
            return time.perf_counter() - started, result
    finally:
        database.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    source = Path(demo_database(args.members).removeprefix("sqlite:///"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tiers.db"
        shutil.copyfile(source, path)
        url = f"sqlite:///{path}"
        now = datetime.now()
        ours(url, now)  # migrates the copy and warms the page cache; not timed
        bare, full, steady = [], [], []
        for _ in range(args.runs):
            seconds, groups = baseline(path, now)
            bare.append(seconds)
            reset_levels(path)
            seconds, result = ours(url, now)
            full.append(seconds)
            seconds, unchanged = ours(url, now)
            steady.append(seconds)
        bare_s, full_s, steady_s = (statistics.median(v) for v in (bare, full, steady))
        print(f"members {args.members}, (member, community) groups {groups}")
        print(f"baseline: one hand-written SQL through sqlite3   {bare_s:6.2f} s")
        print(
            f"ours: recompute from scratch                    {full_s:6.2f} s"
            f"  ({result.examined} memberships, {result.promoted} promoted)  "
            f"ratio {full_s / bare_s:.2f}×"
        )
        print(
            f"ours: recompute again, nothing to change        {steady_s:6.2f} s"
            f"  ({unchanged.changed} changed)  ratio {steady_s / bare_s:.2f}×"
        )
        print(f"goal: under 10 s — {'met' if full_s < 10 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
