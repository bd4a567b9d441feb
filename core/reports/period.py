"""A report's period: whole days [start, end], an optional community, the previous period of
the same length, and the built-in presets (weekly: last Monday–Sunday; monthly: last month)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from core.common.errors import UserError
from core.common.text import msg

MAX_DAYS = 366 * 3

# The sheets each preset writes (a saved preset of the user's own comes later).
ALL_SHEETS = ("概览", "社群健康", "分层", "活动", "积分", "内容", "待跟进", "留存")
PRESETS = {
    "weekly": ("概览", "社群健康", "活动", "内容", "待跟进", "留存"),
    "monthly": ALL_SHEETS,
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    community_id: int | None = None
    community: str = ""  # its name, for titles

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UserError(msg("结束日期早于开始日期"))
        if self.days > MAX_DAYS:
            raise UserError(msg("报表期间最长 {days} 天", days=MAX_DAYS))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def end_at(self) -> datetime:
        """The first moment after the period (exclusive)."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    def previous(self) -> Period:
        return replace(
            self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1)
        )

    @property
    def kind(self) -> str:
        """week, month or other: the word the findings use (本周, 本月, 本期)."""
        if self.days == 7 and self.start.weekday() == 0:
            return "week"
        if self.start.day == 1 and (self.end + timedelta(days=1)).day == 1 and self.days <= 31:
            return "month"
        return "other"


def preset_period(preset: str, today: date) -> tuple[date, date]:
    """The last whole week (Monday–Sunday) or the last whole month before `today`."""
    if preset == "weekly":
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6)
    if preset == "monthly":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    raise UserError(msg("未知的报表预设：{name}（可选 weekly、monthly）", name=preset))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
