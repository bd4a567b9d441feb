"""积分商城: rewards, redemption, fulfilment, refunds by reversal, and no overdraft even when
two operators redeem for one member at the same moment (two connections)."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

import core.ledger.entries
from core.common.errors import UserError
from core.ledger.balances import balance, statement, verify_ledger
from core.ledger.catalogue import (
    RewardSpec,
    find_redemption,
    list_redemptions,
    list_rewards,
    redeem,
    save_reward,
    set_redemption_status,
)
from core.ledger.entries import award
from db.ledger_models import LedgerEntry, LedgerRedemption
from tests.core.ledger.ledger_helpers import T0, member


def test_redeem_deliver_use_and_the_queue(database):
    with database.session() as session:
        m = member(session)
        award(session, m, 100, reason="a", now=T0)
        bag = save_reward(session, RewardSpec("帆布袋", 30, stock=5, cost_cents=1250))
        done = redeem(session, m, bag, operator="小美", now=T0)
        assert len(done.code) == 8 and find_redemption(session, done.code.lower()) == done.id
        assert balance(session, m, now=T0).available == 70
        assert [r.status for r in list_redemptions(session, statuses=("to_deliver",))] == [
            "to_deliver"
        ]
        set_redemption_status(session, done.id, "delivered", now=T0)
        set_redemption_status(session, done.id, "used", now=T0)
        with pytest.raises(UserError, match="已核销"):
            set_redemption_status(session, done.id, "cancelled", now=T0)
        row = list_rewards(session)[0]
        assert (row.left, row.redeemed) == (4, 1)


def test_cancel_refunds_by_reversal(database):
    with database.session() as session:
        m = member(session)
        award(session, m, 50, reason="a", now=T0)
        bag = save_reward(session, RewardSpec("帆布袋", 30))
        done = redeem(session, m, bag, now=T0)
        set_redemption_status(session, done.id, "cancelled", reason="缺货", now=T0)
        assert balance(session, m, now=T0).available == 50
        record = session.get(LedgerRedemption, done.id)
        refund = session.get(LedgerEntry, record.refund_entry_id)
        assert (refund.kind, refund.reverses_id, refund.points) == (
            "reversal",
            done.spend_entry_id,
            30,
        )
        assert [line.status for line in statement(session, m, now=T0).lines] == [
            "approved",
            "void",
            "approved",
        ]
        assert verify_ledger(session, now=T0) == []


def test_rules_of_the_catalogue_are_enforced(database):
    with database.session() as session:
        m = member(session)
        award(session, m, 1000, reason="a", now=T0)
        one = save_reward(session, RewardSpec("限量杯", 10, stock=1))
        limited = save_reward(session, RewardSpec("试吃", 10, per_member_limit=1))
        later = save_reward(session, RewardSpec("春节礼盒", 10, valid_from=date(2026, 2, 1)))
        off = save_reward(session, RewardSpec("下架", 10, active=False))
        dear = save_reward(session, RewardSpec("大奖", 5000))
        redeem(session, m, one, now=T0)
        redeem(session, m, limited, now=T0)
        for reward, message in (
            (one, "兑完"),
            (limited, "限兑"),
            (later, "起才能"),
            (off, "下架"),
            (dear, "积分不足"),
        ):
            with pytest.raises(UserError, match=message):
                redeem(session, m, reward, now=T0)
        with pytest.raises(UserError, match="库存不能少于"):
            save_reward(session, RewardSpec("限量杯", 10, stock=0), one)
        with pytest.raises(UserError):
            save_reward(session, RewardSpec("", 10))
        with pytest.raises(UserError):
            save_reward(session, RewardSpec("零分", 0))


def test_the_reward_price_at_redemption_is_kept(database):
    with database.session() as session:
        m = member(session)
        award(session, m, 100, reason="a", now=T0)
        bag = save_reward(session, RewardSpec("帆布袋", 30))
        done = redeem(session, m, bag, now=T0)
        save_reward(session, RewardSpec("帆布袋", 60), bag)
        set_redemption_status(session, done.id, "cancelled", now=T0)
        assert balance(session, m, now=T0).available == 100


def _race(database, member_id: int, rewards: list[int]) -> list[str]:
    """Two threads, two connections, redeeming for one member at the same moment (two different
    rewards, so only the member's lock stands between them)."""
    results: list[str] = []
    start = threading.Barrier(2)

    def one(reward_id: int) -> None:
        start.wait()
        try:
            with database.session() as session:
                redeem(session, member_id, reward_id, now=T0 + timedelta(hours=1))
            results.append("ok")
        except UserError as error:
            results.append(error.message)

    threads = [threading.Thread(target=one, args=(reward,)) for reward in rewards]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def slow_balance_check(monkeypatch):
    """Widen the gap between reading the balance and writing the spend to half a second."""
    real = core.ledger.entries.available_credits

    def slow(*args, **kwargs):
        credits = real(*args, **kwargs)
        time.sleep(0.5)
        return credits

    monkeypatch.setattr(core.ledger.entries, "available_credits", slow)


def test_two_operators_redeeming_at_once_never_overdraw(database, slow_balance_check):
    with database.session() as session:
        m = member(session)
        award(session, m, 30, reason="a", now=T0)
        rewards = [save_reward(session, RewardSpec(name, 30)) for name in ("帆布袋", "水杯")]
    results = _race(database, m, rewards)
    assert sorted(results, key=len) == ["ok", "积分不足：可用 0 分，需要 30 分"]
    with database.session() as session:
        assert balance(session, m, now=T0 + timedelta(hours=2)).available == 0
        assert session.scalar(select(func.count()).select_from(LedgerRedemption)) == 1
        assert verify_ledger(session, now=T0 + timedelta(hours=2)) == []


def test_the_race_test_would_catch_a_missing_lock(database, slow_balance_check, monkeypatch):
    """Without the member lock, PostgreSQL lets both spend the same 30 points."""
    if database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time anyway")
    monkeypatch.setattr(core.ledger.entries, "lock_member", lambda session, member_id: None)
    monkeypatch.setattr("core.ledger.catalogue.lock_member", lambda session, member_id: None)
    with database.session() as session:
        m = member(session)
        award(session, m, 30, reason="a", now=T0)
        rewards = [save_reward(session, RewardSpec(name, 30)) for name in ("帆布袋", "水杯")]
    assert _race(database, m, rewards) == ["ok", "ok"]
    with database.session() as session:
        assert balance(session, m, now=T0 + timedelta(hours=2)).available == -30
        assert verify_ledger(session, now=T0 + timedelta(hours=2)) != []
