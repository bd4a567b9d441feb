"""The merge dialog's view of the two members of a pair."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common.member_description import describe_members
from core.members.merging.records import chunks
from db.models import ActivityEvent, Community, Member, Membership, MemberTag, Tag


@dataclass
class MergeSide:
    """One member of a suggested pair, as the merge dialog shows it (unmasked: mask to show)."""

    id: int
    nickname: str
    remark: str
    wechat_id: str | None
    phone: str | None
    is_team: bool
    created_at: datetime
    last_active_at: datetime | None
    communities: list[tuple[str, datetime | None, datetime | None]]  # name, joined, left
    tags: list[str]
    activity_count: int
    description: str = ""  # the name and what tells them apart (core.common.member_description)

    @property
    def first_joined(self) -> datetime | None:
        joined = [when for _, when, _ in self.communities if when is not None]
        return min(joined) if joined else None


def merge_sides(session: Session, ids: Iterable[int]) -> dict[int, MergeSide]:
    """What the dialog shows of each member: names, ids, groups with join dates, activity."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    sides: dict[int, MergeSide] = {}
    m = Member.__table__
    for chunk in chunks(ids):
        for row in session.execute(
            select(
                m.c.id,
                m.c.nickname,
                m.c.remark,
                m.c.wechat_id,
                m.c.phone,
                m.c.is_team,
                m.c.created_at,
                m.c.last_active_at,
            ).where(m.c.id.in_(chunk))
        ):
            sides[row.id] = MergeSide(*row, communities=[], tags=[], activity_count=0)
        for member_id, name, joined, left in session.execute(
            select(Membership.member_id, Community.name, Membership.joined_at, Membership.left_at)
            .join(Community, Community.id == Membership.community_id)
            .where(Membership.member_id.in_(chunk))
            .order_by(Membership.joined_at.is_(None), Membership.joined_at, Community.name)
        ):
            sides[member_id].communities.append((name, joined, left))
        for member_id, name in session.execute(
            select(MemberTag.member_id, Tag.name)
            .join(Tag, Tag.id == MemberTag.tag_id)
            .where(MemberTag.member_id.in_(chunk))
            .order_by(Tag.name)
        ):
            sides[member_id].tags.append(name)
        for member_id, count in session.execute(
            select(ActivityEvent.member_id, func.count())
            .where(ActivityEvent.member_id.in_(chunk))
            .group_by(ActivityEvent.member_id)
        ):
            sides[member_id].activity_count = count
        for member_id, description in describe_members(session, chunk).items():
            sides[member_id].description = description
    return sides


def default_kept(a: MergeSide, b: MergeSide) -> int:
    """The member to keep unless the user chooses: the more active, then the older one."""

    def rank(side: MergeSide) -> tuple:
        joined = side.first_joined or datetime.max
        return (-side.activity_count, joined, side.created_at, side.id)

    return min((a, b), key=rank).id
