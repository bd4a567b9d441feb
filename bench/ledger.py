"""Points ledger: one member's statement and balance among 1,000,000 entries, and a batch
award of 100000 entries against a raw executemany of the same rows.

    .venv/bin/python bench/ledger.py [--entries 1000000] [--awards 100000] [--db URL]

Statement + balance: `core.ledger.balances.statement` (every entry with the running balance,
plus the balance figures) for random members, p50/p95 in ms. Goal: under 20 ms.
Batch award: `core.ledger.entries.award_batch` (checks, then bulk insert, in one transaction)
vs. sqlite3's executemany of the same rows, already converted, into the same empty schema.
The 1,000,000-entry database is generated once into bench/out/ and reused.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from common import OUT

ENTRIES_PER_MEMBER = 50


def build(url: str, entries: int) -> None:
    """Members with ~50 entries each: awards over a year, every 10th entry a FEFO spend."""
    from core.common.database import open_database
    from core.ledger.entries import ALLOCATION, AWARD_COLUMNS, ENTRY
    from db.bulk import insert_tuples
    from db.models import Member

    members = entries // ENTRIES_PER_MEMBER
    database = open_database(url, daily_backup=False)
    rng = random.Random(7)
    start = datetime(2025, 1, 1, 9)
    with database.engine.begin() as connection:
        connection.execute(
            Member.__table__.insert(),
            [{"id": m, "nickname": f"成员{m}"} for m in range(1, members + 1)],
        )
        entry_id, rows, allocations = 0, [], []
        for member_id in range(1, members + 1):
            credits: list[list[int]] = []  # [id, remaining], oldest first = FEFO here
            for n in range(ENTRIES_PER_MEMBER):
                entry_id += 1
                at = start + timedelta(days=n * 6, minutes=rng.randrange(600))
                if n % 10 == 9 and sum(c[1] for c in credits) > 0:
                    want = min(rng.randrange(10, 60), sum(c[1] for c in credits))
                    rows.append(
                        (
                            entry_id,
                            member_id,
                            "spend",
                            -want,
                            False,
                            "manual",  # "redemption" spends have a redemption record
                            "",
                            None,
                            None,
                            None,
                            "",
                            "兑换",
                            at,
                            at,
                            None,
                            None,
                            member_id,  # booked_member_id
                            None,
                        )
                    )
                    for credit in credits:
                        take = min(credit[1], want)
                        if take:
                            allocations.append((entry_id, credit[0], take))
                            credit[1] -= take
                            want -= take
                        if not want:
                            break
                else:
                    points = rng.randrange(1, 30)
                    credits.append([entry_id, points])
                    rows.append(
                        (
                            entry_id,
                            member_id,
                            "earn",
                            points,
                            True,
                            "rule",
                            "",
                            None,
                            None,
                            None,
                            "",
                            "签到",
                            at,
                            at,
                            None,
                            (at + timedelta(days=365)).date(),
                            member_id,  # booked_member_id
                            None,
                        )
                    )
            if len(rows) >= 50_000:
                insert_tuples(connection, ENTRY, ("id", *AWARD_COLUMNS), rows)
                insert_tuples(
                    connection, ALLOCATION, ("entry_id", "credit_id", "points"), allocations
                )
                rows, allocations = [], []
        insert_tuples(connection, ENTRY, ("id", *AWARD_COLUMNS), rows)
        insert_tuples(connection, ALLOCATION, ("entry_id", "credit_id", "points"), allocations)
    with database.engine.begin() as connection:  # begin(): connect() would roll ANALYZE back
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE ledger_entries")
            connection.exec_driver_sql("ANALYZE ledger_allocations")
    database.close()


def _has_entries(url: str) -> bool:
    """A --db already filled by an earlier run is reused (building 1,000,000 rows takes minutes)."""
    from sqlalchemy import func, select

    from core.common.database import open_database
    from db.ledger_models import LedgerEntry

    database = open_database(url, daily_backup=False)
    with database.session() as session:
        found = session.scalar(select(func.count()).select_from(LedgerEntry)) > 0
    database.close()
    return found


def statement_times(url: str, members: int, runs: int = 300) -> tuple[list[float], int]:
    from core.common.database import open_database
    from core.ledger.balances import statement

    database = open_database(url, daily_backup=False)
    rng = random.Random(3)
    now = datetime(2025, 12, 1)
    times, lines = [], 0
    for _ in range(runs):
        member_id = rng.randrange(1, members + 1)
        started = time.perf_counter()
        with database.session() as session:
            result = statement(session, member_id, now=now)
        times.append((time.perf_counter() - started) * 1000)
        lines += len(result.lines)
    database.close()
    return times, lines // runs


def batch_award(count: int) -> tuple[float, float]:
    """Seconds for award_batch of `count` awards, and for a raw executemany of the same rows."""
    from core.common.database import open_database
    from core.ledger.entries import AWARD_COLUMNS, Award, award_batch, award_rows
    from db.bulk import _sqlite_rows
    from db.ledger_models import LedgerEntry
    from db.models import Member

    now = datetime(2026, 1, 5, 10)
    awards = [
        Award(
            1 + i % 1000,
            1 + i % 20,
            reason="签到",
            source="rule",
            qualifying=True,
            occurred_at=now,
            expires_on=(now + timedelta(days=365)).date(),
            dedupe_key=f"activity:{i}",
        )
        for i in range(count)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        urls = [f"sqlite:///{Path(tmp) / name}" for name in ("ours.db", "raw.db")]
        for url in urls:
            database = open_database(url, daily_backup=False)
            with database.session() as session:
                session.add_all(
                    Member(id=m, nickname=f"成员{m}", created_at=now, updated_at=now)
                    for m in range(1, 1001)
                )
            database.close()

        database = open_database(urls[0], daily_backup=False)
        started = time.perf_counter()
        with database.session() as session:
            award_batch(session, awards, now=now)
        ours = time.perf_counter() - started
        database.close()

        rows = _sqlite_rows(LedgerEntry.__table__, AWARD_COLUMNS, award_rows(awards, now))
        connection = sqlite3.connect(urls[1].removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        sql = (
            f"INSERT INTO ledger_entries ({', '.join(AWARD_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(AWARD_COLUMNS))})"
        )
        started = time.perf_counter()
        connection.execute("BEGIN")
        connection.executemany(sql, rows)
        connection.execute("COMMIT")
        raw = time.perf_counter() - started
        connection.close()
    return ours, raw


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--awards", type=int, default=100_000)
    parser.add_argument(
        "--db", help="a database URL instead of bench/out (filled when empty, else reused)"
    )
    args = parser.parse_args()

    url = args.db
    if url is None:
        path = OUT / f"ledger-{args.entries}.db"
        url = f"sqlite:///{path}"
        if not path.exists():
            OUT.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial.db")
            partial.unlink(missing_ok=True)
            print(f"generating {args.entries} ledger entries into {path} (once)…", file=sys.stderr)
            started = time.perf_counter()
            build(f"sqlite:///{partial}", args.entries)
            partial.rename(path)
            print(f"generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    elif not _has_entries(url):
        build(url, args.entries)

    members = args.entries // ENTRIES_PER_MEMBER
    times, lines = statement_times(url, members)
    p50, p95 = statistics.median(times), sorted(times)[int(0.95 * len(times))]
    print(
        f"statement + balance, one member of {members} among {args.entries} entries "
        f"({lines} lines): p50 {p50:.1f} ms, p95 {p95:.1f} ms (goal < 20 ms)"
    )

    ours, raw = batch_award(args.awards)
    print(
        f"batch award of {args.awards} entries: {ours:.2f} s; raw executemany {raw:.2f} s; "
        f"ratio {ours / raw:.2f}×"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
