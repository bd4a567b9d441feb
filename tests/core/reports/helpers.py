"""Small builders for the report tests: groups, stays with exact join and leave times, events."""

from __future__ import annotations

import itertools
from datetime import date, datetime

from sqlalchemy import insert

from db.chat_models import ChatMessage
from db.models import ActivityEvent, Community, Member, Membership

# The report period of most tests: Monday 23 – Sunday 29 November 2026 (a week).
MONDAY = date(2026, 11, 23)
SUNDAY = date(2026, 11, 29)


def group(session, name="读书会", created_on=date(2025, 1, 1)) -> int:
    row = Community(name=name, platform="wechat", created_on=created_on)
    session.add(row)
    session.flush()
    return row.id


def person(
    session,
    community_id: int,
    nickname: str = "成员",
    *,
    joined: datetime | None = datetime(2025, 6, 1),
    left: datetime | None = None,
    is_team: bool = False,
    level: str = "newcomer",
    phone: str | None = None,
    wechat_id: str | None = None,
) -> int:
    row = Member(nickname=nickname, is_team=is_team, phone=phone, wechat_id=wechat_id)
    session.add(row)
    session.flush()
    join(session, row.id, community_id, joined=joined, left=left, level=level)
    return row.id


def join(session, member_id, community_id, *, joined, left=None, level="newcomer") -> None:
    session.add(
        Membership(
            member_id=member_id, community_id=community_id, joined_at=joined, left_at=left,
            level=level,
        )
    )  # fmt: skip
    session.flush()


def act(session, member_id, community_id, *moments: datetime, kind: str = "checkin") -> None:
    for moment in moments:
        session.add(
            ActivityEvent(
                member_id=member_id, community_id=community_id, kind=kind, occurred_at=moment
            )
        )
    session.flush()


_refs = itertools.count()


def say(session, member_id, community_id, *moments: datetime, known: bool = True) -> None:
    """Chat messages (core/chat's rows); `known` False: the day only (Windows-copied text)."""
    for moment in moments:
        session.execute(
            insert(ChatMessage).values(
                community_id=community_id, member_id=member_id, sent_at=moment, kind="text",
                length=3, source_ref=f"report-test:{next(_refs)}", time_known=known,
            )
        )  # fmt: skip


def seed_week(session) -> dict:
    """One group through the week of 23–29 Nov 2026 whose figures are known by hand: six
    members at the end (five the week before), joins 2, leaves 1, three of six active (two of
    five the week before); a newcomer of 9 Nov active every week since; one
    核心成员 silent for weeks with a phone and 微信号 (待跟进); the owner (team) left out."""
    g = group(session, "读书会")
    a = person(session, g, "a")
    act(session, a, g, datetime(2026, 11, 24, 10))
    b = person(session, g, "b", left=datetime(2026, 11, 25, 10))
    act(session, b, g, datetime(2026, 11, 21, 10))
    c = person(session, g, "c", joined=datetime(2026, 11, 24, 10))
    act(session, c, g, datetime(2026, 11, 26, 10))
    person(session, g, "d", joined=datetime(2026, 11, 18, 10))
    person(session, g, "e", left=datetime(2026, 11, 17, 10))
    f = person(session, g, "老会员", level="core", phone="13800000016", wechat_id="wx_zhangfan")
    act(session, f, g, datetime(2026, 11, 10, 10))  # silent 20 days by the end
    person(session, g, "g", joined=datetime(2026, 11, 27, 10))
    h = person(session, g, "h", joined=datetime(2026, 11, 10, 10))  # a newcomer who stays
    act(session, h, g, *(datetime(2026, 11, day, 10) for day in (11, 18, 25)))
    owner = person(session, g, "店长", joined=datetime(2026, 11, 24, 10), is_team=True)
    act(session, owner, g, datetime(2026, 11, 24, 10))
    return {"community": g, "follow_up": f}
