"""Property tests: random sequences of earn / spend / expire / reverse / clawback, with time
passing. After every step the balance equals the sum of the entries and of the awards' remaining
points, never goes negative, spending follows FEFO, expiry is idempotent, verify is clean, and
a refused step changes nothing."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.common.errors import UserError
from core.ledger.balances import balance, verify_ledger
from core.ledger.entries import (
    ENTRY,
    available_credits,
    award,
    clawback,
    expire_due,
    reverse,
    spend,
)
from core.members.editing import create_member
from tests.core.ledger.ledger_helpers import T0

earn = st.tuples(
    st.just("earn"),
    st.integers(0, 1),
    st.integers(1, 60),
    st.sampled_from([None, 1, 5, 20, 60]),
    st.sampled_from([0, 0, 0, 3]),
)
take = st.tuples(st.just("spend"), st.integers(0, 1), st.integers(1, 90))
undo = st.tuples(st.sampled_from(["reverse", "clawback"]), st.integers(0, 10_000))
wait = st.tuples(st.just("wait"), st.integers(0, 30))
steps = st.lists(st.one_of(earn, earn, take, undo, wait, st.just(("expire",))), max_size=25)


def fefo_key(credit):
    return (credit.expires_on is None, credit.expires_on, credit.occurred_at, credit.id)


def check(session, members, now) -> None:
    for m in members:
        b = balance(session, m, now=now)
        settled = session.scalar(
            select(func.coalesce(func.sum(ENTRY.c.points), 0)).where(
                ENTRY.c.member_id == m,
                (ENTRY.c.pending_until.is_(None)) | (ENTRY.c.pending_until <= now),
            )
        )
        assert b.available == settled >= 0
        assert b.available == sum(c.remaining for c in available_credits(session, m, now))
    assert verify_ledger(session, now=now) == []


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_random_sequences_keep_the_books_straight(database, steps):
    session = database.session_factory()
    session.begin()
    try:
        members = [create_member(session, "甲"), create_member(session, "乙")]
        now = T0
        for step in steps:
            kind = step[0]
            if kind == "wait":
                now += timedelta(days=step[1], hours=1)
                continue
            before = session.scalar(select(func.count()).select_from(ENTRY))
            nested = session.begin_nested()
            try:
                if kind == "earn":
                    _, who, points, expiry, pending = step
                    award(
                        session,
                        members[who],
                        points,
                        reason="随机",
                        expiry_days=expiry,
                        pending_days=pending,
                        qualifying=True,
                        now=now,
                    )
                elif kind == "spend":
                    _, who, points = step
                    credits = available_credits(session, members[who], now)
                    posted = spend(session, members[who], points, reason="随机", now=now)
                    # FEFO: nothing left behind ranks before what this spend drained.
                    drained = [c for c in credits if c.id in {a for a, _ in posted.allocations}]
                    after = {c.id: c for c in available_credits(session, members[who], now)}
                    last = max(drained, key=fefo_key)
                    for credit in drained:
                        if credit.id != last.id:
                            assert credit.id not in after
                    for credit in after.values():
                        if credit.id != last.id:
                            assert fefo_key(credit) > fefo_key(last)
                elif kind == "expire":
                    expire_due(session, now=now)
                    assert expire_due(session, now=now).points == 0
                else:
                    ids = session.scalars(select(ENTRY.c.id).order_by(ENTRY.c.id)).all()
                    if ids:
                        target = ids[step[1] % len(ids)]
                        operation = reverse if kind == "reverse" else clawback
                        operation(session, target, reason="随机", now=now)
                nested.commit()
            except UserError:
                nested.rollback()
                assert session.scalar(select(func.count()).select_from(ENTRY)) == before
            check(session, members, now)
    finally:
        session.rollback()
        session.close()
