"""Activity kinds (行为) with their Chinese names and default weights.

Weights follow DOMAIN.md (Orbit style, 1–12; a violation counts against). They are settings,
so an owner who values answers above check-ins can say so.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.common.settings_store import get_setting

KIND_LABELS = {
    "checkin": "签到",
    "message": "发言",
    "good_post": "优质内容",
    "answer": "回答问题",
    "event": "参加活动",
    "purchase": "购买",
    "invite": "邀请成功",
    "share": "分享",
    "feedback": "反馈",
    "violation": "违规",
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
}
WEIGHTS_KEY = "activity.weights"


MIN_WEIGHT, MAX_WEIGHT = -20, 20


def save_kind_weights(session: Session, weights: dict[str, int]) -> dict[str, int]:
    """Store the weights after checking them; a bad value changes nothing."""
    from core.common.errors import UserError
    from core.common.settings_store import set_setting

    clean = {}
    for kind, weight in weights.items():
        if kind not in DEFAULT_WEIGHTS:
            raise UserError(f"未知的行为类型：{kind}")
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise UserError(f"「{KIND_LABELS[kind]}」的权重必须是整数")
        if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            raise UserError(f"「{KIND_LABELS[kind]}」的权重须在 {MIN_WEIGHT} 到 {MAX_WEIGHT} 之间")
        clean[kind] = weight
    set_setting(session, WEIGHTS_KEY, {**kind_weights(session), **clean})
    return kind_weights(session)


def kind_weights(session: Session) -> dict[str, int]:
    """The weights in use: stored ones over the defaults."""
    stored = get_setting(session, WEIGHTS_KEY) or {}
    return {kind: int(stored.get(kind, weight)) for kind, weight in DEFAULT_WEIGHTS.items()}
