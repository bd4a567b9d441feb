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


def kind_weights(session: Session) -> dict[str, int]:
    """The weights in use: stored ones over the defaults."""
    stored = get_setting(session, WEIGHTS_KEY) or {}
    return {kind: int(stored.get(kind, weight)) for kind, weight in DEFAULT_WEIGHTS.items()}
