"""Settings that users edit and that belong to the data (limits, ladders, remembered import
mappings...): JSON values in the `settings` table, each with a default in code.

Unlike config.json (which database to open), these travel with the database, so a team on one
PostgreSQL server shares them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Setting

# Defaults for every known setting. DOMAIN.md: sources disagree on WeChat's limits, so each
# is a setting rather than a constant.
DEFAULTS: dict[str, Any] = {
    "wechat.qr_valid_days": 7,  # a personal-WeChat group QR code
    "wechat.qr_remind_days_left": 1,  # warn when this many days or fewer are left
    "wechat.scan_cap": 200,  # scanning in stops here
    "wechat.scan_warn_at": 180,
    "wechat.member_cap": 500,
    "wechat.member_warn_at": 480,
    "wecom.qr_valid_days": None,  # WeCom 加入群聊 codes do not expire
    # Points ledger: what one point is worth to the shop (yuan, as text: no float rounding),
    # how far ahead "expiring soon" looks, and the reminder the operator copies into WeChat.
    "ledger.yuan_per_point": "0.01",
    "ledger.expiring_soon_days": 30,
    "ledger.reminder_template": (
        "【积分到期提醒】{name}，您有 {points} 积分将于 {date} 到期，"
        "可在群里找管理员兑换礼品，别让积分白白过期哦～"
    ),
}


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    """The stored value, else the code default, else `default`."""
    row = session.get(Setting, key)
    if row is not None:
        return row.value
    return DEFAULTS.get(key, default)


def set_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def settings_with_prefix(session: Session, prefix: str) -> dict[str, Any]:
    """Every stored setting whose key starts with `prefix` (e.g. remembered mappings)."""
    rows = session.scalars(select(Setting).where(Setting.key.startswith(prefix)))
    return {row.key: row.value for row in rows}
