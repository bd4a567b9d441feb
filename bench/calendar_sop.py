"""The content calendar's SOP generation and month query.

    .venv/bin/python bench/calendar_sop.py [--communities 300] [--items 5000] [--runs 3]

1. A year (52 weeks) of recurring SOP items for 300 communities, two ways:
   shared — 每日早安 (daily), 每周干货 (weekly) and 会员日 (monthly) each aimed at all 300
   communities (one item per occurrence, 300 target rows each);
   per community — each community its own daily template (300 × 365 items).
   Each through core/calendar/sop.apply_template, then run again (it must add nothing), vs a
   bare sqlite3 executemany of the same item and target rows. Goal (issue 19): < 5 s.
2. The month's items query with 5000 items in the month (core/calendar/items.list_items: the
   items with their community names) vs the bare SQL that loads the same rows, least of
   `--runs` interleaved runs. Goal: the month view opens in < 300 ms (this is its query).

SQLite, a fresh file each part (the per-community year also on PostgreSQL when
SHEQUN_TEST_PG_URL names a server). Times are wall-clock seconds.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import common  # puts the project on sys.path
from sqlalchemy import insert

from core.calendar.items import list_items
from core.calendar.sop import apply_template, create_template
from core.common.database import open_database
from db.calendar_models import ContentItem, ContentItemCommunity
from db.models import Community

NOW = datetime(2027, 1, 1, 0, 0)


def _fresh(folder: Path, name: str, communities: int):
    database = open_database(f"sqlite:///{folder / name}", daily_backup=False)
    with database.session() as session:
        session.execute(
            insert(Community), [{"name": f"社群{i:03d}", "tags": []} for i in range(communities)]
        )
    with database.session() as session:
        ids = [c.id for c in session.query(Community.id).order_by(Community.id)]
    return database, ids


def _timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def generate(folder: Path, communities: int) -> None:
    shared_specs = [
        ("每日早安", "FREQ=DAILY", datetime(2026, 1, 1, 8)),
        ("每周干货", "FREQ=WEEKLY;BYDAY=WE", datetime(2026, 1, 7, 20)),
        ("会员日", "FREQ=MONTHLY;BYMONTHDAY=15", datetime(2026, 1, 15, 20)),
    ]
    database, ids = _fresh(folder, "shared.db", communities)
    with database.session() as session:
        for name, rule, start in shared_specs:
            create_template(session, name, rule=rule, starts_at=start, community_ids=ids)

    def shared():
        with database.session() as session:
            return [apply_template(session, n, weeks=52, now=NOW) for n, _, _ in shared_specs]

    first, results = _timed(shared)
    again, repeat = _timed(shared)
    items = sum(r.added for r in results)
    assert sum(r.added for r in repeat) == 0
    print(f"shared: {items} items × {communities} communities = {items * communities} targets:"
          f" {first:.2f} s (again, adding nothing: {again:.2f} s)")  # fmt: skip
    database.close()

    database, ids = _fresh(folder, "own.db", communities)
    with database.session() as session:
        for cid in ids:
            create_template(
                session, f"早安{cid}", rule="FREQ=DAILY", starts_at=datetime(2026, 1, 1, 8),
                community_ids=[cid],
            )  # fmt: skip

    def own():
        with database.session() as session:
            return [apply_template(session, f"早安{cid}", weeks=52, now=NOW).added for cid in ids]

    first_own, added = _timed(own)
    again_own, repeat_own = _timed(own)
    assert sum(repeat_own) == 0
    database.close()

    # Bare: the same item and target rows by sqlite3 executemany into the same (empty) tables
    # with their indexes, nothing checked.
    _fresh(folder, "bare.db", communities)[0].close()
    bare_db = sqlite3.connect(folder / "bare.db")
    started = time.perf_counter()
    rows = []
    for cid in ids:
        day = NOW.replace(hour=8)
        for n in range(364):
            when = (day + timedelta(days=n)).isoformat(sep=" ", timespec="microseconds")
            rows.append((cid * 1000 + n, "早安", "text", "", when, "", "scheduled", 0, "", "",
                         cid, when, when, "", when))  # fmt: skip
    bare_db.executemany(
        "INSERT INTO content_items (id, title, kind, body, planned_at, owner, status,"
        " promotional, notes, reviewer_notes, sop_template_id, sop_occurrence, created_at,"
        " created_by, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    bare_db.executemany(
        "INSERT INTO content_item_communities (item_id, community_id) VALUES (?, ?)",
        [(r[0], r[10]) for r in rows],
    )
    bare_db.commit()
    bare = time.perf_counter() - started
    bare_db.close()
    print(f"per community: {sum(added)} items ({communities} templates): {first_own:.2f} s"
          f" (again: {again_own:.2f} s); bare executemany {bare:.2f} s,"
          f" ratio {first_own / bare:.1f}×; goal < 5 s")  # fmt: skip


def per_community_on(url: str, communities: int) -> None:
    """The per-community year on any database (bench/common: SQLite, then PostgreSQL when
    SHEQUN_TEST_PG_URL names a server): each community its own daily template."""
    database = open_database(url, daily_backup=False)
    with database.session() as session:
        session.execute(
            insert(Community), [{"name": f"社群{i:03d}", "tags": []} for i in range(communities)]
        )
        ids = [c.id for c in session.query(Community.id).order_by(Community.id)]
        for cid in ids:
            create_template(
                session, f"早安{cid}", rule="FREQ=DAILY", starts_at=datetime(2026, 1, 1, 8),
                community_ids=[cid],
            )  # fmt: skip

    def own():
        with database.session() as session:
            return [apply_template(session, f"早安{cid}", weeks=52, now=NOW).added for cid in ids]

    cpu = time.process_time()
    took, added = _timed(own)
    cpu = time.process_time() - cpu
    again, _ = _timed(own)
    print(f"  {database.engine.dialect.name}: {sum(added)} items: {took:.2f} s"
          f" ({cpu:.2f} s of this process's CPU; again: {again:.2f} s)")  # fmt: skip
    database.close()


def month(folder: Path, items: int, runs: int) -> None:
    database, ids = _fresh(folder, "month.db", 12)
    start = datetime(2027, 3, 1)
    with database.session() as session:
        rows = [
            {
                "title": f"内容{n}",
                "kind": "text",
                "body": "正文" * 20,
                "planned_at": start + timedelta(minutes=(n * 31 * 24 * 60) // items),
                "owner": "",
                "status": "scheduled",
                "promotional": n % 7 == 0,
                "notes": "",
                "reviewer_notes": "",
                "created_at": start,
                "created_by": "",
                "updated_at": start,
            }
            for n in range(items)
        ]
        # and the months around it, which the query must skip
        rows += [r | {"planned_at": r["planned_at"] - timedelta(days=40)} for r in rows]
        rows += [r | {"planned_at": r["planned_at"] + timedelta(days=80)} for r in rows[:items]]
        session.execute(insert(ContentItem), rows)
        item_ids = [i for (i,) in session.query(ContentItem.id)]
        session.execute(
            insert(ContentItemCommunity),
            [{"item_id": i, "community_id": ids[i % 12]} for i in item_ids]
            + [{"item_id": i, "community_id": ids[(i + 5) % 12]} for i in item_ids[::3]],
        )
    end = datetime(2027, 4, 1)
    bare_sql = (
        "SELECT i.id, i.title, i.kind, i.body, i.planned_at, i.owner, i.status, i.promotional,"
        " i.campaign_id, i.sop_template_id, i.sent_at, i.sent_by, c.id, c.name"
        " FROM content_items i LEFT JOIN content_item_communities l ON l.item_id = i.id"
        " LEFT JOIN communities c ON c.id = l.community_id"
        " WHERE i.planned_at >= ? AND i.planned_at < ? ORDER BY i.planned_at, i.id"
    )
    bounds = (start.isoformat(sep=" "), end.isoformat(sep=" "))
    ours_times, bare_times = [], []
    for _ in range(runs):
        with database.session() as session:
            took, got = _timed(lambda: list_items(session, start, end, now=start))
        ours_times.append(took)
        connection = sqlite3.connect(folder / "month.db")
        took, bare_rows = _timed(lambda: connection.execute(bare_sql, bounds).fetchall())  # noqa: B023
        connection.close()
        bare_times.append(took)
    assert len(got) == items
    ours, bare = min(ours_times), min(bare_times)
    print(f"month query, {items} items ({len(bare_rows)} rows with targets) among {len(rows)}:"
          f" ours {ours * 1000:.0f} ms, bare {bare * 1000:.0f} ms, ratio {ours / bare:.1f}×;"
          " goal < 300 ms")  # fmt: skip
    database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=300)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), args.communities)
        print("per community, by database (CPU time: the figure a loaded machine moves least):")
        common.on_sqlite_then_postgres(per_community_on, "calendar_sop.db", args.communities)
        month(Path(tmp), args.items, args.runs)


if __name__ == "__main__":
    main()
