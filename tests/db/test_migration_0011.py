"""Migration 0011 on a database built at 0009, on SQLite and PostgreSQL: activity records
keep every value and index while the kind check takes reply and redpacket (SQLite rebuilds
the table), the chat tables come, and the way down (dropping the new kinds' records) and up
again works."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.exc import IntegrityError

from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision
from tests.db.test_migration_0007 import insert

T = datetime(2026, 11, 5, 10, 0, 0)


def test_activity_kept_new_kinds_and_chat_tables(database_url):
    engine = make_engine(database_url)
    try:
        command.upgrade(alembic_config(engine), "0009")
        with engine.begin() as connection:
            meta = MetaData()
            meta.reflect(connection)
            member = insert(connection, meta.tables, "members", nickname="张三", created_at=T)
            insert(
                connection, meta.tables, "activity_events", member_id=member, kind="message",
                occurred_at=T, amount_cents=0, source="chat", source_ref="chat:1:x",
            )  # fmt: skip
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO activity_events (member_id, kind, occurred_at, amount_cents,"
                    " source) VALUES (:m, 'reply', :t, 0, 'chat')"
                ),
                {"m": member, "t": T},
            )
        command.upgrade(alembic_config(engine), "head")
        assert current_revision(engine) == head_revision()
        with engine.begin() as connection:
            kept = connection.execute(
                text("SELECT member_id, kind, source_ref FROM activity_events")
            ).all()
            assert [tuple(row) for row in kept] == [(member, "message", "chat:1:x")]
            connection.execute(
                text(
                    "INSERT INTO activity_events (member_id, kind, occurred_at, amount_cents,"
                    " source) VALUES (:m, 'reply', :t, 0, 'chat')"
                ),
                {"m": member, "t": T},
            )
        found = inspect(engine)
        assert {"community_chats", "community_names", "chat_messages"} <= set(
            found.get_table_names()
        )
        assert {ix["name"] for ix in found.get_indexes("activity_events")} >= {
            "ix_activity_member_community_time",
            "ix_activity_community_time",
            "ix_activity_events_source_ref",
        }
        command.downgrade(alembic_config(engine), "0009")
        with engine.begin() as connection:
            kinds = connection.execute(text("SELECT kind FROM activity_events")).scalars().all()
            assert kinds == ["message"]
        command.upgrade(alembic_config(engine), "head")
    finally:
        engine.dispose()
