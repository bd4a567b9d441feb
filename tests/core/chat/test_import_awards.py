"""A chat import's points are the points the same messages earn one by one: the import hands
its records to the earn rules in bounded chunks (core.ledger.event_order), and chunks of a few
records — so the database ranks them, and daily caps and the balance bound carry across chunk
boundaries — write the same ledger as one record at a time, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from core.chat.importing.apply import apply_chat_import
from core.chat.importing.plan import plan_chat_import
from core.common.progress import Cancelled
from core.ledger import event_order
from core.ledger.awards import award_for_activities
from core.ledger.rules import RuleSpec, current_rules, save_rule
from core.workflows.chat_import import import_chats
from db.ledger_models import LedgerEntry
from db.models import ActivityEvent, Member
from tests.core.chat import chat_helpers as h

NOW = datetime(2026, 6, 1, 12, 0)


def _tight_message_cap(database) -> None:
    """A cap of 2 a day: several members reach it, so the caps decide what is written."""
    with database.session(write=True) as session:
        rule = next(r for r in current_rules(session) if r.code == "message")
        spec = {name: getattr(rule, name) for name in RuleSpec.__dataclass_fields__}
        save_rule(session, RuleSpec(**{**spec, "daily_cap": 2}))
        session.commit()


def _ledger(session) -> list[tuple]:
    """Every entry, with members named by wxid (or nickname) and activity references by the
    record's place in (time, id) order: ids (and the message keys, which hold the
    community's id) differ between two runs on PostgreSQL (sequences don't roll
    back)."""
    names = {
        member_id: wxid or nickname
        for member_id, wxid, nickname in session.execute(
            select(Member.id, Member.wxid, Member.nickname)
        )
    }
    refs = {
        f"activity:{event_id}": place
        for place, event_id in enumerate(
            session.scalars(
                select(ActivityEvent.id).order_by(ActivityEvent.occurred_at, ActivityEvent.id)
            )
        )
    }
    rows = session.execute(
        select(
            LedgerEntry.member_id,
            LedgerEntry.kind,
            LedgerEntry.points,
            LedgerEntry.qualifying,
            LedgerEntry.source,
            LedgerEntry.reference,
            LedgerEntry.dedupe_key,
            LedgerEntry.rule_id,
            LedgerEntry.related_member_id,
            LedgerEntry.reason,
            LedgerEntry.occurred_at,
            LedgerEntry.recorded_at,
            LedgerEntry.pending_until,
            LedgerEntry.expires_on,
        ).order_by(LedgerEntry.id)
    ).all()
    return [(names[row[0]], *row[1:5], refs[row[5]], refs[row[6]], *row[7:]) for row in rows]


def test_chat_import_awards_equal_the_per_event_awards(database, monkeypatch):
    _tight_message_cap(database)
    with database.session(write=True) as session:
        plan = plan_chat_import(session, h.WECHATMSG, create_communities=True)
        applied = apply_chat_import(session, plan, now=NOW)
        ids = session.scalars(
            select(ActivityEvent.id)
            .where(ActivityEvent.id.in_(applied.recorded.event_ids))
            .order_by(ActivityEvent.occurred_at, ActivityEvent.id)
        ).all()
        for event_id in ids:
            award_for_activities(session, [event_id], now=NOW)
        one_by_one = _ledger(session)
        session.rollback()

    monkeypatch.setattr(event_order, "CHUNK", 16)
    with database.session(write=True) as session:
        plan = plan_chat_import(session, h.WECHATMSG, create_communities=True)
        done = import_chats(session, plan, now=NOW)
        chunked = _ledger(session)
        session.commit()

    assert len(ids) == h.truth()["group1"]["sent_messages"] > 16 * 10
    assert done.points_entries == len(chunked)
    assert 0 < len(chunked) < len(ids)  # the cap of 2 a day held some messages back
    assert chunked == one_by_one


def test_cancel_is_heard_in_the_earn_rules_and_writes_nothing(database):
    """The earn rules are the import's longest step after the messages: a cancel pressed once
    the messages are written stops them too, and the whole import rolls back."""
    written = {"all": False}

    def progress(done: int, total: int) -> None:
        written["all"] = done == total  # the messages are in: the earn rules come next

    with database.session(write=True) as session:
        plan = plan_chat_import(session, h.WECHATMSG, create_communities=True)
        with pytest.raises(Cancelled):
            import_chats(
                session, plan, now=NOW, progress=progress, cancelled=lambda: written["all"]
            )
        session.rollback()
    with database.session() as session:
        for table in (ActivityEvent, LedgerEntry, Member):
            assert session.scalar(select(func.count()).select_from(table)) == 0
