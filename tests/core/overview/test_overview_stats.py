"""The 概览 figures: team members counted apart and left out of every other figure."""

from __future__ import annotations

from datetime import timedelta

from core.overview.stats import overview_stats
from tests.core.tiers.helpers import NOW, community, events, member


def test_team_and_merged_members_are_left_out_of_the_figures(database):
    with database.session() as session:
        cid = community(session)
        fan = member(session, cid, "粉丝", joined_days_ago=2)
        owner = member(session, cid, "店长", is_team=True, joined_days_ago=2)
        twin = member(session, cid, "粉丝小号", joined_days_ago=2)
        from db.models import Member

        session.get(Member, twin).merged_into_id = fan
        for who in (fan, owner):
            events(session, who, cid, "message", [1, 2])
        stats = overview_stats(session, now=NOW + timedelta(hours=1))
    assert (stats.members, stats.team_members) == (2, 1)
    assert stats.active_members_30d == 1
    assert stats.joined_7d == 1
    assert stats.events == 2
