"""Chat insights at 100000 messages (two years, 2000 members, one community): each figure of
core/chat/insights.py, and a baseline in the same run.

    .venv/bin/python bench/chat_insights.py [--messages N]

Baseline: the bare read every hour-based figure needs at least — the community's message
times, fetched (`SELECT sent_at FROM chat_messages WHERE community_id = ?`). Ours groups in
SQL and folds weekdays in Python. Goal: each figure well under a second. SQLite first, then a
throwaway PostgreSQL database when SHEQUN_TEST_PG_URL names a server.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, datetime, timedelta

from common import on_sqlite_then_postgres
from sqlalchemy import insert, select, text

from core.chat import insights
from core.common.database import open_database
from db.chat_models import ChatMessage
from db.models import Community, Member, Membership

RUNS = 3


def fill(database, messages: int) -> int:
    rng = random.Random(18)
    with database.session(write=True) as session:
        community = Community(name="大群", platform="wechat", created_on=date(2024, 1, 1))
        session.add(community)
        session.flush()
        members = [Member(nickname=f"成员{i}", search_text=f"成员{i}") for i in range(2000)]
        session.add_all(members)
        session.flush()
        session.add_all(
            Membership(member_id=m.id, community_id=community.id, joined_at=datetime(2024, 1, 1))
            for m in members
        )
        start = datetime(2024, 12, 1)
        rows = []
        for i in range(messages):
            at = start + timedelta(seconds=rng.randrange(730 * 86400))
            rows.append(
                {
                    "community_id": community.id,
                    "member_id": members[rng.randrange(2000)].id,
                    "sent_at": at.replace(microsecond=0),
                    "kind": "quote" if i % 40 == 0 else "text",
                    "length": 5,
                    "source_ref": f"bench:{i}",
                    "time_known": i % 50 != 0,
                    "quotes_question": (i % 80 == 0) if i % 40 == 0 else None,
                }
            )
        session.execute(insert(ChatMessage), rows)
        session.commit()
    # Fresh statistics, as the server's autovacuum gives them soon after a big import
    # (without them PostgreSQL plans chat_presence as 2000 index scans).
    with database.engine.begin() as connection:  # begin(): connect() would roll ANALYZE back
        connection.exec_driver_sql("ANALYZE")
    return community.id


def timed(work) -> float:
    runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def measure(url: str, messages: int) -> None:
    database = open_database(url, daily_backup=False)
    try:
        community = fill(database, messages)
        now = datetime(2026, 12, 1)
        with database.session() as session:
            session.execute(text("SELECT 1"))
            base = timed(
                lambda: session.execute(
                    select(ChatMessage.sent_at).where(ChatMessage.community_id == community)
                ).all()
            )
            figures = {
                "heat_map": lambda: insights.heat_map(session, community),
                "best_send_times": lambda: insights.best_send_times(session, [community]),
                "chat_presence": lambda: insights.chat_presence(session, community_ids=community),
                "silent_members": lambda: insights.silent_members(session, community, now=now),
                "answer_givers": lambda: insights.answer_givers(session, community),
            }
            print(f"{database.engine.dialect.name}: {messages:,} messages")
            print(f"  baseline (fetch sent_at)   {base * 1000:7.0f} ms")
            for name, work in figures.items():
                took = timed(work)
                print(f"  {name:<26} {took * 1000:7.0f} ms   ×{took / base:.2f} of baseline")
    finally:
        database.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    on_sqlite_then_postgres(measure, "chat-insights.db", args.messages)


if __name__ == "__main__":
    main()
