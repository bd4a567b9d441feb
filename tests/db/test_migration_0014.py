"""Migration 0014 on a database built at 0013, on SQLite and PostgreSQL: chat messages keep
every value and gain `time_known` (true for the rows already there) and `quotes_question`
(unknown); the way down drops them and up again works."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import MetaData, text

from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision
from tests.db.test_migration_0007 import insert

T = datetime(2026, 11, 5, 10, 0, 0)


def test_chat_messages_gain_time_known_and_quotes_question(database_url):
    engine = make_engine(database_url)
    try:
        command.upgrade(alembic_config(engine), "0013")
        with engine.begin() as connection:
            meta = MetaData()
            meta.reflect(connection)
            member = insert(connection, meta.tables, "members", nickname="张三", created_at=T)
            community = insert(
                connection, meta.tables, "communities", name="一群", platform="wechat",
                created_on=T.date(), member_cap=500, scan_cap=200,
            )  # fmt: skip
            insert(
                connection, meta.tables, "chat_messages", community_id=community,
                member_id=member, sent_at=T, kind="text", length=3, source_ref="chat:1:a",
            )  # fmt: skip
        command.upgrade(alembic_config(engine), "head")
        assert current_revision(engine) == head_revision()
        with engine.begin() as connection:
            rows = connection.execute(
                text("SELECT source_ref, length, time_known, quotes_question FROM chat_messages")
            ).all()
            assert [tuple(row) for row in rows] == [("chat:1:a", 3, True, None)]
            connection.execute(
                text(
                    "INSERT INTO chat_messages (community_id, member_id, sent_at, kind, length,"
                    " source_ref, quotes_question) VALUES (:c, :m, :t, 'quote', 1, 'chat:1:b',"
                    " :q)"
                ),
                {"c": community, "m": member, "t": T, "q": True},
            )
            assert connection.execute(
                text("SELECT time_known FROM chat_messages WHERE source_ref = 'chat:1:b'")
            ).scalar() in (True, 1)
        command.downgrade(alembic_config(engine), "0013")
        with engine.begin() as connection:
            refs = connection.execute(text("SELECT source_ref FROM chat_messages")).scalars()
            assert sorted(refs) == ["chat:1:a", "chat:1:b"]
        command.upgrade(alembic_config(engine), "head")
    finally:
        engine.dispose()
