"""Earn rules (versioned), points for activity (idempotent, capped), streaks, 补签, birthdays,
invite rewards and their clawback."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.common.errors import UserError
from core.ledger.awards import (
    award_birthdays,
    award_for_activities,
    award_invite,
    clawback_left_invitees,
    makeup_checkin,
    run_daily,
)
from core.ledger.balances import balance, qualifying_points_since, verify_ledger
from core.ledger.entries import award
from core.ledger.rules import RuleSpec, current_rules, rule_history, save_rule
from db.ledger_models import LedgerEntry, LedgerRule
from db.models import Membership, MembershipEvent
from tests.core.ledger.ledger_helpers import T0, activity, community, member


def _rule(session, code: str) -> LedgerRule:
    return next(r for r in current_rules(session) if r.code == code)


def _spec(rule: LedgerRule, **changes) -> RuleSpec:
    values = {
        name: getattr(rule, name)
        for name in (
            "code",
            "action",
            "name",
            "points",
            "daily_cap",
            "qualifying",
            "pending_days",
            "expiry_days",
            "enabled",
            "params",
        )
    }
    return RuleSpec(**{**values, **changes})


def test_activity_earns_by_the_rules_once_only(database):
    with database.session() as session:
        m = member(session)
        events = [
            activity(session, m, "checkin", T0),
            activity(session, m, "message", T0),
            activity(session, m, "purchase", T0, amount_cents=12_345),
            activity(session, m, "violation", T0),
        ]
        assert award_for_activities(session, events, now=T0) == 3
        assert award_for_activities(session, events, now=T0) == 0
        b = balance(session, m, now=T0)
        assert b.available == 5 + 1 + 123
        assert b.qualifying == b.available
        refs = session.scalars(select(LedgerEntry.reference).order_by(LedgerEntry.id)).all()
        assert refs == [f"activity:{e}" for e in events[:3]]


def test_daily_cap_counts_earlier_awards_of_the_same_day(database):
    with database.session() as session:
        m = member(session)
        first = [activity(session, m, "message", T0 + timedelta(minutes=i)) for i in range(6)]
        assert award_for_activities(session, first, now=T0) == 6
        more = [
            activity(session, m, "message", T0 + timedelta(hours=1, minutes=i)) for i in range(6)
        ]
        more.append(activity(session, m, "message", T0 + timedelta(days=1)))
        assert award_for_activities(session, more, now=T0) == 5  # 4 to reach 10, 1 next day
        assert balance(session, m, now=T0 + timedelta(days=1)).available == 11


def test_changing_a_rule_writes_a_version_and_keeps_past_entries(database):
    with database.session() as session:
        m = member(session)
        old = _rule(session, "checkin")
        award_for_activities(session, [activity(session, m, "checkin", T0)], now=T0)
        new = save_rule(session, _spec(old, points=8, daily_cap=8), operator="店长")
        assert (new.version, old.version) == (2, 1)
        assert save_rule(session, _spec(new)).id == new.id  # nothing changed, nothing written
        later = T0 + timedelta(days=1)
        award_for_activities(session, [activity(session, m, "checkin", later)], now=later)
        rows = session.execute(
            select(LedgerEntry.points, LedgerEntry.rule_id).order_by(LedgerEntry.id)
        ).all()
        assert rows == [(5, old.id), (8, new.id)]
        assert [r.points for r in rule_history(session, "checkin")] == [5, 8]
        with pytest.raises(UserError):
            save_rule(session, _spec(new, points=-1))


def test_a_disabled_rule_earns_nothing_and_custom_rules_can_be_added(database):
    with database.session() as session:
        m = member(session)
        save_rule(session, _spec(_rule(session, "message"), enabled=False))
        assert award_for_activities(session, [activity(session, m, "message", T0)], now=T0) == 0
        custom = save_rule(
            session, RuleSpec("custom:晒单", "custom", "晒单有礼", 15, qualifying=False)
        )
        assert custom.version == 1 and _rule(session, "custom:晒单").points == 15
        with pytest.raises(UserError, match="自定义"):
            save_rule(session, RuleSpec("new_builtin", "message", "x", 1))


def test_seven_consecutive_checkins_earn_one_bonus_and_the_next_seven_another(database):
    with database.session() as session:
        m = member(session)
        days = [T0 + timedelta(days=i) for i in range(15)]
        ids = [activity(session, m, "checkin", at) for at in days]
        award_for_activities(session, ids[:10], now=days[9])
        award_for_activities(session, ids[10:], now=days[14])
        award_for_activities(session, ids, now=days[14])
        bonuses = session.scalars(
            select(LedgerEntry.occurred_at).where(LedgerEntry.dedupe_key.like("streak:%"))
        ).all()
        assert sorted(b.date() for b in bonuses) == [days[6].date(), days[13].date()]
        assert balance(session, m, now=days[14]).available == 15 * 5 + 2 * 20


def test_makeup_checkin_costs_points_and_completes_a_streak(database):
    with database.session() as session:
        m = member(session)
        days = [T0 + timedelta(days=i) for i in range(7)]
        ids = [activity(session, m, "checkin", at) for i, at in enumerate(days) if i != 3]
        award_for_activities(session, ids, now=days[6])
        assert balance(session, m, now=days[6]).available == 30
        makeup_checkin(session, m, days[3].date(), now=days[6] + timedelta(hours=1))
        # 30 − 10 for the 补签, + 20 for the completed 7-day streak; no check-in points for it.
        assert balance(session, m, now=days[6] + timedelta(hours=2)).available == 40
        with pytest.raises(UserError, match="已经签到"):
            makeup_checkin(session, m, days[3].date(), now=days[6])
        assert verify_ledger(session, now=days[6] + timedelta(hours=2)) == []


def test_makeup_without_points_is_refused(database):
    with database.session() as session:
        m = member(session)
        with pytest.raises(UserError, match="积分不足"):
            makeup_checkin(session, m, date(2026, 1, 1), now=T0)
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_birthday_gift_once_a_year(database):
    with database.session() as session:
        m = member(session, birthday=date(1990, 1, 5))
        member(session, "别人", birthday=date(1990, 1, 6))
        leap = member(session, "闰年", birthday=date(2000, 2, 29))
        assert award_birthdays(session, today=date(2026, 1, 5)) == 1
        assert award_birthdays(session, today=date(2026, 1, 5)) == 0
        assert award_birthdays(session, today=date(2026, 2, 28)) == 1
        assert balance(session, m, now=T0).available == 50
        assert balance(session, leap, now=datetime(2026, 3, 1)).available == 50


def test_invite_reward_is_pending_and_clawed_back_when_the_invitee_leaves(database):
    with database.session() as session:
        group = community(session)
        inviter, stays, leaves = member(session, "老王"), member(session, "小张"), member(session)
        for who in (stays, leaves):
            session.add(Membership(member_id=who, community_id=group, joined_at=T0))
        award_invite(session, inviter, stays, at=T0, now=T0)
        award_invite(session, inviter, leaves, at=T0, now=T0)
        assert award_invite(session, inviter, leaves, at=T0, now=T0) == 0
        left_at = T0 + timedelta(days=3)
        session.add(
            MembershipEvent(member_id=leaves, community_id=group, kind="leave", occurred_at=left_at)
        )
        session.execute(
            Membership.__table__.update()
            .where(Membership.member_id == leaves)
            .values(left_at=left_at)
        )
        assert balance(session, inviter, now=left_at).pending == 100
        assert clawback_left_invitees(session, now=left_at + timedelta(hours=1)) == 1
        assert clawback_left_invitees(session, now=left_at + timedelta(hours=2)) == 0
        b = balance(session, inviter, now=T0 + timedelta(days=8))
        assert (b.available, b.pending, b.qualifying) == (50, 0, 50)
        assert verify_ledger(session, now=T0 + timedelta(days=8)) == []


def test_invite_activity_names_its_invitee_through_source_ref(database):
    with database.session() as session:
        inviter, invitee = member(session, "老王"), member(session, "小张")
        event = activity(session, inviter, "invite", T0, source_ref=f"invitee:{invitee}")
        award_for_activities(session, [event], now=T0)
        entry = session.scalars(select(LedgerEntry)).one()
        assert entry.related_member_id == invitee and entry.pending_until == T0 + timedelta(days=7)


def test_team_members_earn_nothing_and_run_daily_is_idempotent(database):
    with database.session() as session:
        staff, m = member(session, "店员", is_team=True), member(session)
        award_for_activities(session, [activity(session, staff, "checkin", T0)], now=T0)
        award(session, m, 10, reason="a", expiry_days=1, now=T0)
        first = run_daily(session, now=T0 + timedelta(days=2))
        second = run_daily(session, now=T0 + timedelta(days=2))
        assert (first.expired_points, second.expired_points) == (10, 0)
        assert balance(session, staff, now=T0).available == 0


def test_qualifying_points_since_is_a_select_tiering_can_join(database):
    with database.session() as session:
        m = member(session)
        ids = [activity(session, m, "checkin", T0 - timedelta(days=d)) for d in (0, 40)]
        award_for_activities(session, ids, now=T0)
        since = qualifying_points_since(T0 - timedelta(days=30), now=T0).subquery()
        assert session.execute(select(since.c.member_id, since.c.points)).all() == [(m, 5)]
