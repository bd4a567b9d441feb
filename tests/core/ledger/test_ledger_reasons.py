"""The reasons the program writes on ledger entries are recognised for the window (so it can
show them in English); a reason the operator typed stays as typed. Each entry is written by
the real function, so a change of wording there fails here until core/ledger/reasons.py
knows it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from core.common.text import Message
from core.ledger.awards import (
    award_birthdays,
    award_for_activities,
    award_invite,
    award_rule,
    clawback_left_invitees,
    makeup_checkin,
)
from core.ledger.catalogue import RewardSpec, redeem, save_reward, set_redemption_status
from core.ledger.entries import award, expire_due
from core.ledger.reasons import reason_text, with_note
from core.ledger.rules import RuleSpec, save_rule
from db.ledger_models import LedgerEntry
from db.models import Membership, MembershipEvent
from tests.core.ledger.ledger_helpers import T0, activity, community, member


def test_every_reason_the_program_writes_is_recognised(database):
    with database.session() as session:
        m = member(session, birthday=date(1990, 1, 12))
        days = [T0 + timedelta(days=i) for i in range(7)]
        ids = [activity(session, m, "checkin", at) for i, at in enumerate(days) if i != 3]
        award_for_activities(session, ids, now=days[6])  # 每日签到
        makeup_checkin(session, m, days[3].date(), now=days[6])  # 补签, then the streak bonus
        award_birthdays(session, today=date(2026, 1, 12))  # 生日礼
        award_rule(session, [m], "feedback", reason="建议很好", now=days[6])  # 反馈建议：建议很好
        reward = save_reward(session, RewardSpec(name="帆布袋", points_cost=20))
        taken = redeem(session, m, reward, now=days[6])  # 兑换「帆布袋」
        set_redemption_status(session, taken.id, "cancelled", reason="不要了", now=days[6])
        award(session, m, 10, reason="a", expiry_days=1, now=T0)
        expire_due(session, now=T0 + timedelta(days=3))  # 积分到期（有效期至 …）
        group, friend = community(session), member(session, "小张")
        session.add(Membership(member_id=friend, community_id=group, joined_at=T0))
        award_invite(session, m, friend, at=T0, now=T0)
        session.add(
            MembershipEvent(member_id=friend, community_id=group, kind="leave", occurred_at=T0)
        )
        session.execute(update(Membership).where(Membership.member_id == friend).values(left_at=T0))
        clawback_left_invitees(session, now=T0 + timedelta(hours=1))  # 被邀请人…退群
        reasons = session.scalars(select(LedgerEntry.reason).order_by(LedgerEntry.id)).all()

    read = {reason: reason_text(reason) for reason in reasons}
    assert "a" in read and read.pop("a") == "a"  # typed by hand: as typed
    assert all(isinstance(text, Message) for text in read.values()), read
    assert {text.template for text in read.values()} >= {
        "每日签到",
        "补签 {day}",
        "{rule}（{start} 至 {end}）",
        "生日礼",
        "{rule}：{note}",
        "兑换「{reward}」",
        "取消兑换 {code}：{note}",
        "积分到期（有效期至 {day}）",
        "被邀请人在待生效期内退群，邀请奖励收回",
        "邀请好友入群",
    }
    streak = next(t for t in read.values() if t.template == "{rule}（{start} 至 {end}）")
    assert streak.values["rule"].template == "连续签到 7 天"  # the rule's name, translatable
    assert all(text == reason for reason, text in read.items())  # the Chinese is unchanged


def test_a_reason_that_only_looks_like_one_stays_as_typed(database):
    with database.session() as session:
        save_rule(session, RuleSpec("custom:晒单", "custom", "晒单有礼", 15))
        m = member(session)
        award_rule(session, [m], "custom:晒单", reason="第一名", now=T0)
        reason = session.scalars(select(LedgerEntry.reason)).one()
    assert reason == "晒单有礼：第一名"
    assert not isinstance(reason_text(reason), Message)  # the owner's rule name: as typed
    assert not isinstance(reason_text("活动奖励：第一名"), Message)
    assert not isinstance(reason_text(""), Message)


def test_with_note_adds_the_operators_note_only_when_there_is_one():
    assert with_note("反馈建议", "  建议很好 ") == "反馈建议：建议很好"
    assert with_note("取消兑换 ABCD2345", "   ") == "取消兑换 ABCD2345"
    cancelled = reason_text(with_note("取消兑换 ABCD2345", "不要了"))
    assert cancelled.template == "取消兑换 {code}：{note}"
