"""Levels set by hand: give a level (KOC/KOL is only ever given this way) and lock or unlock it.

A level given by hand is locked at the same time, so the next recalculation does not undo
what the owner decided; unlocking hands the member back to the rules.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.text import msg
from core.tiers.ladder import load_ladder
from core.tiers.recompute import recompute_levels
from db.models import LevelChange, Membership


def _membership(session: Session, member_id: int, community_id: int) -> Membership:
    membership = session.scalar(
        select(Membership).where(
            Membership.member_id == member_id,
            Membership.community_id == community_id,
            Membership.left_at.is_(None),
        )
    )
    if membership is None:
        raise UserError(msg("这位成员不在这个群里"))
    return membership


def _history(session, membership, to_level, cause, reason, operator, now) -> None:
    session.add(
        LevelChange(
            member_id=membership.member_id,
            community_id=membership.community_id,
            from_level=membership.level,
            to_level=to_level,
            changed_at=now,
            cause=cause,
            reason=reason,
            operator=operator,
        )
    )


def set_level(
    session: Session,
    member_id: int,
    community_id: int,
    level: str,
    *,
    operator: str = "",
    now: datetime | None = None,
) -> None:
    """Give a level by hand and lock it."""
    now = now or datetime.now()
    ladder = load_ladder(session, community_id)
    if level not in {item.key for item in ladder.levels}:
        raise UserError(msg("等级规则里没有「{level}」这个等级", level=level))
    membership = _membership(session, member_id, community_id)
    if membership.level == level and membership.level_locked:
        return
    _history(session, membership, level, "manual", "手动指定并锁定", operator, now)
    if ladder.rank(level) > ladder.rank(membership.level):
        membership.promoted_at = now
    membership.level = level
    membership.level_since = now
    membership.level_locked = True


def set_locked(
    session: Session,
    member_id: int,
    community_id: int,
    locked: bool,
    *,
    operator: str = "",
    now: datetime | None = None,
) -> None:
    """Lock the current level, or hand it back to the rules (recalculated at once)."""

    membership = _membership(session, member_id, community_id)
    if membership.level_locked == locked:
        return
    now = now or datetime.now()
    cause, reason = ("lock", "锁定等级") if locked else ("unlock", "解除锁定，按规则计算")
    _history(session, membership, membership.level, cause, reason, operator, now)
    membership.level_locked = locked
    session.flush()
    if not locked:
        recompute_levels(session, [member_id], now=now, operator=operator)
