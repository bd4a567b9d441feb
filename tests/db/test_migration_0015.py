"""Migration 0015 on a database built at 0014, on SQLite and PostgreSQL: an item and its
community and history stay (the SQLite table is rebuilt: its children must not be cascaded
away), every existing item is not evergreen, a copy's link to the item it was recycled from is
cleared when that one is deleted, and the way down and up again works."""

from __future__ import annotations

from datetime import date, datetime

from alembic import command
from sqlalchemy import MetaData, text

from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision
from tests.db.test_migration_0007 import insert
from tests.db.test_migration_0012 import ITEM, _item

T = datetime(2026, 12, 1, 8, 0, 0)


def _count(connection, table: str) -> int:
    return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def test_items_stay_and_are_not_evergreen_and_a_recycled_copy_outlives_its_origin(database_url):
    engine = make_engine(database_url)
    try:
        command.upgrade(alembic_config(engine), "0014")
        with engine.begin() as connection:
            meta = MetaData()
            meta.reflect(connection)
            community = insert(
                connection, meta.tables, "communities", name="烘焙1群", platform="wechat",
                member_cap=500, scan_cap=200, tags=[], created_on=date(2026, 1, 1), archived=False,
            )  # fmt: skip
            connection.execute(text(ITEM), _item(status="sent", sent_at=T, sent_by="小王"))
            connection.execute(
                text(
                    "INSERT INTO content_item_communities (item_id, community_id, sent_at,"
                    " sent_by) VALUES (1, :c, :t, '小王')"
                ),
                {"t": T, "c": community},
            )
            connection.execute(
                text(
                    "INSERT INTO content_item_history (item_id, at, who, action, reason)"
                    " VALUES (1, :t, '小王', 'sent', '')"
                ),
                {"t": T},
            )
        command.upgrade(alembic_config(engine), "0015")
        with engine.begin() as connection:
            assert connection.execute(text("SELECT evergreen FROM content_items")).scalar() in (
                False,
                0,
            )
            assert _count(connection, "content_item_communities") == 1
            assert _count(connection, "content_item_history") == 1
            connection.execute(text("UPDATE content_items SET evergreen = true WHERE id = 1"))
            connection.execute(text(ITEM), _item(title="早安（再发）"))
            connection.execute(text("UPDATE content_items SET recycled_from_id = 1 WHERE id = 2"))
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM content_items WHERE id = 1"))
            assert connection.execute(
                text("SELECT recycled_from_id FROM content_items WHERE id = 2")
            ).one() == (None,)
        command.downgrade(alembic_config(engine), "0014")
        with engine.begin() as connection:
            assert _count(connection, "content_items") == 1
        command.upgrade(alembic_config(engine), "head")
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
