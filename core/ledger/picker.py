"""The ledger's member picker: the members picker's choices (core.members.picker) with the points
each can spend; with no text, the members holding the most."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.ledger.balances import MEMBER, balances_query
from core.ledger.entries import ENTRY, not_pending_clause
from core.members.picker import MemberChoice, choices_of, member_choices


@dataclass(frozen=True)
class PointsChoice(MemberChoice):
    available: int = 0  # points they can spend now


def choices_with_points(session: Session, text: str, *, limit: int = 50) -> list[PointsChoice]:
    """Members matching the search box's text (same matching as the members tab), with their
    available points; with no text, the members holding the most points."""
    now = datetime.now()
    if text.strip():
        choices = member_choices(session, text, limit=limit)
    else:
        settled = balances_query(now).subquery()
        ids = list(
            session.scalars(
                select(settled.c.member_id)
                .join(MEMBER, MEMBER.c.id == settled.c.member_id)
                .where(MEMBER.c.merged_into_id.is_(None))
                .order_by(settled.c.available.desc(), settled.c.member_id)
                .limit(limit)
            )
        )
        choices = choices_of(session, ids)
    if not choices:
        return []
    ids = [choice.id for choice in choices]
    available = dict(
        session.execute(
            select(ENTRY.c.member_id, func.sum(ENTRY.c.points))
            .where(ENTRY.c.member_id.in_(ids), not_pending_clause(now))
            .group_by(ENTRY.c.member_id)
        ).all()
    )
    return [
        PointsChoice(**vars(choice), available=int(available.get(choice.id) or 0))
        for choice in choices
    ]
