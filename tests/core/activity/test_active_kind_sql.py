"""is_active_kind (`!= 'violation'`, for scans of millions of events) selects exactly the
events of ACTIVE_KINDS: one event of every kind the table accepts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core.activity.kinds import ACTIVE_KINDS, is_active_kind
from db.models import ACTIVITY_KINDS, ActivityEvent
from tests.core.tiers.helpers import community, member


def test_is_active_kind_is_in_active_kinds(database):
    with database.session() as session:
        cid = community(session)
        mid = member(session, cid)
        for kind in ACTIVITY_KINDS:
            session.add(
                ActivityEvent(
                    member_id=mid, community_id=cid, kind=kind, occurred_at=datetime(2026, 11, 1)
                )
            )
        session.flush()
        found = set(
            session.scalars(select(ActivityEvent.kind).where(is_active_kind(ActivityEvent.kind)))
        )
    assert found == set(ACTIVE_KINDS)
