"""What a membership's level and role were at an earlier moment, from the change history.

Each level or role change is kept (from, to, when). The value at time T is the `to` of the
last change at or before T; before the first change it was that change's `from`; with no
changes at all it is the current value. This is what the level-flow matrix and the
role-structure chart read, so both show the past as it was, not as it is now.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tiers.figures import stats_members_condition
from db.models import LevelChange, Member, Membership, RoleChange


@dataclass
class Timeline:
    """One membership: when it began and ended, and its changes of one attribute."""

    member_id: int
    community_id: int
    joined_at: datetime | None
    left_at: datetime | None
    current: str
    times: list[datetime]
    values: list[tuple[str | None, str]]  # (from, to) per change, in time order

    def present_at(self, moment: datetime) -> bool:
        joined = self.joined_at is None or self.joined_at <= moment
        return joined and (self.left_at is None or self.left_at > moment)

    def value_at(self, moment: datetime) -> str:
        if not self.times:
            return self.current
        index = bisect.bisect_right(self.times, moment)
        if index == 0:
            first_from = self.values[0][0]
            return first_from if first_from is not None else self.current
        return self.values[index - 1][1]


def timelines(session: Session, attribute: str, community_id: int | None = None) -> list[Timeline]:
    """Every (non-team) membership with its level or role history; `attribute` is which."""
    if attribute == "level":
        change, from_col, to_col = LevelChange, LevelChange.from_level, LevelChange.to_level
        current_col = Membership.level
    elif attribute == "role":
        change, from_col, to_col = RoleChange, RoleChange.from_role, RoleChange.to_role
        current_col = Membership.role
    else:
        raise ValueError(attribute)
    changes_query = select(
        change.member_id, change.community_id, change.changed_at, from_col, to_col
    ).order_by(change.changed_at, change.id)
    memberships_query = (
        select(
            Membership.member_id,
            Membership.community_id,
            Membership.joined_at,
            Membership.left_at,
            current_col,
        )
        .join(Member, Member.id == Membership.member_id)
        .where(stats_members_condition())
    )
    if community_id is not None:
        changes_query = changes_query.where(change.community_id == community_id)
        memberships_query = memberships_query.where(Membership.community_id == community_id)
    history: dict[tuple[int, int], tuple[list, list]] = defaultdict(lambda: ([], []))
    for member_id, cid, when, old, new in session.execute(changes_query):
        times, values = history[(member_id, cid)]
        times.append(when)
        values.append((old, new))
    result = []
    for member_id, cid, joined_at, left_at, current in session.execute(memberships_query):
        times, values = history.get((member_id, cid), ([], []))
        result.append(Timeline(member_id, cid, joined_at, left_at, current, times, values))
    return result
