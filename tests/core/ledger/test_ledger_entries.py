"""The journal: awards, FEFO spending, reversal, clawback, expiry, balances, statements,
append-only triggers and verify — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from core.common.errors import UserError
from core.ledger.balances import (
    balance,
    qualifying_points_since,
    statement,
    verify_ledger,
)
from core.ledger.entries import (
    award,
    clawback,
    credit_remaining,
    expire_due,
    for_update,
    reverse,
    spend,
)
from core.ledger.rules import current_rules
from db.ledger_models import LedgerAllocation, LedgerEntry
from db.models import Member
from tests.core.ledger.ledger_helpers import T0, member


def test_award_then_spend_consumes_soonest_expiring_then_oldest_then_never(database):
    with database.session() as session:
        m = member(session)
        never = award(session, m, 10, reason="手工", expiry_days=None, now=T0)
        late = award(session, m, 10, reason="晚到期", expiry_days=300, now=T0)
        old = award(session, m, 10, reason="早获得", expiry_days=100, now=T0)
        young = award(session, m, 10, reason="晚获得", expiry_days=99, now=T0 + timedelta(days=1))
        posted = spend(session, m, 25, reason="兑换", now=T0 + timedelta(days=2))
        # young and old expire the same day (T0+100); the older one goes first, then `late`.
        assert posted.allocations == [(old, 10), (young, 10), (late, 5)]
        assert credit_remaining(session, never) == 10
        b = balance(session, m, now=T0 + timedelta(days=2))
        assert (b.available, b.pending, b.lifetime_earned) == (15, 0, 40)
        assert verify_ledger(session, now=T0 + timedelta(days=2)) == []


def test_overdraft_and_bad_amounts_are_refused_and_change_nothing(database):
    with database.session() as session:
        m = member(session)
        award(session, m, 30, reason="签到", now=T0)
    for points in (31, 0, -5):
        with pytest.raises(UserError), database.session() as session:
            spend(session, m, points, reason="兑换", now=T0)
    with pytest.raises(UserError, match="正整数"), database.session() as session:
        award(session, m, -3, reason="负数", now=T0)
    with pytest.raises(UserError, match="没有编号"), database.session() as session:
        award(session, 999_999, 3, reason="无此人", now=T0)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
        assert balance(session, m, now=T0).available == 30


def test_reversing_a_spend_gives_points_back_to_the_same_awards(database):
    with database.session() as session:
        m = member(session)
        first = award(session, m, 10, reason="a", expiry_days=10, now=T0)
        second = award(session, m, 10, reason="b", expiry_days=20, now=T0)
        used = spend(session, m, 15, reason="兑换", now=T0)
        refund = reverse(session, used.entry_id, reason="取消", now=T0 + timedelta(hours=1))
        assert refund.points == 15
        assert sorted(refund.allocations) == sorted([(first, -10), (second, -5)])
        assert credit_remaining(session, first) == 10 and credit_remaining(session, second) == 10
        with pytest.raises(UserError, match="已被流水"):
            reverse(session, used.entry_id, reason="再来一次", now=T0)
        lines = statement(session, m, now=T0 + timedelta(hours=2)).lines
        assert [line.balance for line in lines] == [10, 20, 5, 20]
        assert lines[2].status == "void" and lines[3].reverses_id == used.entry_id
        assert verify_ledger(session) == []


def test_a_used_award_cannot_be_reversed_whole(database):
    with database.session() as session:
        m = member(session)
        credit = award(session, m, 10, reason="a", now=T0)
        spend(session, m, 4, reason="兑换", now=T0)
        with pytest.raises(UserError, match="已被使用 4 分"):
            reverse(session, credit, reason="发错了", now=T0)


def test_expiry_is_idempotent_and_a_refund_past_its_date_expires_again(database):
    with database.session() as session:
        m = member(session)
        credit = award(session, m, 10, reason="a", expiry_days=30, now=T0)
        award(session, m, 5, reason="b", expiry_days=None, now=T0)
        used = spend(session, m, 4, reason="兑换", now=T0)
        later = T0 + timedelta(days=31)
        first = expire_due(session, now=later)
        assert (first.entries, first.points) == (1, 6)
        assert expire_due(session, now=later).points == 0
        assert expire_due(session, now=later + timedelta(days=1)).points == 0
        assert balance(session, m, now=later).available == 5
        reverse(session, used.entry_id, reason="取消兑换", now=later)
        # The 4 points went back to an award whose date has passed: they expire at once.
        assert credit_remaining(session, credit) == 0
        assert balance(session, m, now=later).available == 5
        assert verify_ledger(session, now=later) == []


def test_spending_never_uses_points_past_their_date_even_before_expiry_ran(database):
    with database.session() as session:
        m = member(session)
        award(session, m, 10, reason="a", expiry_days=30, now=T0)
        with pytest.raises(UserError, match="可用 0"):
            spend(session, m, 1, reason="兑换", now=T0 + timedelta(days=30))


def test_pending_award_is_not_spendable_and_clawback_voids_it(database):
    with database.session() as session:
        inviter, invitee = member(session, "老王"), member(session, "小李")
        entry = award(
            session,
            inviter,
            50,
            reason="邀请",
            pending_days=7,
            qualifying=True,
            related_member_id=invitee,
            now=T0,
        )
        b = balance(session, inviter, now=T0 + timedelta(days=1))
        assert (b.available, b.pending, b.qualifying) == (0, 50, 0)
        with pytest.raises(UserError):
            spend(session, inviter, 1, reason="兑换", now=T0 + timedelta(days=1))
        clawback(session, entry, reason="退群", now=T0 + timedelta(days=2))
        for day in (3, 8):
            b = balance(session, inviter, now=T0 + timedelta(days=day))
            assert (b.available, b.pending, b.qualifying, b.lifetime_earned) == (0, 0, 0, 0)
        assert statement(session, inviter, now=T0).lines[0].status == "void"
        assert verify_ledger(session, now=T0 + timedelta(days=9)) == []


def test_clawback_only_while_pending(database):
    with database.session() as session:
        m = member(session)
        entry = award(session, m, 50, reason="邀请", pending_days=7, now=T0)
        with pytest.raises(UserError, match="待生效期内"):
            clawback(session, entry, reason="晚了", now=T0 + timedelta(days=8))
        assert balance(session, m, now=T0 + timedelta(days=8)).available == 50


def test_balance_expiring_soon_and_qualifying_points_since(database):
    with database.session() as session:
        m, other = member(session), member(session, "李四")
        award(session, m, 7, reason="快到期", expiry_days=20, qualifying=True, now=T0)
        award(session, m, 9, reason="不急", expiry_days=200, qualifying=True, now=T0)
        voided = award(session, m, 4, reason="冲掉", qualifying=True, now=T0 + timedelta(days=3))
        reverse(session, voided, reason="发错", now=T0 + timedelta(days=3))
        award(session, other, 3, reason="早", qualifying=True, now=T0 - timedelta(days=10))
        award(session, other, 100, reason="不计入", now=T0)
        b = balance(session, m, now=T0 + timedelta(days=1))
        assert (b.available, b.qualifying, b.expiring_soon) == (16, 16, 7)
        rows = dict(session.execute(qualifying_points_since(T0, now=T0 + timedelta(days=5))).all())
        assert rows == {m: 16}


def test_raw_update_and_delete_are_refused_by_the_database(database):
    with database.session() as session:
        m, kept = member(session), member(session, "另一个")
        entry = award(session, m, 10, reason="a", now=T0)
        spend(session, m, 3, reason="b", now=T0)
        current_rules(session)  # the built-in rules' first versions
    for statement_text in (
        f"UPDATE ledger_entries SET points = 1000 WHERE id = {entry}",
        f"UPDATE ledger_entries SET reason = 'x' WHERE id = {entry}",
        f"DELETE FROM ledger_entries WHERE id = {entry}",
        "UPDATE ledger_allocations SET points = 1",
        "DELETE FROM ledger_allocations",
        "UPDATE ledger_rules SET points = 1",
        # Handing an entry to another member: only along a recorded merge (tests in
        # test_ledger_moves.py).
        f"UPDATE ledger_entries SET member_id = {kept} WHERE id = {entry}",
    ):
        with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as c:
            c.execute(text(statement_text))
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(LedgerAllocation)) == 1
        assert session.get(LedgerEntry, entry).points == 10


def test_postgresql_refuses_truncate(database):
    if database.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
        connection.execute(text("TRUNCATE ledger_entries CASCADE"))


def test_verify_reports_an_allocation_that_does_not_add_up(database):
    with database.session() as session:
        m = member(session)
        award(session, m, 10, reason="a", now=T0)
        used = spend(session, m, 3, reason="b", now=T0)
        other = award(session, m, 5, reason="c", now=T0)
        # A bug (not possible through the code) that over-allocates: verify must see it.
        session.add(LedgerAllocation(entry_id=used.entry_id, credit_id=other, points=9))
        session.flush()
        problems = verify_ledger(session, now=T0)
        assert {p.entry_id for p in problems} >= {used.entry_id, other}


def test_merged_member_cannot_receive_points(database):
    from core.workflows.merging import merge_members

    with database.session() as session:
        kept, merged = member(session, "张三"), member(session, "张三2")
        merge_members(session, kept, merged)
        with pytest.raises(UserError, match="已合并"):
            award(session, merged, 5, reason="a", now=T0)


def test_merge_moves_every_entry_and_redemption_and_says_when_undo_would_break_it(database):
    from core.ledger.catalogue import RewardSpec, list_redemptions, redeem, save_reward
    from core.ledger.merges import undo_blocker
    from core.workflows.merging import merge_members, undo_merge

    with database.session() as session:
        kept, merged, invitee = member(session, "张三"), member(session, "张三2"), member(session)
        award(session, kept, 10, reason="a", now=T0)
        award(session, merged, 40, reason="b", now=T0)
        award(session, kept, 5, reason="邀请", related_member_id=merged, pending_days=7, now=T0)
        award(session, merged, 5, reason="邀请", related_member_id=invitee, now=T0)
        reward = save_reward(session, RewardSpec("帆布袋", 20))
        redeem(session, merged, reward, now=T0)
        merge_id = merge_members(session, kept, merged)
        now = T0 + timedelta(days=10)
        assert balance(session, kept, now=now).available == 40
        assert balance(session, merged, now=now).available == 0
        assert [r.member_id for r in list_redemptions(session)] == [kept]
        assert undo_blocker(session, merge_id) is None
        used = spend(session, kept, 40, reason="全部用掉", now=now)
        assert verify_ledger(session, now=now) == []
        assert "不能撤销" in undo_blocker(session, merge_id)
        reverse(session, used.entry_id, reason="冲正也无济于事", now=now)
        # The reversal gives back to the merged member's awards: still tied across the two.
        assert "不能撤销" in undo_blocker(session, merge_id)
        entries_before = session.scalar(select(func.count()).select_from(LedgerEntry))
        with pytest.raises(UserError, match="不能撤销"):
            undo_merge(session, merge_id)
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == entries_before
        assert verify_ledger(session, now=now) == []


def test_merge_then_undo_without_shared_spending(database):
    from core.workflows.merging import merge_members, undo_merge

    with database.session() as session:
        kept, merged = member(session, "张三"), member(session, "张三2")
        award(session, kept, 10, reason="a", now=T0)
        award(session, merged, 40, reason="b", now=T0)
        merge_id = merge_members(session, kept, merged)
        assert balance(session, kept, now=T0).available == 50
        undo_merge(session, merge_id)
        assert balance(session, kept, now=T0).available == 10
        assert balance(session, merged, now=T0).available == 40
        assert verify_ledger(session, now=T0) == []


def test_statement_shows_expiry_as_last_valid_day(database):
    with database.session() as session:
        m = member(session)
        award(session, m, 10, reason="a", expiry_days=365, now=T0)
        line = statement(session, m, now=T0).lines[0]
        assert line.expires_on == date(2027, 1, 5)
        assert line.occurred_at == T0 and isinstance(line.occurred_at, datetime)


def test_for_update_holds_the_rows_it_read_until_the_transaction_ends(database):
    with database.session() as session:
        m = member(session)
    with database.session() as first, database.session() as second:
        query = select(Member.id).where(Member.id == m)
        assert first.scalar(for_update(first, query, key_share=True)) == m
        if first.get_bind().dialect.name == "sqlite":
            # No row locks: the query is left as it is (the write lock queues the writers).
            assert for_update(first, query) is query
            return
        with pytest.raises(OperationalError, match="could not obtain lock"):
            second.scalar(query.with_for_update(nowait=True))
