"""Small builders shared by the ledger tests."""

from __future__ import annotations

from datetime import datetime

from core.members.editing import create_member
from db.models import ActivityEvent, Community

T0 = datetime(2026, 1, 5, 10, 0, 0)


def member(session, nickname: str = "张小凡", **fields) -> int:
    return create_member(session, nickname, **fields)


def community(session, name: str = "麦香烘焙福利1群") -> int:
    row = Community(name=name)
    session.add(row)
    session.flush()
    return row.id


def activity(session, member_id: int, kind: str, at: datetime, **fields) -> int:
    event = ActivityEvent(member_id=member_id, kind=kind, occurred_at=at, **fields)
    session.add(event)
    session.flush()
    return event.id
