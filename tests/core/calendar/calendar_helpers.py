"""Shared set-up of the calendar tests: communities and members who joined at given times."""

from __future__ import annotations

from datetime import date, datetime

from db.models import Community, Member, Membership


def communities(session, *names: str, created_on: date = date(2026, 1, 1)) -> list[int]:
    rows = [Community(name=name, created_on=created_on) for name in names]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def joined(session, community_id: int, *times: datetime, team: bool = False) -> list[int]:
    ids = []
    for n, when in enumerate(times):
        member = Member(nickname=f"成员{community_id}-{n}-{when:%H%M}", is_team=team)
        session.add(member)
        session.flush()
        session.add(Membership(member_id=member.id, community_id=community_id, joined_at=when))
        ids.append(member.id)
    session.flush()
    return ids
