"""按规则发放: a rule given by hand is applied as the rule engine applies it (points, daily cap,
pending days, expiry, qualifying flag, rule version), and refuses what it can't give."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.common.errors import UserError
from core.ledger.awards import award_for_activities, award_rule, awardable_rules
from core.ledger.balances import balance, verify_ledger
from core.ledger.rules import RuleSpec, current_rules, save_rule
from db.ledger_models import LedgerEntry
from tests.core.ledger.ledger_helpers import T0, activity, member


def _entries(session, member_id: int) -> list[LedgerEntry]:
    return list(
        session.scalars(
            select(LedgerEntry).where(LedgerEntry.member_id == member_id).order_by(LedgerEntry.id)
        )
    )


def test_a_custom_rule_is_given_with_its_points_pending_days_expiry_and_flag(database):
    with database.session() as session:
        a, b = member(session), member(session, "李四")
        rule = save_rule(
            session,
            RuleSpec(
                "custom:晒单",
                "custom",
                "晒单有礼",
                15,
                qualifying=True,
                pending_days=3,
                expiry_days=30,
            ),
        )
        done = award_rule(
            session, [a, b], "custom:晒单", reason="6 月活动", operator="小王", now=T0
        )
        assert done.awarded == {a: 15, b: 15} and done.total == 30
        assert not done.capped and not done.skipped
        (entry,) = _entries(session, a)
        assert entry.points == 15 and entry.kind == "earn" and entry.source == "rule"
        assert entry.rule_id == rule.id and entry.qualifying is True
        assert entry.pending_until == T0 + timedelta(days=3)
        assert entry.expires_on == T0.date() + timedelta(days=30)
        assert entry.reason == "晒单有礼：6 月活动" and entry.operator == "小王"
        assert balance(session, a, now=T0).pending == 15
        assert balance(session, a, now=T0 + timedelta(days=3)).available == 15
        assert verify_ledger(session) == []


def test_a_new_version_of_the_rule_applies_from_then_on(database):
    with database.session() as session:
        a = member(session)
        save_rule(session, RuleSpec("custom:x", "custom", "答疑之星", 10, expiry_days=None))
        award_rule(session, [a], "custom:x", now=T0)
        v2 = save_rule(session, RuleSpec("custom:x", "custom", "答疑之星", 25, expiry_days=None))
        award_rule(session, [a], "custom:x", now=T0)
        first, second = _entries(session, a)
        assert (first.points, second.points) == (10, 25)
        assert second.rule_id == v2.id and first.rule_id != v2.id
        assert first.expires_on is None


def test_the_daily_cap_holds_by_hand_and_together_with_activity(database):
    """Decision: a member the cap only partly allows gets the rest of the cap (as activity
    does); a member already at the cap is refused with the reason, and nothing is written."""
    with database.session() as session:
        a, b = member(session), member(session, "李四")
        save_rule(session, RuleSpec("custom:c", "custom", "晒单有礼", 15, daily_cap=20))
        first = award_rule(session, [a], "custom:c", now=T0)
        assert first.awarded == {a: 15}
        second = award_rule(session, [a, b], "custom:c", now=T0 + timedelta(hours=1))
        assert second.awarded == {a: 5, b: 15} and second.capped == (a,)
        with pytest.raises(UserError, match="每日上限"):
            award_rule(session, [a], "custom:c", now=T0 + timedelta(hours=2))
        third = award_rule(session, [a, b], "custom:c", now=T0 + timedelta(hours=3))
        assert third.awarded == {b: 5} and third.skipped == (a,)
        assert sum(e.points for e in _entries(session, a)) == 20
        # The next day the cap starts again.
        assert award_rule(session, [a], "custom:c", now=T0 + timedelta(days=1)).awarded == {a: 15}

        # A built-in rule shares its cap with the activity that earns by it.
        m = member(session, "王五")
        ids = [activity(session, m, "good_post", T0 + timedelta(minutes=i)) for i in range(1)]
        award_for_activities(session, ids, now=T0 + timedelta(hours=1))  # 20 of 40
        done = award_rule(session, [m], "good_post", now=T0 + timedelta(hours=2))
        assert done.awarded == {m: 20}
        with pytest.raises(UserError, match="每日上限"):
            award_rule(session, [m], "good_post", now=T0 + timedelta(hours=3))
        later = activity(session, m, "good_post", T0 + timedelta(hours=4))
        assert award_for_activities(session, [later], now=T0 + timedelta(hours=5)) == 0


def test_refusals_write_nothing(database):
    with database.session() as session:
        a = member(session)
        save_rule(session, RuleSpec("custom:off", "custom", "停用的", 5, enabled=False))
        save_rule(session, RuleSpec("custom:zero", "custom", "零分", 0))
        for code, message in (
            ("custom:nope", "没有代码"),
            ("custom:off", "已停用"),
            ("custom:zero", "为 0"),
            ("makeup_checkin", "补签"),
            ("purchase", "消费金额"),
        ):
            with pytest.raises(UserError, match=message):
                award_rule(session, [a], code, now=T0)
        save_rule(session, RuleSpec("custom:ok", "custom", "好", 5))
        with pytest.raises(UserError, match="没有编号为 9999"):
            award_rule(session, [a, 9999], "custom:ok", now=T0)
        with pytest.raises(UserError, match="选择成员"):
            award_rule(session, [], "custom:ok", now=T0)
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_awardable_rules_are_enabled_ones_that_give_points_custom_first(database):
    with database.session() as session:
        save_rule(session, RuleSpec("custom:a", "custom", "晒单有礼", 15))
        save_rule(session, RuleSpec("custom:off", "custom", "停用的", 5, enabled=False))
        codes = [r.code for r in awardable_rules(session)]
        assert codes[0] == "custom:a"
        assert "custom:off" not in codes and "makeup_checkin" not in codes
        assert "purchase" not in codes and "share" not in codes  # 分享 is off by default
        assert "good_post" in codes and "birthday" in codes
        assert len(current_rules(session)) > len(codes)
