"""Migration 0009 on a database built at 0008, on SQLite and PostgreSQL: a redemption already
in the fulfilment queue keeps every value and stays append-only (SQLite rebuilds the table, so
its triggers must come back), the queue takes a campaign prize at no points, and the way down
(dropping campaign prizes) and up again works."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import MetaData, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision
from tests.db.test_migration_0007 import insert

T = datetime(2026, 11, 5, 10, 0, 0)


@pytest.fixture
def old_url(database_url):
    engine = make_engine(database_url)
    command.upgrade(alembic_config(engine), "0008")
    with engine.begin() as connection:
        meta = MetaData()
        meta.reflect(connection)
        t = meta.tables
        member = insert(connection, t, "members", nickname="张三", created_at=T)
        reward = insert(
            connection, t, "ledger_rewards", name="帆布袋", points_cost=50, created_at=T
        )
        earn = insert(
            connection,
            t,
            "ledger_entries",
            member_id=member,
            kind="earn",
            points=80,
            occurred_at=T,
            recorded_at=T,
            booked_member_id=member,
        )
        spend = insert(
            connection,
            t,
            "ledger_entries",
            member_id=member,
            kind="spend",
            points=-50,
            occurred_at=T,
            recorded_at=T,
            booked_member_id=member,
        )
        insert(connection, t, "ledger_allocations", entry_id=spend, credit_id=earn, points=50)
        insert(
            connection,
            t,
            "ledger_redemptions",
            code="ABCD2345",
            member_id=member,
            reward_id=reward,
            points=50,
            status="to_deliver",
            spend_entry_id=spend,
            created_at=T,
        )
    engine.dispose()
    return database_url, member


def test_redemptions_kept_append_only_and_open_to_campaign_prizes(old_url):
    url, member = old_url
    engine = make_engine(url)
    try:
        command.upgrade(alembic_config(engine), "head")
        with engine.begin() as connection:
            row = connection.execute(
                text("SELECT code, points, status, reward_id, prize_name FROM ledger_redemptions")
            ).one()
            assert (row.code, row.points, row.status, row.prize_name) == (
                "ABCD2345",
                50,
                "to_deliver",
                "",
            )
        with pytest.raises((IntegrityError, DBAPIError)), engine.begin() as connection:
            connection.execute(text("UPDATE ledger_redemptions SET points = 1"))
        with pytest.raises((IntegrityError, DBAPIError)), engine.begin() as connection:
            connection.execute(text("DELETE FROM ledger_redemptions"))
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO ledger_redemptions (code, member_id, points, cost_cents, status,"
                    " created_at, operator, note, prize_name, dedupe_key, review_by)"
                    " VALUES ('HELD2345', :m, 0, 500, 'held', :t, '', '', '保温杯',"
                    " 'campaign:1:x', :t)"
                ),
                {"m": member, "t": T},
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(  # points without a spend entry
                text(
                    "INSERT INTO ledger_redemptions (code, member_id, points, cost_cents, status,"
                    " created_at, operator, note, prize_name)"
                    " VALUES ('BAD23456', :m, 5, 0, 'held', :t, '', '', '保温杯')"
                ),
                {"m": member, "t": T},
            )
        command.downgrade(alembic_config(engine), "0008")
        with engine.begin() as connection:
            codes = connection.execute(text("SELECT code FROM ledger_redemptions")).scalars()
            assert list(codes) == ["ABCD2345"]
        with pytest.raises((IntegrityError, DBAPIError)), engine.begin() as connection:
            connection.execute(text("DELETE FROM ledger_redemptions"))
        command.upgrade(alembic_config(engine), "head")
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
