"""Small builders for the tiering tests: a community, members in it, events on given days."""

from __future__ import annotations

from datetime import datetime, timedelta

from db.models import ActivityEvent, Community, Member, Membership

NOW = datetime(2026, 11, 23, 20, 0)


def community(session, name="读书会", **fields) -> int:
    row = Community(name=name, platform="wechat", **fields)
    session.add(row)
    session.flush()
    return row.id


def member(session, community_id, nickname="成员", *, is_team=False, joined_days_ago=60) -> int:
    row = Member(nickname=nickname, is_team=is_team)
    session.add(row)
    session.flush()
    session.add(
        Membership(
            member_id=row.id,
            community_id=community_id,
            joined_at=NOW - timedelta(days=joined_days_ago),
        )
    )
    session.flush()
    return row.id


def events(session, member_id, community_id, kind, days_ago, *, per_day=1, now=NOW):
    """`per_day` events of `kind` on each of the days `days_ago` (an iterable of ints) before
    `now` (GUI tests pass the real clock: the screens compute with it)."""
    for days in days_ago:
        for n in range(per_day):
            session.add(
                ActivityEvent(
                    member_id=member_id,
                    community_id=community_id,
                    kind=kind,
                    occurred_at=now - timedelta(days=days, minutes=n),
                )
            )
    session.flush()


def level_of(session, member_id, community_id) -> str:
    from sqlalchemy import select

    return session.scalar(
        select(Membership.level).where(
            Membership.member_id == member_id, Membership.community_id == community_id
        )
    )
