"""The role structure of a community over time, and warnings when a layer is missing or thinning.

The seed's 临界点: a community holds together while it has people in every role — someone
who manages, some who lead, some who carry things out, many who follow, and bridges
(connectors) and givers (contributors). This counts members per role and per level at the
end of each recent month and says plainly when a layer is empty or shrinking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from core.common.joins import joined_list
from core.common.text import msg
from core.tiers.flow import month_bounds
from core.tiers.history import counts_at
from core.tiers.ladder import load_ladder
from db.models import ROLES

ROLE_NAMES = {
    "manager": msg("管理者"),
    "leader": msg("领导者"),
    "executor": msg("执行者"),
    "follower": msg("追随者"),
    "connector": msg("连接者"),
    "contributor": msg("贡献者"),
}
THINNING_SHARE = 0.9  # a layer that fell below 90% of its size three months ago is thinning
MIN_MEMBERS_FOR_WARNINGS = 20  # a brand-new group with five people has no structure yet


@dataclass
class MonthCounts:
    month: date
    roles: dict[str, int] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    total: int = 0


@dataclass
class Structure:
    months: list[MonthCounts]  # oldest first; the last is the current month so far
    warnings: list[str]  # messages: the window shows them in its language
    level_names: dict[str, str] = field(default_factory=dict)  # ladder order


def recent_months(today: date, count: int) -> list[date]:
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def role_structure(
    session: Session,
    community_id: int | None = None,
    *,
    months: int = 6,
    now: datetime | None = None,
) -> Structure:
    now = now or datetime.now()
    ladder = load_ladder(session, community_id)
    month_starts = recent_months(now.date(), months)
    moments = [min(month_bounds(m)[1], now) - datetime.resolution for m in month_starts]
    roles = counts_at(session, "role", moments, community_id)
    levels = counts_at(session, "level", moments, community_id)
    result = []
    for month, role_counts, level_counts in zip(month_starts, roles, levels, strict=True):
        counts = MonthCounts(
            month, {role: 0 for role in ROLES}, {lv.key: 0 for lv in ladder.levels}
        )
        for role, count in role_counts.items():
            counts.roles[role] = counts.roles.get(role, 0) + count
            counts.total += count
        for key, count in level_counts.items():
            counts.levels[ladder.level(key).key] += count
        result.append(counts)
    names = {level.key: level.name for level in ladder.levels}
    return Structure(result, structure_warnings(result, ladder), names)


def structure_warnings(months: list[MonthCounts], ladder) -> list[str]:
    if not months or months[-1].total < MIN_MEMBERS_FOR_WARNINGS:
        return []
    now = months[-1]
    warnings = []
    for role, text in (
        ("manager", msg("没有管理者：群规和秩序没人维护")),
        ("leader", msg("没有领导者：缺少带头分享、回答问题的人")),
        ("connector", msg("没有连接者：没有人把新朋友带进来")),
    ):
        if now.roles.get(role, 0) == 0:
            warnings.append(text)
    if len(months) >= 4:
        before = months[-4]
        for role in ("follower", "leader", "executor"):
            was, is_ = before.roles.get(role, 0), now.roles.get(role, 0)
            if was >= 5 and is_ < was * THINNING_SHARE:
                warnings.append(
                    msg(
                        "{role}在减少：三个月前 {was} 人，现在 {now} 人",
                        role=ROLE_NAMES[role],
                        was=was,
                        now=is_,
                    )
                )
        top = [level.key for level in ladder.levels[2:]]
        was = sum(before.levels.get(key, 0) for key in top)
        is_ = sum(now.levels.get(key, 0) for key in top)
        if was >= 5 and is_ < was * THINNING_SHARE:
            names = joined_list([level.name for level in ladder.levels[2:]])
            warnings.append(
                msg(
                    "{levels}在变少：三个月前 {was} 人，现在 {now} 人",
                    levels=names,
                    was=was,
                    now=is_,
                )
            )
    return warnings
