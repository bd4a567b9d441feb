"""How many members each level has, per community: the tiers tab's first view."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.members.statistics import stats_members_condition
from core.tiers.recompute import community_ladders
from db.models import Community, Member, Membership


@dataclass(frozen=True)
class LevelCount:
    level: str
    name: str
    count: int
    locked: int


def level_distribution(session: Session, community_id: int | None = None) -> list[LevelCount]:
    """Members per level (team left out), in ladder order; all communities when None.

    Across communities with different ladders, levels are listed by the shared ladder's
    names, and a community's own level keys follow after them.
    """
    shared, own = community_ladders(session)
    ladder = own.get(community_id, shared) if community_id is not None else shared
    query = (
        select(
            Membership.level,
            func.count(),
            func.sum(case((Membership.level_locked.is_(True), 1), else_=0)),
        )
        .join(Member, Member.id == Membership.member_id)
        .join(Community, Community.id == Membership.community_id)
        .where(
            Membership.left_at.is_(None),
            Community.deleted_at.is_(None),
            stats_members_condition(),
        )
        .group_by(Membership.level)
    )
    if community_id is not None:
        query = query.where(Membership.community_id == community_id)
    counts = {level: (count, int(locked or 0)) for level, count, locked in session.execute(query)}
    result = [
        LevelCount(level.key, level.name, *counts.pop(level.key, (0, 0))) for level in ladder.levels
    ]
    names = {level.key: level.name for item in own.values() for level in item.levels}
    result += [
        LevelCount(key, names.get(key, key), *value) for key, value in sorted(counts.items())
    ]
    return result
