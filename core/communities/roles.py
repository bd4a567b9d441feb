"""Changing a member's role in a community, always with a line of role history (角色变化).

Every path that sets a role (bulk action, the community's admin list, accepting a suggestion)
goes through `change_roles`, so the history the role-structure view reads is complete.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.text import msg
from db.models import ROLES, Membership, RoleChange


def change_roles(
    session: Session,
    community_id: int,
    member_ids: Iterable[int],
    role: str,
    *,
    reason: str = "",
    operator: str = "",
    now: datetime | None = None,
) -> int:
    """Set `role` for these members' current memberships; return how many changed."""
    if role not in ROLES:
        raise UserError(msg("未知的角色：{role}", role=role))
    ids = sorted(set(member_ids))
    now = now or datetime.now()
    history = []
    for start in range(0, len(ids), 5000):
        for membership in session.scalars(
            select(Membership).where(
                Membership.community_id == community_id,
                Membership.member_id.in_(ids[start : start + 5000]),
                Membership.left_at.is_(None),
            )
        ):
            if membership.role == role:
                continue
            history.append(
                {
                    "member_id": membership.member_id,
                    "community_id": community_id,
                    "from_role": membership.role,
                    "to_role": role,
                    "changed_at": now,
                    "reason": reason,
                    "operator": operator,
                }
            )
            membership.role = role
    if history:
        session.flush()
        session.execute(insert(RoleChange.__table__), history)
    return len(history)
