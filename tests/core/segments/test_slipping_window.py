"""流失预警 reads "silent since the cutoff" as no active event in (cutoff, now]: an event after
`now` (a report for a past period) or exactly at the cutoff does not break the silence."""

from __future__ import annotations

from datetime import timedelta

from core.segments.behaviour import slipping_away
from tests.core.segments.test_behaviour import silent_member
from tests.core.tiers.helpers import NOW, community, events


def test_events_after_now_or_at_the_cutoff_do_not_count(database):
    with database.session() as session:
        cid = community(session)
        later = silent_member(session, cid, "后来又来", "active", 20)
        events(session, later, cid, "message", [-3])  # three days after `now`
        edge = silent_member(session, cid, "正好", "active", 14)
        just = silent_member(session, cid, "差一点", "active", 20)
        events(session, just, cid, "message", [14], now=NOW + timedelta(seconds=1))
        found = {item.member_id: item.basis for item in slipping_away(session, NOW)}
    assert found == {
        later: "读书会：活跃成员 · 已 20 天没有行为",
        edge: "读书会：活跃成员 · 已 14 天没有行为",
    }
