"""Upper bounds on points and money (db.bounds): each at the limit is taken, past it refused —
by core with one clear line, and by the database's CHECK constraints for raw SQL — and a
refusal changes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from core.common.errors import UserError
from core.ledger.balances import verify_ledger
from core.ledger.catalogue import RewardSpec, find_redemption, find_reward, redeem, save_reward
from core.ledger.entries import (
    Award,
    award,
    award_batch,
    expire_due,
    reverse,
    spend,
)
from core.ledger.rules import RuleSpec, save_rule
from core.members.lookup import find_member
from db.bounds import (
    MAX_BALANCE_POINTS,
    MAX_ENTRY_POINTS,
    MAX_EXPIRY_DAYS,
    MAX_MONEY_CENTS,
    MAX_PENDING_DAYS,
    MAX_PER_MEMBER_LIMIT,
    MAX_STOCK,
    MAX_STREAK_DAYS,
)
from db.ledger_models import LedgerEntry
from tests.core.ledger.ledger_helpers import T0, member

TABLES = (
    "ledger_entries",
    "ledger_allocations",
    "ledger_rules",
    "ledger_rewards",
    "ledger_redemptions",
    "activity_events",
    "member_merges",
)
# Past the bound; what the old program took (2^63 − 1 on SQLite), and past what SQLite or
# PostgreSQL's INTEGER can hold at all.
TOO_MANY_POINTS = (
    MAX_ENTRY_POINTS + 1,
    2_147_483_648,
    9_223_372_036_854_775_807,
    9_223_372_036_854_775_808,
    10**30,
)


def counts(database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in TABLES
        }


def refused(database, work, match: str) -> None:
    """`work(session)` raises a UserError matching `match`, and the database is as it was."""
    before = counts(database)
    with pytest.raises(UserError, match=match), database.session() as session:
        work(session)
    assert counts(database) == before


# ------------------------------------------------------------------------------ core


@pytest.mark.parametrize("points", TOO_MANY_POINTS)
def test_an_award_past_the_entry_bound_is_refused_in_one_line(database, points):
    with database.session() as session:
        m = member(session)
        award(session, m, MAX_ENTRY_POINTS, reason="上限本身可以", now=T0)
    refused(database, lambda s: award(s, m, points, reason="手滑", now=T0), "单笔积分不能超过")
    refused(database, lambda s: spend(s, m, points, reason="手滑", now=T0), "单笔积分不能超过")


def test_a_spend_at_the_bound_is_taken(database):
    with database.session() as session:
        m = member(session)
        award(session, m, MAX_ENTRY_POINTS, reason="a", now=T0)
        award(session, m, MAX_ENTRY_POINTS, reason="b", now=T0)
        posted = spend(session, m, MAX_ENTRY_POINTS, reason="全部", kind="adjust", now=T0)
        assert posted.points == -MAX_ENTRY_POINTS
        assert verify_ledger(session, now=T0) == []


def test_a_member_holds_at_most_the_balance_bound(database):
    per = MAX_BALANCE_POINTS // MAX_ENTRY_POINTS
    with database.session() as session:
        m, other = member(session), member(session, "李四")
        awards = [Award(m, MAX_ENTRY_POINTS, reason="大额") for _ in range(per)]
        assert award_batch(session, awards, now=T0) == per  # exactly the bound
    refused(database, lambda s: award(s, m, 1, reason="再一分", now=T0), "超过单人上限")
    refused(
        database,
        lambda s: award_batch(s, [Award(other, 5), Award(m, 1)], now=T0),
        f"成员 {m} 的积分将达到",
    )
    refused(
        database,
        lambda s: award_batch(s, [Award(other, MAX_ENTRY_POINTS + 1)], now=T0),
        "单笔不能超过",
    )


def test_merging_two_members_past_the_balance_bound_is_refused(database):
    from core.workflows.merging import merge_members

    per = MAX_BALANCE_POINTS // MAX_ENTRY_POINTS // 2 + 1
    with database.session() as session:
        kept, merged = member(session, "张三"), member(session, "张三2")
        for m in (kept, merged):
            award_batch(session, [Award(m, MAX_ENTRY_POINTS, reason="x")] * per, now=T0)
    refused(database, lambda s: merge_members(s, kept, merged), "不能合并")


def test_an_expiry_larger_than_one_entry_is_written_as_several(database):
    with database.session() as session:
        m = member(session)
        for _ in range(3):
            award(session, m, MAX_ENTRY_POINTS - 1, reason="大额", expiry_days=30, now=T0)
        later = T0 + timedelta(days=31)
        preview = expire_due(session, today=later.date(), now=later, dry_run=True)
        done = expire_due(session, today=later.date(), now=later)
        assert (preview.entries, preview.points) == (done.entries, done.points) == (3, 2999997)
        expiries = session.scalars(
            select(LedgerEntry.points).where(LedgerEntry.kind == "expire")
        ).all()
        assert sorted(expiries) == [-MAX_ENTRY_POINTS, -MAX_ENTRY_POINTS, -999997]
        assert verify_ledger(session, now=later) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"points": MAX_ENTRY_POINTS + 1}, "规则的积分不能超过"),
        ({"points": 10**30}, "规则的积分不能超过"),
        ({"daily_cap": MAX_BALANCE_POINTS + 1}, "每日上限不能超过"),
        ({"pending_days": MAX_PENDING_DAYS + 1}, "待生效天数"),
        ({"expiry_days": MAX_EXPIRY_DAYS + 1}, "有效天数"),
        ({"expiry_days": 10**12}, "有效天数"),
        ({"action": "checkin_streak", "params": {"days": MAX_STREAK_DAYS + 1}}, "连续签到天数"),
    ],
)
def test_earn_rules_are_bounded(database, changes, message):
    values = {"code": "custom:晒单", "action": "custom", "name": "晒单", "points": 5}
    with database.session() as session:
        at_limit = {
            "points": MAX_ENTRY_POINTS,
            "daily_cap": MAX_BALANCE_POINTS,
            "pending_days": MAX_PENDING_DAYS,
            "expiry_days": MAX_EXPIRY_DAYS,
        }
        save_rule(session, RuleSpec(**{**values, "code": "custom:上限", **at_limit}))
    spec = RuleSpec(**{**values, **changes})
    if spec.action == "checkin_streak":
        spec = RuleSpec(**{**values, **changes, "code": "checkin_streak", "name": "连签"})
    refused(database, lambda s: save_rule(s, spec), message)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"points_cost": MAX_ENTRY_POINTS + 1}, "兑换所需积分不能超过"),
        ({"points_cost": 10_000_000}, "兑换所需积分不能超过"),  # the old dialog's maximum
        ({"cost_cents": MAX_MONEY_CENTS + 1}, "成本不能超过 10,000,000 元"),
        ({"cost_cents": 2**63}, "成本不能超过"),
        ({"stock": MAX_STOCK + 1}, "库存不能超过"),
        ({"per_member_limit": MAX_PER_MEMBER_LIMIT + 1}, "每人限兑数量不能超过"),
    ],
)
def test_catalogue_prices_and_costs_are_bounded(database, changes, message):
    limits = {
        "points_cost": MAX_ENTRY_POINTS,
        "cost_cents": MAX_MONEY_CENTS,
        "stock": MAX_STOCK,
        "per_member_limit": MAX_PER_MEMBER_LIMIT,
    }
    with database.session() as session:
        reward = save_reward(session, RewardSpec("金条", **limits))
    new = {"name": "金条2", "points_cost": 100, **changes}
    refused(database, lambda s: save_reward(s, RewardSpec(**new)), message)
    edited = {**limits, **changes}
    refused(database, lambda s: save_reward(s, RewardSpec("金条", **edited), reward), message)


def test_a_purchase_past_the_money_bound_or_earning_past_the_entry_bound(database):
    from core.activity.record import NewEvent
    from core.workflows.activity import record_activity

    with database.session() as session:
        m = member(session)
        record_activity(
            session,
            [NewEvent(m, "purchase", T0, amount_cents=MAX_ENTRY_POINTS * 100)],  # ¥1,000,000
            source="manual",
            now=T0,
        )
    too_much = NewEvent(m, "purchase", T0, amount_cents=MAX_MONEY_CENTS + 1)
    refused(database, lambda s: record_activity(s, [too_much], source="manual", now=T0), "1000 万")
    # ¥10,000,000 is a valid purchase, but at 1 point per yuan it earns past one entry.
    at_money_bound = NewEvent(m, "purchase", T0, amount_cents=MAX_MONEY_CENTS)
    refused(
        database,
        lambda s: record_activity(s, [at_money_bound], source="manual", now=T0),
        "单笔不能超过",
    )


@pytest.mark.parametrize("typed", ["99999999999999999999", "2147483648", "９", "²"])
def test_numbers_too_large_for_an_id_are_names_not_overflows(database, typed):
    with database.session() as session:
        member(session)
    refused(database, lambda s: find_member(s, typed), "没有编号或昵称")
    refused(database, lambda s: find_reward(s, typed), "积分商城里没有")
    refused(database, lambda s: find_redemption(s, typed), "没有兑换码")


def test_a_redemption_is_refunded_by_cancelling_it_not_by_reversing_its_spend(database):
    with database.session() as session:
        m = member(session)
        award(session, m, 100, reason="a", now=T0)
        reward = save_reward(session, RewardSpec("帆布袋", 30))
        done = redeem(session, m, reward, now=T0)
    refused(database, lambda s: reverse(s, done.spend_entry_id, reason="x", now=T0), "取消兑换")


# ------------------------------------------------------------------------------ database

# (table, column, at the bound, past it): a raw INSERT at the bound is taken, past it the
# CHECK constraint refuses it.
RAW_BOUNDS = [
    ("ledger_entries", "points", MAX_ENTRY_POINTS, MAX_ENTRY_POINTS + 1),
    ("ledger_entries", "points", -MAX_ENTRY_POINTS, -MAX_ENTRY_POINTS - 1),
    ("ledger_entries", "points", MAX_ENTRY_POINTS, 2_147_483_647),
    ("ledger_allocations", "points", MAX_ENTRY_POINTS, MAX_ENTRY_POINTS + 1),
    ("ledger_allocations", "points", -MAX_ENTRY_POINTS, -MAX_ENTRY_POINTS - 1),
    ("ledger_rules", "points", MAX_ENTRY_POINTS, MAX_ENTRY_POINTS + 1),
    ("ledger_rules", "daily_cap", MAX_BALANCE_POINTS, MAX_BALANCE_POINTS + 1),
    ("ledger_rules", "pending_days", MAX_PENDING_DAYS, MAX_PENDING_DAYS + 1),
    ("ledger_rules", "expiry_days", MAX_EXPIRY_DAYS, MAX_EXPIRY_DAYS + 1),
    ("ledger_rewards", "points_cost", MAX_ENTRY_POINTS, MAX_ENTRY_POINTS + 1),
    ("ledger_rewards", "cost_cents", MAX_MONEY_CENTS, MAX_MONEY_CENTS + 1),
    ("ledger_rewards", "stock", MAX_STOCK, MAX_STOCK + 1),
    ("ledger_rewards", "per_member_limit", MAX_PER_MEMBER_LIMIT, MAX_PER_MEMBER_LIMIT + 1),
    ("ledger_redemptions", "points", MAX_ENTRY_POINTS, MAX_ENTRY_POINTS + 1),
    ("ledger_redemptions", "cost_cents", MAX_MONEY_CENTS, MAX_MONEY_CENTS + 1),
    ("activity_events", "amount_cents", MAX_MONEY_CENTS, MAX_MONEY_CENTS + 1),
    ("activity_events", "amount_cents", 0, -1),
]


def _raw_row(table: str, ids: dict[str, int]) -> dict[str, object]:
    """A valid row of `table` (raw SQL values), to change one column of."""
    at = "2026-01-05 10:00:00"
    return {
        "ledger_entries": {
            "member_id": ids["member"],
            "booked_member_id": ids["member"],
            "kind": "adjust",
            "points": 1,
            "qualifying": False,
            "source": "manual",
            "reference": "",
            "operator": "",
            "reason": "raw",
            "occurred_at": at,
            "recorded_at": at,
        },
        "ledger_allocations": {
            "entry_id": ids["spare_spend"],
            "credit_id": ids["fresh_credit"],
            "points": 1,
        },
        "ledger_rules": {
            "code": "custom:raw",
            "version": 1,
            "action": "custom",
            "name": "raw",
            "points": 1,
            "qualifying": False,
            "pending_days": 0,
            "enabled": True,
            "params": "{}",
            "created_at": at,
            "operator": "",
        },
        "ledger_rewards": {
            "name": "raw",
            "description": "",
            "points_cost": 1,
            "cost_cents": 0,
            "kind": "physical",
            "active": True,
            "created_at": at,
        },
        "ledger_redemptions": {
            "code": "RAWRAW",
            "member_id": ids["member"],
            "reward_id": ids["reward"],
            "points": 1,
            "cost_cents": 0,
            "status": "to_deliver",
            "spend_entry_id": ids["spare_spend"],
            "created_at": at,
            "operator": "",
            "note": "",
        },
        "activity_events": {
            "member_id": ids["member"],
            "kind": "purchase",
            "occurred_at": at,
            "amount_cents": 0,
            "source": "manual",
        },
    }[table]


@pytest.fixture
def raw_ids(database):
    with database.session() as session:
        m = member(session)
        credit = award(session, m, 100, reason="a", now=T0)
        used = spend(session, m, 10, reason="b", now=T0)
        spare = spend(session, m, 10, reason="c", now=T0)
        fresh = award(session, m, 100, reason="d", now=T0)  # nothing allocated to it yet
        reward = save_reward(session, RewardSpec("raw", 1))
    return {
        "member": m,
        "credit": credit,
        "spend": used.entry_id,
        "spare_spend": spare.entry_id,
        "fresh_credit": fresh,
        "reward": reward,
    }


@pytest.mark.parametrize(("table", "column", "at_bound", "past"), RAW_BOUNDS)
def test_raw_sql_past_a_bound_is_refused_by_the_database(
    database, raw_ids, table, column, at_bound, past
):
    row = {**_raw_row(table, raw_ids), column: None}
    names = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    sql = text(f"INSERT INTO {table} ({names}) VALUES ({values})")
    before = counts(database)
    connection = database.engine.connect()
    try:
        with connection.begin() as transaction:  # at the bound: taken, then rolled back
            connection.execute(sql, {**row, column: at_bound})
            transaction.rollback()
        with pytest.raises(DBAPIError, match=r"(?i)check"), connection.begin():
            connection.execute(sql, {**row, column: past})
    finally:
        connection.close()
    assert counts(database) == before


def test_raw_updates_past_a_bound_are_refused_and_change_nothing(database, raw_ids):
    for statement in (
        f"UPDATE ledger_rewards SET points_cost = {MAX_ENTRY_POINTS + 1}",
        f"UPDATE ledger_rewards SET cost_cents = {MAX_MONEY_CENTS + 1}",
        f"UPDATE ledger_rewards SET stock = {MAX_STOCK + 1}",
    ):
        with pytest.raises(DBAPIError, match=r"(?i)check"), database.engine.begin() as c:
            c.execute(text(statement))
    with database.session() as session:
        assert session.execute(
            text("SELECT points_cost, cost_cents, stock FROM ledger_rewards")
        ).all() == [(1, 0, None)]
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 4


def test_a_member_at_the_bound_still_gets_figures(database, tmp_path):
    """Sums over the largest balances stay exact: no overflow anywhere."""
    from core.ledger.balances import balance
    from core.ledger.export import export_ledger
    from core.ledger.liability import liability

    per = MAX_BALANCE_POINTS // MAX_ENTRY_POINTS
    with database.session() as session:
        ids = [member(session, f"大户{n}") for n in range(3)]
        for m in ids:
            award_batch(session, [Award(m, MAX_ENTRY_POINTS, reason="x")] * per, now=T0)
        now = datetime.now()
        assert balance(session, ids[0], now=now).available == MAX_BALANCE_POINTS
        assert liability(session, now=now).outstanding == 3 * MAX_BALANCE_POINTS
        export_ledger(session, tmp_path / "大户.xlsx", statements=False, now=now)
