"""Levels that people joining and leaving groups can change.

A member who joins, rejoins or leaves a group gets their level at once; and a group whose
size crosses its ladder's cold-start line changes the floor of everyone still in it. Nobody
else's figures or cold start moved, so neither did their level: a list in which nobody joins
or leaves recalculates nobody. The caller reads `cold_start_states` before the moves and
hands it to `recompute_after_moves` after them (core/workflows/member_import.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tiers.recompute import (
    RecomputeResult,
    community_ladders,
    community_sizes,
    recompute_levels,
)
from db.models import Membership


def cold_start_states(session: Session, community_ids: Iterable[int]) -> dict[int, bool]:
    """Whether each community has fewer members than its ladder's cold-start line."""
    community_ids = list(community_ids)
    if not community_ids:
        return {}
    shared, own = community_ladders(session)
    sizes = community_sizes(session)
    return {cid: (own.get(cid) or shared).in_cold_start(sizes.get(cid, 0)) for cid in community_ids}


@dataclass
class LevelsAfterMoves:
    levels: RecomputeResult = field(default_factory=RecomputeResult)
    member_ids: frozenset[int] = frozenset()  # whose levels were recalculated


def recompute_after_moves(
    session: Session,
    moved: Collection[int],
    cold_before: dict[int, bool],
    *,
    operator: str = "",
    now: datetime | None = None,
) -> LevelsAfterMoves:
    """Recalculate the levels of the members who `moved` (joined, rejoined or left a group)
    and of everyone in a group of `cold_before` that crossed the cold-start line since."""
    cold_after = cold_start_states(session, cold_before)
    crossed = sorted(cid for cid, cold in cold_before.items() if cold_after[cid] != cold)
    member_ids = set(moved)
    if crossed:
        member_ids.update(
            session.scalars(
                select(Membership.member_id).where(Membership.community_id.in_(crossed)).distinct()
            )
        )
    if not member_ids:
        return LevelsAfterMoves()
    levels = recompute_levels(session, member_ids, operator=operator, now=now)
    session.flush()
    return LevelsAfterMoves(levels, frozenset(member_ids))
