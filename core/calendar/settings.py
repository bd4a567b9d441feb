"""The calendar's settings (the `settings` table): approval, and the daily limit on
promotional items per community (default 1 a day; a community may have its own)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.common.settings_store import get_setting

APPROVAL_SETTING = "calendar.approval_required"
PROMO_LIMIT_SETTING = "calendar.promo_daily_limit"
# {"<community id>": n}: a community's own limit
PROMO_LIMIT_BY_COMMUNITY_SETTING = "calendar.promo_daily_limit_by_community"
DEFAULT_PROMO_LIMIT = 1


def approval_required(session: Session) -> bool:
    return bool(get_setting(session, APPROVAL_SETTING, False))


def promo_limits(session: Session) -> tuple[int, dict[int, int]]:
    """The default daily limit and each community's own."""
    default = get_setting(session, PROMO_LIMIT_SETTING, DEFAULT_PROMO_LIMIT)
    own = get_setting(session, PROMO_LIMIT_BY_COMMUNITY_SETTING, {}) or {}
    return int(default), {int(k): int(v) for k, v in own.items()}
