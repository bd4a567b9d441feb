"""The redeem form's list: each active reward with why this member can't have it now — the
same reasons `redeem` refuses with — and every offered one actually redeems."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.ledger.catalogue import RewardSpec, redeem, redeem_choices, save_reward
from core.ledger.entries import award
from tests.core.ledger.ledger_helpers import member

NOW = datetime(2026, 3, 5, 10)


def test_each_reward_says_why_not_and_the_offered_ones_redeem(database):
    today = NOW.date()
    with database.session() as session:
        zhang = member(session, "张小凡")
        award(session, zhang, 400, reason="开业", now=NOW - timedelta(days=1))
        specs = {
            "帆布袋": RewardSpec("帆布袋", 100, stock=3),
            "音箱": RewardSpec("音箱", 430),
            "杯子": RewardSpec("杯子", 10, stock=1),
            "券": RewardSpec("券", 10, per_member_limit=1),
            "月饼": RewardSpec("月饼", 10, valid_from=today + timedelta(days=3)),
            "粽子": RewardSpec("粽子", 10, valid_until=date(2026, 3, 1)),
            "下架": RewardSpec("下架", 10, active=False),
        }
        ids = {name: save_reward(session, spec) for name, spec in specs.items()}
        redeem(session, zhang, ids["杯子"], now=NOW)
        redeem(session, zhang, ids["券"], now=NOW)
        choices = redeem_choices(session, zhang, now=NOW)
        why = {row.name: reason for row, reason in choices.rewards}
        assert choices.available == 380
        assert why == {
            "帆布袋": None,
            "音箱": "还差 50 分",
            "杯子": "已兑完",
            "券": "每人限兑 1 件，已兑满",
            "月饼": "2026-03-08 起可兑",
            "粽子": "已于 2026-03-01 截止",
        }
        for row, reason in choices.rewards:
            if reason is None:
                redeem(session, zhang, row.id, now=NOW)
