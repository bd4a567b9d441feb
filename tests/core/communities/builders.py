"""Small hand-built datasets for the communities tests: members, memberships, events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from core.communities.registry import CommunityFields, create_community
from core.members.search_keys import member_search_keys
from db.models import ActivityEvent, Member, Membership, MembershipEvent


def add_community(session: Session, name: str = "麦香烘焙福利1群", **fields) -> int:
    return create_community(session, CommunityFields(name=name, **fields))


def add_member(session: Session, nickname: str, *, remark: str = "", **columns) -> int:
    keys = member_search_keys(nickname, remark)
    member = Member(
        nickname=nickname,
        remark=remark,
        search_pinyin=keys.pinyin,
        search_initials=keys.initials,
        search_text=keys.text,
        **columns,
    )
    session.add(member)
    session.flush()
    return member.id


def join(
    session: Session,
    member_id: int,
    community_id: int,
    joined_at: datetime | None,
    *,
    left_at: datetime | None = None,
    role: str = "follower",
    events: bool = True,
) -> None:
    """A membership, and the join/leave events an import would have recorded with it."""
    session.add(
        Membership(
            member_id=member_id,
            community_id=community_id,
            joined_at=joined_at,
            left_at=left_at,
            role=role,
        )
    )
    if events and joined_at is not None:
        session.add(
            MembershipEvent(
                member_id=member_id, community_id=community_id, kind="join", occurred_at=joined_at
            )
        )
    if events and left_at is not None:
        session.add(
            MembershipEvent(
                member_id=member_id, community_id=community_id, kind="leave", occurred_at=left_at
            )
        )
    session.flush()


def act(
    session: Session, member_id: int, community_id: int | None, at: datetime, kind="message"
) -> None:
    session.add(
        ActivityEvent(member_id=member_id, community_id=community_id, kind=kind, occurred_at=at)
    )
    session.flush()


def fill(session: Session, community_id: int, count: int, joined_at: datetime) -> list[int]:
    """`count` plain members in the community (bulk: capacity tests need hundreds)."""
    members = [Member(nickname=f"成员{i}", search_text=f"成员{i}") for i in range(count)]
    session.add_all(members)
    session.flush()
    session.add_all(
        Membership(member_id=m.id, community_id=community_id, joined_at=joined_at) for m in members
    )
    session.flush()
    return [m.id for m in members]
