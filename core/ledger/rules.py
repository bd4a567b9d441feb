"""积分规则: versioned earn rules. A change writes a new version; entries keep the version
that produced them (`rule_id`), so changing a rule never rewrites the past.

The built-in rules are written as version 1 the first time they are needed; after that the
database is the truth and these defaults only name what a fresh shop starts with.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.text import msg
from core.ledger.entries import check_days
from db.bounds import MAX_BALANCE_POINTS, MAX_ENTRY_POINTS, MAX_STREAK_DAYS
from db.ledger_models import RULE_ACTIONS, LedgerRule


@dataclass(frozen=True)
class RuleSpec:
    """The editable part of a rule (one version)."""

    code: str
    action: str
    name: str
    points: int
    daily_cap: int | None = None
    qualifying: bool = True
    pending_days: int = 0
    expiry_days: int | None = 365
    enabled: bool = True
    params: dict | None = None


ACTION_NAMES = {
    "checkin": msg("签到"),
    "checkin_streak": msg("连续签到奖励"),
    "makeup_checkin": msg("补签（扣积分）"),
    "message": msg("发言"),
    "good_post": msg("优质内容"),
    "answer": msg("回答问题"),
    "event": msg("参加活动"),
    "purchase": msg("消费（每元）"),
    "invite": msg("邀请成功"),
    "share": msg("分享"),
    "feedback": msg("反馈建议"),
    "birthday": msg("生日礼"),
    "custom": msg("自定义"),
}

DEFAULT_RULES: tuple[RuleSpec, ...] = (
    RuleSpec("checkin", "checkin", "每日签到", 5, daily_cap=5),
    RuleSpec("checkin_streak", "checkin_streak", "连续签到 7 天", 20, params={"days": 7}),
    RuleSpec("makeup_checkin", "makeup_checkin", "补签一次", 10, qualifying=False),
    RuleSpec("message", "message", "群内发言", 1, daily_cap=10),
    RuleSpec("good_post", "good_post", "优质内容", 20, daily_cap=40),
    RuleSpec("answer", "answer", "回答问题", 3, daily_cap=15),
    RuleSpec("event", "event", "参加活动", 10, daily_cap=30),
    RuleSpec("purchase", "purchase", "消费每 1 元", 1),
    RuleSpec("invite", "invite", "邀请好友入群", 50, pending_days=7),
    # Rewarding shares invites 诱导分享 penalties on WeChat: off unless the owner decides.
    RuleSpec("share", "share", "分享", 2, daily_cap=6, enabled=False),
    RuleSpec("feedback", "feedback", "反馈建议", 5, daily_cap=10),
    RuleSpec("birthday", "birthday", "生日礼", 50, qualifying=False),
)
SPEC_FIELDS = tuple(f.name for f in fields(RuleSpec))


def _spec_of(rule: LedgerRule) -> RuleSpec:
    return RuleSpec(**{name: getattr(rule, name) for name in SPEC_FIELDS})


def ensure_default_rules(session: Session) -> None:
    """Write version 1 of each built-in rule that has no version yet (once per database)."""
    have = set(session.scalars(select(LedgerRule.code).distinct()))
    missing = [spec for spec in DEFAULT_RULES if spec.code not in have]
    if not missing:
        return
    try:
        with session.begin_nested():
            for spec in missing:
                session.add(_row(spec, version=1, operator="系统默认"))
    except IntegrityError:
        pass  # another copy of the program wrote them at the same moment: theirs stand


def _row(spec: RuleSpec, *, version: int, operator: str) -> LedgerRule:
    values: dict[str, Any] = {name: getattr(spec, name) for name in SPEC_FIELDS}
    values["params"] = dict(spec.params or {})
    return LedgerRule(version=version, operator=operator, created_at=datetime.now(), **values)


def current_rules(session: Session) -> list[LedgerRule]:
    """The newest version of every rule (enabled or not), built-ins first."""
    ensure_default_rules(session)
    newest = (
        select(LedgerRule.code, func.max(LedgerRule.version).label("version"))
        .group_by(LedgerRule.code)
        .subquery()
    )
    rules = session.scalars(
        select(LedgerRule).join(
            newest,
            (newest.c.code == LedgerRule.code) & (newest.c.version == LedgerRule.version),
        )
    ).all()
    order = {spec.code: i for i, spec in enumerate(DEFAULT_RULES)}
    return sorted(rules, key=lambda r: (order.get(r.code, len(order)), r.code))


def rules_by_action(session: Session) -> dict[str, LedgerRule]:
    """The current, enabled built-in rule for each action (custom rules are awarded by hand)."""
    return {
        rule.action: rule
        for rule in current_rules(session)
        if rule.enabled and rule.action != "custom" and rule.code == rule.action
    }


def rule_history(session: Session, code: str) -> list[LedgerRule]:
    return list(
        session.scalars(
            select(LedgerRule).where(LedgerRule.code == code).order_by(LedgerRule.version)
        )
    )


def validate(spec: RuleSpec) -> None:
    if spec.action not in RULE_ACTIONS:
        raise UserError(msg("未知的规则类型：{action}", action=spec.action))
    if not spec.name.strip():
        raise UserError(msg("请填写规则名称"))
    if not spec.code.strip() or len(spec.code) > 40:
        raise UserError(msg("规则代码不能为空，且不超过 40 个字符"))
    if spec.points < 0:
        raise UserError(msg("积分不能为负数"))
    if spec.points > MAX_ENTRY_POINTS:
        raise UserError(msg("规则的积分不能超过 {limit:,} 分", limit=MAX_ENTRY_POINTS))
    if spec.daily_cap is not None and spec.daily_cap < 0:
        raise UserError(msg("每日上限不能为负数"))
    if spec.daily_cap is not None and spec.daily_cap > MAX_BALANCE_POINTS:
        raise UserError(msg("每日上限不能超过 {limit:,} 分", limit=MAX_BALANCE_POINTS))
    if spec.pending_days < 0:
        raise UserError(msg("待生效天数不能为负数"))
    if spec.expiry_days is not None and spec.expiry_days <= 0:
        raise UserError(msg("有效天数必须大于 0（留空表示永不过期）"))
    check_days(spec.expiry_days, spec.pending_days)
    if spec.action == "checkin_streak":
        days = (spec.params or {}).get("days")
        if not isinstance(days, int) or days < 2:
            raise UserError(msg("连续签到天数至少为 2"))
        if days > MAX_STREAK_DAYS:
            raise UserError(msg("连续签到天数不能超过 {limit} 天", limit=MAX_STREAK_DAYS))


def save_rule(session: Session, spec: RuleSpec, *, operator: str = "") -> LedgerRule:
    """Write a new version of the rule `spec.code` (or version 1 of a new custom rule).

    Nothing is written when nothing changed.
    """
    validate(spec)
    ensure_default_rules(session)
    history = rule_history(session, spec.code)
    if history:
        if history[-1].action != spec.action:
            raise UserError(msg("规则类型不能修改；请新建一条规则"))
        if _spec_of(history[-1]) == _normalized(spec):
            return history[-1]
    elif spec.action != "custom":
        raise UserError(msg("只能新建「自定义」规则"))
    rule = _row(_normalized(spec), version=len(history) + 1, operator=operator)
    session.add(rule)
    session.flush()
    return rule


def _normalized(spec: RuleSpec) -> RuleSpec:
    values = {name: getattr(spec, name) for name in SPEC_FIELDS}
    values["params"] = dict(spec.params or {})
    values["name"] = spec.name.strip()
    return RuleSpec(**values)


def custom_rule(session: Session, code: str) -> LedgerRule:
    """The current version of a rule by code, for awarding by hand."""
    history = rule_history(session, code)
    if not history:
        raise UserError(msg("没有代码为「{code}」的积分规则", code=code))
    rule = history[-1]
    if not rule.enabled:
        raise UserError(msg("积分规则「{name}」已停用", name=rule.name))
    return rule
