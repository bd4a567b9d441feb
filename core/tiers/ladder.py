"""The level ladder (等级): levels in order, each with criteria a member must meet.

DOMAIN.md, after Discourse trust levels and the Orbit model: a level's criteria are joined by
AND over a rolling window (active days, messages, check-ins, converted invites, purchases,
points earned) plus all-time minimums. Promotion is immediate; demotion waits until a figure
falls below the low-water mark and the grace period after a promotion is over. The last level
(KOC/KOL) is given by hand only.

A ladder is stored as JSON in the settings table: one shared ladder, and optionally one per
community that overrides it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.builtin_names import builtin_name
from core.common.errors import UserError
from core.common.settings_store import get_setting, set_setting
from core.common.text import msg
from db.models import Community, Setting

# Figures a criterion can test, in the order the why-panel lists them.
METRICS = ("active_days", "checkins", "messages", "invites", "purchases", "points")
METRIC_LABELS = {
    "active_days": msg("活跃天数"),
    "checkins": msg("签到天数"),
    "messages": msg("发言次数"),
    "invites": msg("成功邀请"),
    "purchases": msg("购买次数"),
    "points": msg("获得积分"),
}
# "再签到 3 天": how the why-panel says what is missing.
METRIC_MISSING = {
    "active_days": lambda n: msg("再活跃 {n} 天", n=n),
    "checkins": lambda n: msg("再签到 {n} 天", n=n),
    "messages": lambda n: msg("再发言 {n} 次", n=n),
    "invites": lambda n: msg("再成功邀请 {n} 人", n=n),
    "purchases": lambda n: msg("再购买 {n} 次", n=n),
    "points": lambda n: msg("再获得 {n} 积分", n=n),
}

SHARED_KEY = "tiers.ladder"
MAX_LEVELS = 12
MAX_THRESHOLD = 1_000_000


def community_key(community_id: int) -> str:
    return f"tiers.ladder.community.{community_id}"


@dataclass(frozen=True)
class Level:
    key: str
    name: str
    manual: bool = False  # given by hand only (KOC/KOL)
    window: dict[str, int] = field(default_factory=dict)  # metric -> threshold in the window
    all_time: dict[str, int] = field(default_factory=dict)  # metric -> all-time minimum

    def __post_init__(self) -> None:
        # A shipped name ("新人") stays that text, as a message the window shows in English.
        object.__setattr__(self, "name", builtin_name(self.name))


@dataclass(frozen=True)
class Ladder:
    levels: tuple[Level, ...]
    window_days: int = 100
    low_water: float = 0.9  # demote only below this share of a threshold
    grace_days: int = 14  # no demotion this long after a promotion
    cold_start_members: int = 50  # below this many members, newcomers start one level up

    def rank(self, key: str) -> int:
        """Position of a level; an unknown key (a level since removed) counts as the first."""
        for index, level in enumerate(self.levels):
            if level.key == key:
                return index
        return 0

    def level(self, key: str) -> Level:
        return self.levels[self.rank(key)]

    def name(self, key: str) -> str:
        return self.level(key).name

    def in_cold_start(self, members: int) -> bool:
        """Whether a community of `members` (team left out) is still in cold start."""
        return members < self.cold_start_members

    def floor(self, members: int) -> int:
        """The rank nobody in a community of `members` is below (decide's `floor`): one step
        up from the first while it is in cold start."""
        return 1 if self.in_cold_start(members) else 0

    def wanted(self) -> tuple[frozenset[str], frozenset[str]]:
        """The metrics its criteria test: (in the window, all time)."""
        window = frozenset(m for level in self.levels for m in level.window)
        all_time = frozenset(m for level in self.levels for m in level.all_time)
        return window, all_time


DEFAULT_LADDER = Ladder(
    levels=(
        Level("newcomer", "新人"),
        Level("participant", "参与者", window={"active_days": 3}),
        Level("active", "活跃成员", window={"active_days": 15, "checkins": 8, "messages": 30}),
        Level(
            "core",
            "核心成员",
            window={"active_days": 40, "messages": 100, "invites": 2},
            all_time={"active_days": 60},
        ),
        Level("kol", "KOC/KOL", manual=True),
    )
)


def ladder_to_json(ladder: Ladder) -> dict[str, Any]:
    return {
        "window_days": ladder.window_days,
        "low_water": ladder.low_water,
        "grace_days": ladder.grace_days,
        "cold_start_members": ladder.cold_start_members,
        "levels": [
            {
                "key": level.key,
                "name": level.name,
                "manual": level.manual,
                "window": dict(level.window),
                "all_time": dict(level.all_time),
            }
            for level in ladder.levels
        ],
    }


def _whole(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise UserError(msg("{what}必须是整数", what=what))
    if value != int(value) or not low <= value <= high:
        raise UserError(
            msg("{what}必须是 {low} 到 {high} 之间的整数", what=what, low=low, high=high)
        )
    return int(value)


def _thresholds(raw: Any, level: str) -> dict[str, int]:
    """The criteria of the level named `level`."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise UserError(msg("等级「{level}」的条件格式不对", level=level))
    result = {}
    for metric, value in raw.items():
        if metric not in METRICS:
            raise UserError(
                msg("等级「{level}」有不认识的条件：{metric}", level=level, metric=metric)
            )
        what = msg("等级「{level}」的「{metric}」", level=level, metric=METRIC_LABELS[metric])
        threshold = _whole(value, what, 0, MAX_THRESHOLD)
        if threshold > 0:  # 0 means no condition
            result[metric] = threshold
    return result


def ladder_from_json(raw: Any) -> Ladder:
    """A validated ladder, or a UserError naming the first thing wrong with it."""
    if not isinstance(raw, dict) or not isinstance(raw.get("levels"), list):
        raise UserError(msg("等级设置的格式不对"))
    levels = []
    seen: set[str] = set()
    for position, item in enumerate(raw["levels"], start=1):
        if not isinstance(item, dict):
            raise UserError(msg("第 {position} 个等级的格式不对", position=position))
        key = str(item.get("key") or "").strip()
        name = str(item.get("name") or "").strip()
        if not key or not name:
            raise UserError(msg("第 {position} 个等级缺少名称", position=position))
        if len(key) > 30 or len(name) > 30:
            raise UserError(msg("等级「{level}」的名称太长（最多 30 个字）", level=name[:30]))
        if key in seen:
            raise UserError(msg("等级「{level}」重复了", level=name))
        seen.add(key)
        levels.append(
            Level(
                key=key,
                name=name,
                manual=bool(item.get("manual", False)),
                window=_thresholds(item.get("window"), name),
                all_time=_thresholds(item.get("all_time"), name),
            )
        )
    if not 2 <= len(levels) <= MAX_LEVELS:
        raise UserError(msg("等级数须在 2 到 {limit} 之间", limit=MAX_LEVELS))
    if levels[0].manual:
        raise UserError(msg("第一个等级是每个人的起点，不能设为只能手动指定"))
    low_water = raw.get("low_water", 0.9)
    if (
        isinstance(low_water, bool)
        or not isinstance(low_water, int | float)
        or not 0.5 <= low_water <= 1
    ):
        raise UserError(msg("保级线必须在 50% 到 100% 之间"))
    return Ladder(
        levels=tuple(levels),
        window_days=_whole(raw.get("window_days", 100), msg("统计周期（天）"), 7, 730),
        low_water=float(low_water),
        grace_days=_whole(raw.get("grace_days", 14), msg("保护期（天）"), 0, 365),
        cold_start_members=_whole(raw.get("cold_start_members", 50), msg("冷启动人数"), 0, 100_000),
    )


def load_ladder(session: Session, community_id: int | None = None) -> Ladder:
    """The community's own ladder if it has one, else the shared one, else the default."""
    keys = ([community_key(community_id)] if community_id is not None else []) + [SHARED_KEY]
    for key in keys:
        raw = get_setting(session, key)
        if raw is not None:
            return ladder_from_json(raw)
    return DEFAULT_LADDER


def save_ladder(session: Session, ladder: Ladder | dict, community_id: int | None = None) -> Ladder:
    """Validate and store a ladder (shared, or for one community); return it."""
    checked = ladder_from_json(ladder_to_json(ladder) if isinstance(ladder, Ladder) else ladder)
    key = SHARED_KEY if community_id is None else community_key(community_id)
    set_setting(session, key, ladder_to_json(checked))
    return checked


def remove_community_ladder(session: Session, community_id: int) -> None:
    """Let a community follow the shared ladder again."""

    row = session.get(Setting, community_key(community_id))
    if row is not None:
        session.delete(row)


def has_own_ladder(session: Session, community_id: int) -> bool:
    return get_setting(session, community_key(community_id)) is not None


def level_choices(session: Session) -> list[tuple[str, str]]:
    """(key, name) of every level a filter can offer: the shared ladder's levels, then those
    only a community's own ladder has."""
    levels = [(level.key, level.name) for level in load_ladder(session).levels]
    seen = {key for key, _ in levels}
    community_ids = session.scalars(
        select(Community.id).where(Community.deleted_at.is_(None)).order_by(Community.id)
    )
    for community_id in community_ids:
        for level in load_ladder(session, community_id).levels:
            if level.key not in seen:
                seen.add(level.key)
                levels.append((level.key, level.name))
    return levels
