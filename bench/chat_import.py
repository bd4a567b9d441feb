"""Importing a 1,000,000-message WeChatMsg CSV (two years of an active group), against a bare
pass in the same run: csv.reader over the same file plus executemany of the same activity rows
(member, community, kind, time, source, key) into the same table, in batches as ours writes.

The import's own work (plan: read and resolve; apply: memberships, one activity record and one
chat message row per message, edges) is timed against that baseline; the earn rules and the
level recompute after it are timed on their own, against their own bare step in the same run:
one INSERT … SELECT of an award row per activity row (the message rule's columns, its
'activity:<id>' key) — every row, where the rules' daily cap writes fewer. Peak memory: the
process's max RSS after the import and after the whole chain (they run first, before the
baselines hold anything).

    .venv/bin/python bench/chat_import.py [messages] [--pg URL] [--import-only]
"""

from __future__ import annotations

import csv
import hashlib
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Date, String, cast, func, insert, literal, select, true  # noqa: E402

from bench.chat_parse import generate  # noqa: E402
from core.chat.importing.apply import apply_chat_import  # noqa: E402
from core.chat.importing.plan import plan_chat_import  # noqa: E402
from core.common.database import open_database  # noqa: E402
from core.communities.registry import create_community, new_fields  # noqa: E402
from core.ledger.entries import AWARD_COLUMNS  # noqa: E402
from core.ledger.rules import rules_by_action  # noqa: E402
from core.workflows.chat_import import points_and_levels_after_chat  # noqa: E402
from db.bulk import insert_tuples  # noqa: E402
from db.ledger_models import LedgerEntry  # noqa: E402
from db.models import ActivityEvent, Member  # noqa: E402

BATCH = 20_000
NAME = "样例大群"


def fresh(url: str | None, folder: Path, label: str):
    return open_database(url or f"sqlite:///{folder / (label + '.db')}", daily_backup=False)


def ours(
    url: str | None, folder: Path, path: Path, after_too: bool = True
) -> tuple[float, float, int, int, float]:
    database = fresh(url, folder, "ours")
    try:
        with database.session(write=True) as session:
            began = time.perf_counter()
            plan = plan_chat_import(session, path, create_communities=True)
            applied = apply_chat_import(session, plan)
            own = time.perf_counter() - began
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            began = time.perf_counter()
            entries = 0
            if after_too:
                entries = points_and_levels_after_chat(session, applied).points_entries
            after = time.perf_counter() - began
            session.commit()
        return own, after, applied.messages_added, entries, rss
    finally:
        database.close()


def bare_awards(database) -> tuple[float, int]:
    """One INSERT … SELECT of the message rule's award for every activity row."""
    with database.session(write=True) as session:
        rule = rules_by_action(session)["message"]
        event = ActivityEvent.__table__
        now = datetime.now()
        if session.get_bind().dialect.name == "sqlite":
            expires = func.date(event.c.occurred_at, f"+{rule.expiry_days} days")
        else:
            expires = cast(event.c.occurred_at, Date) + rule.expiry_days
        key = literal("activity:") + cast(event.c.id, String)
        values = select(
            event.c.member_id, literal("earn"), literal(rule.points), true(), literal("rule"),
            key, key, literal(rule.id), literal(None), literal(""), literal(rule.name),
            event.c.occurred_at, literal(now), literal(None), expires, event.c.member_id,
            literal(None),
        )  # fmt: skip
        began = time.perf_counter()
        written = session.execute(
            insert(LedgerEntry.__table__).from_select(list(AWARD_COLUMNS), values)
        ).rowcount
        elapsed = time.perf_counter() - began
        session.commit()
    return elapsed, written


def bare(url: str | None, folder: Path, path: Path) -> tuple[float, int, float, int]:
    """csv.reader + executemany of the same rows, members already there (by wxid)."""
    database = fresh(url, folder, "bare")
    try:
        with database.session(write=True) as session:
            fields = new_fields(session)
            fields.name = NAME
            community = create_community(session, fields)
            now = datetime.now()
            for i in range(800):
                session.add(
                    Member(nickname=f"会员{i:05d}", wxid=f"wxid_bench{i:05d}", created_at=now,
                           updated_at=now)
                )  # fmt: skip
            session.flush()
            ids = {wxid: id_ for wxid, id_ in session.execute(select(Member.wxid, Member.id))}
            session.commit()
        with database.session(write=True) as session:
            connection = session.connection()
            columns = ("member_id", "community_id", "kind", "occurred_at", "amount_cents",
                       "source", "source_ref")  # fmt: skip
            began = time.perf_counter()
            written = 0
            batch = []
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = csv.reader(handle)
                next(rows)
                for row in rows:
                    if row[2] == "10000":
                        continue
                    ref = hashlib.blake2b(f"1|id|{row[0]}".encode(), digest_size=16).hexdigest()
                    batch.append(
                        (ids[row[11]], community, "message",
                         datetime.fromtimestamp(int(row[5])), 0, "chat", "chat:1:" + ref)
                    )  # fmt: skip
                    if len(batch) >= BATCH:
                        written += insert_tuples(
                            connection, ActivityEvent.__table__, columns, batch
                        )
                        batch = []
            written += insert_tuples(connection, ActivityEvent.__table__, columns, batch)
            elapsed = time.perf_counter() - began
            session.commit()
        awards_elapsed, awards = bare_awards(database)
        return elapsed, written, awards_elapsed, awards
    finally:
        database.close()


def main() -> None:
    args = sys.argv[1:]
    after_too = "--import-only" not in args
    args = [a for a in args if a != "--import-only"]
    url = None
    if "--pg" in args:
        url = args[args.index("--pg") + 1]
        args = args[: args.index("--pg")]
    count = int(args[0]) if args else 1_000_000
    if url:
        print("PostgreSQL: run each side on its own empty database URL", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / f"{NAME}_utf8.csv"
        began = time.perf_counter()
        generate(path, count)
        size = path.stat().st_size
        print(
            f"generated {count:,} rows, {size / 1e6:.0f} MB in {time.perf_counter() - began:.1f} s"
        )
        own, after, messages, entries, rss = ours(url, folder, path, after_too)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        base, written, base_awards, awards = bare(url, folder, path)
        print(f"bare csv + executemany : {base:7.1f} s  {written:,} activity rows")
        print(f"chat import (own work) : {own:7.1f} s  {messages:,} messages")
        print(f"ratio                  : {own / base:.2f}x (goal ≤ 2×)")
        if after_too:
            print(f"bare INSERT … SELECT   : {base_awards:7.1f} s  {awards:,} award rows")
            print(f"earn rules + levels    : {after:7.1f} s  {entries:,} ledger entries (the cap)")
            print(f"ratio                  : {after / base_awards:.2f}x")
        print(f"process max RSS        : {rss:.0f} MB after the import (goal < 500 MB)")
        print(f"                         {rss_after:.0f} MB after the whole chain (goal < 500 MB)")


if __name__ == "__main__":
    main()
