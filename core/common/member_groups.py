"""The groups members are in now: their memberships not left, in communities not in the trash.

A member's name is told by these groups (`describe_members`) and a poster shows the first one
(社群名, the 群昵称 there, its group QR): both read them here, in the same order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Community, Membership

_CHUNK = 500  # member ids a query (a batch of posters can be for 100000 members)


class Group(NamedTuple):
    community_id: int
    name: str
    group_nickname: str  # the member's 群昵称 there; "" when none


def current_groups(
    session: Session, member_ids: Iterable[int], *, community_id: int | None = None
) -> dict[int, list[Group]]:
    """member id → the groups they are in now, the earliest joined first (never-known join
    times last on both engines: SQLite would put NULL first). `community_id`: that group only.
    Members in no group are left out."""
    ids = sorted(set(member_ids))
    groups: dict[int, list[Group]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        query = (
            select(Membership.member_id, Community.id, Community.name, Membership.group_nickname)
            .join(Community, Community.id == Membership.community_id)
            .where(
                Membership.member_id.in_(ids[start : start + _CHUNK]),
                Membership.left_at.is_(None),
                Community.deleted_at.is_(None),
            )
            .order_by(Membership.joined_at.is_(None), Membership.joined_at, Community.id)
        )
        if community_id is not None:
            query = query.where(Membership.community_id == community_id)
        for member_id, group_id, name, group_nickname in session.execute(query):
            groups[member_id].append(Group(group_id, name, group_nickname or ""))
    return dict(groups)
