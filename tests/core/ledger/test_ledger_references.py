"""The journal says what each entry's reference (关联) names, in words, for every key the
ledger writes; a page is described with a fixed number of queries, not one per row."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import event

from core.ledger.awards import (
    award_birthdays,
    award_for_activities,
    award_invite,
    award_rule,
    makeup_checkin,
    streak_key,
)
from core.ledger.balances import JournalFilter, journal
from core.ledger.catalogue import RewardSpec, redeem, save_reward
from core.ledger.entries import award, expire_due, reverse
from core.ledger.rules import RuleSpec, save_rule
from tests.core.ledger.ledger_helpers import activity, member


def _texts(session, **spec) -> dict[str, str]:
    return {r.reference: r.reference_text for r in journal(session, JournalFilter(**spec))}


def test_every_key_the_ledger_writes_reads_as_words(database):
    now = datetime.now()
    today = now.date()
    with database.session() as session:
        zhang = member(session, "张小凡", birthday=date(1990, today.month, min(today.day, 28)))
        li = member(session, "李四")
        event_id = activity(session, zhang, "checkin", datetime(2026, 3, 5, 8, 30))
        award_for_activities(session, [event_id], now=now)
        award_birthdays(session, today=today.replace(day=min(today.day, 28)))
        award_invite(session, zhang, li, now=now)
        award(session, zhang, 500, reason="开业活动", expiry_days=3650, now=now)
        makeup_checkin(session, zhang, today - timedelta(days=3), now=now)
        save_rule(session, RuleSpec("thanks", "custom", "感谢帮忙", 20, qualifying=False))
        award_rule(session, [zhang], "thanks", now=now)
        reward = save_reward(session, RewardSpec("定制帆布袋", 100, stock=3))
        code = redeem(session, zhang, reward, now=now).code
        mistake = award(session, li, 50, reason="发错人", now=now)
        reverse(session, mistake, reason="发错了", now=now)
        award(session, zhang, 7, reason="连签", reference=streak_key(zhang, date(2026, 3, 7)))
        award(session, li, 9, reason="外部订单", reference="订单 A-17", now=now)
        award(session, li, 5, reason="老积分", expiry_days=1, now=datetime(2026, 1, 1, 9))
        expire_due(session, today=date(2026, 1, 10), now=datetime(2026, 1, 10, 0, 5))
        texts = _texts(session)

    year = today.year
    assert texts[f"activity:{event_id}"] == f"行为记录 #{event_id}（签到 · 2026-03-05）"
    assert texts[f"birthday:{zhang}:{year}"] == f"{year} 年生日礼"
    assert texts[f"invite:{li}"] == f"邀请「李四」（成员 #{li}）"
    assert texts[f"makeup:{today - timedelta(days=3)}"] == f"补签 {today - timedelta(days=3)}"
    assert texts["rule:thanks"] == "按规则「感谢帮忙」发放"
    assert texts[f"redemption:{code}"] == f"兑换「定制帆布袋」· 兑换码 {code}"
    assert texts[f"entry:{mistake}"] == f"针对流水 #{mistake}"
    assert texts[f"streak:{zhang}:2026-03-07"] == "连续签到奖励（截至 2026-03-07）"
    assert texts["expiry:2026-01-02"] == "到期积分（有效期至 2026-01-01）"
    assert texts["订单 A-17"] == "订单 A-17"  # a key nobody here wrote stays as it is
    assert texts[""] == ""


def test_a_page_is_described_with_the_same_queries_however_long(database):
    with database.session() as session:
        zhang = member(session)
        li = member(session, "李四")
        for day in range(1, 41):
            event_id = activity(
                session, zhang, "message", datetime(2026, 1, 1) + timedelta(days=day)
            )
            award_for_activities(session, [event_id])
        award_invite(session, zhang, li)

    def count_queries(limit: int) -> int:
        statements = []

        def seen(*_args) -> None:
            statements.append(1)

        with database.session() as session:
            connection = session.connection()
            event.listen(connection, "before_cursor_execute", seen)
            try:
                rows = journal(session, JournalFilter(), limit=limit)
            finally:
                event.remove(connection, "before_cursor_execute", seen)
        assert len(rows) == limit
        return len(statements)

    assert count_queries(41) == count_queries(3)


def test_a_deleted_event_still_reads_as_words(database):
    from db.models import ActivityEvent

    with database.session() as session:
        zhang = member(session)
        event_id = activity(session, zhang, "checkin", datetime(2026, 3, 5, 8))
        award_for_activities(session, [event_id])
        session.delete(session.get(ActivityEvent, event_id))
        session.flush()
        assert _texts(session)[f"activity:{event_id}"] == f"行为记录 #{event_id}（已删除）"
