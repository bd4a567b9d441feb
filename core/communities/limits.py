"""The WeChat/WeCom limits the QR tracker and the warnings use, read once from the settings.

DOMAIN.md: sources disagree on these limits, so every one is a setting (core.common.settings_store)
with the usual figures as defaults. A community's own caps and QR validity override them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from core.common.settings_store import get_setting

# Platforms whose group QR codes stop letting people scan in at the scan cap.
SCAN_CAP_PLATFORMS = ("wechat", "wecom")


@dataclass(frozen=True)
class Limits:
    """The figures in force: QR validity per platform, reminder and warning thresholds."""

    qr_valid_days: dict[str, int | None]  # platform → days; None: the code does not expire
    qr_remind_days_left: int
    scan_cap: int
    scan_warn_at: int
    member_cap: int
    member_warn_at: int

    def valid_days(self, platform: str, override: int | None) -> int | None:
        """The community's own validity if it has one, else its platform's."""
        if override is not None:
            return override
        return self.qr_valid_days.get(platform)

    def scan_warn_threshold(self, scan_cap: int) -> int:
        """Warn at the settings' margin (200 − 180 = 20) below the group's own cap."""
        return max(1, scan_cap - max(0, self.scan_cap - self.scan_warn_at))

    def member_warn_threshold(self, member_cap: int) -> int:
        return max(1, member_cap - max(0, self.member_cap - self.member_warn_at))


def load_limits(session: Session) -> Limits:
    def number(key: str) -> int | None:
        value = get_setting(session, key)
        return None if value in (None, "", 0) else int(value)

    return Limits(
        qr_valid_days={
            "wechat": number("wechat.qr_valid_days"),
            "wecom": number("wecom.qr_valid_days"),
            "qq": number("qq.qr_valid_days"),
            "other": number("other.qr_valid_days"),
        },
        qr_remind_days_left=int(get_setting(session, "wechat.qr_remind_days_left")),
        scan_cap=int(get_setting(session, "wechat.scan_cap")),
        scan_warn_at=int(get_setting(session, "wechat.scan_warn_at")),
        member_cap=int(get_setting(session, "wechat.member_cap")),
        member_warn_at=int(get_setting(session, "wechat.member_warn_at")),
    )


def expires_on(generated_on: date | None, valid_days: int | None) -> date | None:
    """The first day the code no longer works (WeChat prints "7天内(11月30日前)有效")."""
    if generated_on is None or valid_days is None:
        return None
    return generated_on + timedelta(days=valid_days)


def days_left(generated_on: date | None, valid_days: int | None, today: date) -> int | None:
    """generated_on + valid days − today: 7 on the day it was made, 0 or less once expired.

    None when there is no code or it does not expire.
    """
    end = expires_on(generated_on, valid_days)
    return None if end is None else (end - today).days
