"""The member picker: the members a search box's text finds, each told apart from namesakes.

Any feature that lets the operator choose a member (the ledger's award and redeem forms, next
campaigns and posters) lists these; what it adds beside each one (points, a level) is its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.member_description import describe_members
from core.members.query import MemberFilter, find_member_ids
from db.models import Member


@dataclass(frozen=True)
class MemberChoice:
    id: int
    nickname: str
    remark: str
    phone_tail: str
    description: str = ""  # the name and what tells them apart (core.common.member_description)


def member_choices(session: Session, text: str, *, limit: int = 50) -> list[MemberChoice]:
    """Members matching the text the way the members tab's search does; none for no text."""
    if not text.strip():
        return []
    ids = find_member_ids(session, MemberFilter(text=text.strip()), limit=limit)
    return choices_of(session, ids)


def choices_of(session: Session, member_ids: Sequence[int]) -> list[MemberChoice]:
    """These members as choices, in the given order (ids of no member are left out)."""
    if not member_ids:
        return []
    names = {
        row[0]: row[1:]
        for row in session.execute(
            select(Member.id, Member.nickname, Member.remark, Member.phone_tail).where(
                Member.id.in_(member_ids)
            )
        )
    }
    described = describe_members(session, member_ids)
    return [MemberChoice(i, *names[i], described.get(i, "")) for i in member_ids if i in names]
