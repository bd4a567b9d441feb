"""Activity kinds (行为) with their Chinese names and default weights.

Weights follow DOMAIN.md (Orbit style, 1–12; a violation counts against). They are settings,
so an owner who values answers above check-ins can say so.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.settings_store import get_setting, set_setting
from core.common.text import msg

KIND_LABELS = {
    "checkin": msg("签到"),
    "message": msg("发言"),
    "good_post": msg("优质内容"),
    "answer": msg("回答问题"),
    "event": msg("参加活动"),
    "purchase": msg("购买"),
    "invite": msg("邀请成功"),
    "share": msg("分享"),
    "feedback": msg("反馈"),
    "violation": msg("违规"),
    "reply": msg("引用回复"),  # chat history: a message quoting another's
    "redpacket": msg("发红包"),  # chat history
}
DEFAULT_WEIGHTS = {
    "checkin": 1,
    "message": 1,
    "good_post": 8,
    "answer": 5,
    "event": 6,
    "purchase": 10,
    "invite": 12,
    "share": 3,
    "feedback": 4,
    "violation": -10,
    "reply": 2,
    "redpacket": 3,
}
WEIGHTS_KEY = "activity.weights"
# Kinds that make a day an active day (a violation does not).
ACTIVE_KINDS = tuple(kind for kind in KIND_LABELS if kind != "violation")


def is_active_kind(kind_column):
    """`kind_column IN ACTIVE_KINDS` as SQL, written `!= 'violation'`: the column's CHECK
    constraint (db.models.ACTIVITY_KINDS, the kinds here; tests/core/tiers/test_decide.py
    checks they agree) makes the two the same, and a scan of millions of events then compares
    one string per row instead of searching a list of eleven."""
    return kind_column != "violation"


MIN_WEIGHT, MAX_WEIGHT = -20, 20


def save_kind_weights(session: Session, weights: dict[str, int]) -> dict[str, int]:
    """Store the weights after checking them; a bad value changes nothing."""

    clean = {}
    for kind, weight in weights.items():
        if kind not in DEFAULT_WEIGHTS:
            raise UserError(msg("未知的行为类型：{kind}", kind=kind))
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise UserError(msg("「{kind}」的权重必须是整数", kind=KIND_LABELS[kind]))
        if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            raise UserError(
                msg(
                    "「{kind}」的权重须在 {low} 到 {high} 之间",
                    kind=KIND_LABELS[kind],
                    low=MIN_WEIGHT,
                    high=MAX_WEIGHT,
                )
            )
        clean[kind] = weight
    set_setting(session, WEIGHTS_KEY, {**kind_weights(session), **clean})
    return kind_weights(session)


def kind_weights(session: Session) -> dict[str, int]:
    """The weights in use: stored ones over the defaults."""
    stored = get_setting(session, WEIGHTS_KEY) or {}
    return {kind: int(stored.get(kind, weight)) for kind, weight in DEFAULT_WEIGHTS.items()}
