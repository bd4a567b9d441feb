"""Migration 0007 on a database built at 0006 holding values past the new bounds (as the old
program let anyone write them), on SQLite and PostgreSQL: the file opens, every figure works,
the awards past the bound are neutralised by a logged reversal or adjustment, history is kept
and named in the constraints, and nothing new can pass them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Integer,
    MetaData,
    String,
    Text,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError

from core.common.database import open_database
from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision

T = datetime(2026, 1, 5, 10, 0, 0)
SQLITE_HUGE = 9_223_372_036_854_775_807  # what `ledger award --points` took on SQLite
PG_HUGE = 2_147_483_647  # the most PostgreSQL's INTEGER took


def _filler(column):
    kind = type(column.type)
    if isinstance(column.type, Boolean):
        return False
    if isinstance(column.type, DateTime):
        return T
    if isinstance(column.type, JSON):
        return {}
    if isinstance(column.type, Integer):
        return 0
    if isinstance(column.type, String | Text):
        return ""
    raise AssertionError(f"no filler for {column} ({kind})")


def insert(connection, tables, table_name: str, /, **values) -> int:
    """A row the way the 0006 schema takes it: required columns not given get a blank."""
    table = tables[table_name]
    for column in table.c:
        if column.name in values or column.nullable or column.primary_key:
            continue
        if column.server_default is None:
            values[column.name] = _filler(column)
    return connection.execute(table.insert().values(**values)).inserted_primary_key[0]


@pytest.fixture
def old_url(database_url):
    """A database at 0006 holding out-of-range points, prices, costs and a purchase."""
    engine = make_engine(database_url)
    command.upgrade(alembic_config(engine), "0006")
    sqlite = engine.dialect.name == "sqlite"
    huge = SQLITE_HUGE if sqlite else PG_HUGE
    ids = {}
    with engine.begin() as connection:
        meta = MetaData()
        meta.reflect(connection)
        t = meta.tables
        for key, name in (("zhang", "张三"), ("li", "李四"), ("wang", "王五"), ("zhao", "张三2")):
            ids[key] = insert(connection, t, "members", nickname=name, custom_fields={})

        def entry(member, points, kind="earn", **values):
            return insert(
                connection,
                t,
                "ledger_entries",
                member_id=ids[member],
                kind=kind,
                points=points,
                reason=values.pop("reason", "旧数据"),
                occurred_at=T,
                recorded_at=T,
                **values,
            )

        ids["normal"] = entry("zhang", 10, expires_on=date(2027, 1, 1))
        ids["huge"] = entry("zhang", huge, reason="手滑")  # unused: reversed
        ids["big"] = entry("li", 5_000_000)  # partly used: what is left is voided
        ids["small_spend"] = entry("li", -100, kind="spend")
        insert(
            connection,
            t,
            "ledger_allocations",
            entry_id=ids["small_spend"],
            credit_id=ids["big"],
            points=100,
        )
        # A reward priced past the bound, redeemed: history, kept as it is.
        ids["prize"] = insert(
            connection,
            t,
            "ledger_rewards",
            name="金条",
            points_cost=1_500_000,
            cost_cents=2_000_000_000,
            stock=5_000_000,
            active=True,
        )
        ids["prize_credit"] = entry("wang", 1_500_000)
        ids["prize_spend"] = entry(
            "wang", -1_500_000, kind="spend", source="redemption", reference="redemption:GOLD"
        )
        ids["prize_allocation"] = insert(
            connection,
            t,
            "ledger_allocations",
            entry_id=ids["prize_spend"],
            credit_id=ids["prize_credit"],
            points=1_500_000,
        )
        ids["redemption"] = insert(
            connection,
            t,
            "ledger_redemptions",
            code="GOLD",
            member_id=ids["wang"],
            reward_id=ids["prize"],
            points=1_500_000,
            cost_cents=2_000_000_000,
            status="to_deliver",
            spend_entry_id=ids["prize_spend"],
        )
        # 张三2 was merged into 张三 at 0006: the entry moved with the merge.
        ids["moved"] = entry("zhang", 20, reason="张三2 的积分")
        connection.execute(
            t["members"].update().where(t["members"].c.id == ids["zhao"]),
            {"merged_into_id": ids["zhang"]},
        )
        ids["merge"] = insert(
            connection,
            t,
            "member_merges",
            kept_id=ids["zhang"],
            merged_id=ids["zhao"],
            merged_at=T,
            moved={"version": 1, "rows": {"ledger_entries": [ids["moved"]]}},
        )
        ids["rule"] = insert(
            connection,
            t,
            "ledger_rules",
            code="custom:大奖",
            version=1,
            action="custom",
            name="大奖",
            points=5_000_000,
            pending_days=10_000,
            enabled=True,
            params={},
        )
        ids["purchase"] = insert(
            connection,
            t,
            "activity_events",
            member_id=ids["li"],
            kind="purchase",
            occurred_at=T,
            amount_cents=5_000_000_000 if sqlite else 2_000_000_000,
            source="import",
        )
    engine.dispose()
    return database_url, ids, huge


def test_out_of_range_values_are_neutralised_logged_and_kept(old_url, tmp_path):
    from core.ledger.balances import balance, verify_ledger
    from core.ledger.entries import award
    from core.ledger.export import export_ledger
    from core.ledger.liability import liability
    from db.ledger_models import LedgerEntry, LedgerReward, LedgerRule
    from db.models import DataRepair

    url, ids, huge = old_url
    database = open_database(url, daily_backup=False)
    try:
        assert current_revision(database.engine) == head_revision()
        with database.session() as session:
            assert verify_ledger(session) == []
            # The huge award is reversed, in full, by an entry that says why.
            reversal = session.scalar(
                select(LedgerEntry).where(LedgerEntry.reverses_id == ids["huge"])
            )
            kept_points = session.get(LedgerEntry, ids["huge"]).points
            assert kept_points == min(huge, 2_147_483_647)
            assert reversal.points == -kept_points and reversal.kind == "reversal"
            assert "超出单笔上限" in reversal.reason and reversal.operator.startswith("系统")
            assert (f"原为 {huge} 分" in reversal.reason) == (huge > 2**31)
            # Partly used: what is left is voided by an adjustment.
            assert balance(session, ids["li"]).available == 0
            assert balance(session, ids["zhang"]).available == 30  # 10 + the merged 20
            assert balance(session, ids["wang"]).available == 0
            actions = {
                (r.table_name, r.row_id, r.action)
                for r in session.scalars(select(DataRepair)).all()
            }
            assert ("ledger_entries", ids["huge"], "reversed") in actions
            assert ("ledger_entries", ids["big"], "adjusted") in actions
            assert ("ledger_entries", ids["prize_spend"], "kept") in actions
            assert ("ledger_redemptions", ids["redemption"], "kept") in actions
            assert ("activity_events", ids["purchase"], "kept") in actions
            assert (("ledger_entries", ids["huge"], "clamped") in actions) == (huge > 2**31)
            # The reward is clamped to the bounds and off sale; the rule has a new version.
            prize = session.get(LedgerReward, ids["prize"])
            assert (prize.points_cost, prize.cost_cents, prize.stock, prize.active) == (
                1_000_000,
                1_000_000_000,
                1_000_000,
                False,
            )
            rule = session.scalar(
                select(LedgerRule).where(LedgerRule.code == "custom:大奖", LedgerRule.version == 2)
            )
            assert (rule.points, rule.pending_days, rule.enabled) == (1_000_000, 365, False)
            # Every figure adds up without overflow; the member can be given points again.
            figures = liability(session)
            assert figures.outstanding == 30
            export_ledger(session, tmp_path / "积分.xlsx")
            award(session, ids["zhang"], 5, reason="又来了")
            assert balance(session, ids["zhang"]).available == 35
    finally:
        database.close()


def test_after_the_upgrade_nothing_new_passes_the_bounds(old_url):
    url, ids, _ = old_url
    database = open_database(url, daily_backup=False)
    try:
        for statement in (
            # A kept row's id with another value, and a new row at the bound + 1.
            f"INSERT INTO ledger_allocations (entry_id, credit_id, points)"
            f" VALUES ({ids['small_spend']}, {ids['prize_credit']}, 1000001)",
            "UPDATE ledger_rewards SET points_cost = 1000001",
            "UPDATE activity_events SET amount_cents = 1000000001",
            f"INSERT INTO activity_events (member_id, kind, occurred_at, amount_cents, source)"
            f" VALUES ({ids['li']}, 'purchase', '2026-01-05 10:00:00', 1000000001, 'x')",
        ):
            with pytest.raises(DBAPIError, match=r"(?i)check"), database.engine.begin() as c:
                c.execute(text(statement))
        with database.engine.connect() as connection:
            amounts = connection.execute(text("SELECT amount_cents FROM activity_events")).all()
            costs = connection.execute(text("SELECT points_cost FROM ledger_rewards")).all()
        sqlite = database.engine.dialect.name == "sqlite"
        assert amounts == [(5_000_000_000 if sqlite else 2_000_000_000,)]
        assert costs == [(1_000_000,)]
    finally:
        database.close()


def test_a_merge_recorded_before_the_upgrade_can_still_be_undone(old_url):
    from core.ledger.balances import balance, verify_ledger
    from core.workflows.merging import undo_merge
    from db.ledger_models import LedgerEntry

    url, ids, _ = old_url
    database = open_database(url, daily_backup=False)
    try:
        with database.session() as session:
            moved = session.get(LedgerEntry, ids["moved"])
            assert (moved.member_id, moved.booked_member_id) == (ids["zhang"], ids["zhao"])
            undo_merge(session, ids["merge"])
            assert balance(session, ids["zhao"]).available == 20
            assert verify_ledger(session) == []
    finally:
        database.close()


def test_downgrade_and_upgrade_again(old_url):
    url, _, _ = old_url
    open_database(url, daily_backup=False).close()
    engine = make_engine(url)
    try:
        command.downgrade(alembic_config(engine), "0006")
        assert current_revision(engine) == "0006"
        columns = {c["name"] for c in inspect(engine).get_columns("ledger_entries")}
        assert "booked_member_id" not in columns
        assert "data_repairs" not in inspect(engine).get_table_names()
        command.upgrade(alembic_config(engine), "head")
        with engine.connect() as connection:
            kept = connection.execute(
                text("SELECT count(*) FROM data_repairs WHERE action = 'kept'")
            ).scalar()
        assert kept > 0  # the second upgrade named the rows it kept again
    finally:
        engine.dispose()
