"""The earn rules on many records at once take them a bounded chunk at a time, in (time, id)
order, and write the same ledger as one record at a time: caps, streaks, purchases, invites,
补签, team members and earlier awards of the same day included."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select

from core.ledger import event_order
from core.ledger.awards import award_for_activities, award_rule
from db.ledger_models import LedgerEntry
from db.models import ActivityEvent, Member
from tests.core.ledger.ledger_helpers import T0, activity, member

NOW = T0 + timedelta(days=20)


def _records(session) -> list[int]:
    """Three weeks of mixed activity of four members, written out of time order."""
    a, b, c = member(session, "甲"), member(session, "乙"), member(session, "丙")
    staff = member(session, "店员")
    session.get(Member, staff).is_team = True
    award_rule(session, [a], "message", now=T0 + timedelta(days=3))  # by hand, counts to the cap
    ids = []
    for day in reversed(range(18)):
        at = T0 + timedelta(days=day)
        for who in (a, b, staff):
            ids.append(activity(session, who, "checkin", at))
            ids += [activity(session, who, "message", at + timedelta(minutes=i)) for i in range(7)]
        if day % 5 == 0:
            ids.append(activity(session, c, "purchase", at, amount_cents=1999 * (day + 1)))
        if day != 9:
            ids.append(activity(session, c, "checkin", at))
    ids.append(activity(session, c, "checkin", T0 + timedelta(days=9), source="makeup"))
    ids.append(activity(session, a, "invite", T0, source_ref=f"invitee:{c}"))
    return ids


def _ledger(session) -> list[tuple]:
    return session.execute(
        select(
            LedgerEntry.member_id,
            LedgerEntry.points,
            LedgerEntry.qualifying,
            LedgerEntry.reference,
            LedgerEntry.dedupe_key,
            LedgerEntry.rule_id,
            LedgerEntry.related_member_id,
            LedgerEntry.reason,
            LedgerEntry.occurred_at,
            LedgerEntry.pending_until,
            LedgerEntry.expires_on,
        ).order_by(LedgerEntry.id)
    ).all()


def test_chunks_write_what_one_record_at_a_time_writes(database, monkeypatch):
    with database.session(write=True) as session:
        ids = _records(session)
        by_hand = len(session.execute(select(LedgerEntry.id)).all())
        ordered = session.scalars(
            select(ActivityEvent.id).order_by(ActivityEvent.occurred_at, ActivityEvent.id)
        ).all()
        session.commit()
    with database.session(write=True) as session:
        for event_id in ordered:
            award_for_activities(session, [event_id], now=NOW)
        one_by_one = _ledger(session)
        session.rollback()
    monkeypatch.setattr(event_order, "CHUNK", 7)
    with database.session(write=True) as session:
        written = award_for_activities(session, ids, now=NOW)
        chunked = _ledger(session)
        assert award_for_activities(session, ids, now=NOW) == 0  # idempotent
        session.commit()
    assert written == len(chunked) - by_hand
    assert any((row.dedupe_key or "").startswith("streak:") for row in chunked)
    # One at a time, a streak bonus is written when its check-in comes; in a batch, after.
    assert sorted(chunked) == sorted(one_by_one)


def test_awards_reach_the_database_a_chunk_at_a_time(sqlite_database, monkeypatch):
    monkeypatch.setattr(event_order, "CHUNK", 10)
    with sqlite_database.session(write=True) as session:
        ids = _records(session)
        batches = []

        def count(conn, cursor, statement, parameters, context, executemany):
            if statement.startswith('INSERT INTO "ledger_entries"') or statement.startswith(
                "INSERT INTO ledger_entries"
            ):
                batches.append(len(parameters) if executemany else 1)

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            written = award_for_activities(session, ids, now=NOW)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert sum(batches) == written > 10
    assert max(batches) <= 10
