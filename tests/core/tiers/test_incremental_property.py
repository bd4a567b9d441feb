"""Property: levels kept up to date incrementally equal levels recomputed from scratch."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from core.activity.record import NewEvent
from core.common.database import open_database
from core.tiers.recompute import recompute_levels
from core.workflows.activity import record_activity
from db.models import Membership
from tests.core.tiers.helpers import NOW, community, member

KINDS = st.sampled_from(["checkin", "message", "invite", "violation", "good_post"])
EVENT = st.tuples(st.integers(0, 7), KINDS, st.integers(0, 130))  # member, kind, days ago
BATCHES = st.lists(st.lists(EVENT, min_size=1, max_size=40), min_size=1, max_size=6)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batches=BATCHES, small=st.booleans())
def test_incremental_equals_full(tmp_path_factory, batches, small):
    url = f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}"
    database = open_database(url, daily_backup=False)
    try:
        with database.session() as session:
            cid = community(session)
            people = [member(session, cid, f"m{n}") for n in range(8)]
            for n in range(0 if small else 50):  # past cold start, or not
                member(session, cid, f"quiet{n}")
            recompute_levels(session, now=NOW)
            for batch in batches:
                record_activity(
                    session,
                    [
                        NewEvent(people[who], kind, NOW - timedelta(days=days), cid)
                        for who, kind, days in batch
                    ],
                    source="manual",
                    now=NOW,
                )
            levels = dict(session.execute(select(Membership.member_id, Membership.level)).all())
            session.execute(update(Membership).values(level="newcomer", promoted_at=None))
            recompute_levels(session, now=NOW)
            fresh = dict(session.execute(select(Membership.member_id, Membership.level)).all())
    finally:
        database.close()
    assert levels == fresh
