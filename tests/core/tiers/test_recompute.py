"""Recomputing levels over a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.tiers.figures import load_figures
from core.tiers.ladder import DEFAULT_LADDER, ladder_to_json, save_ladder
from core.tiers.recompute import recompute_levels
from db.models import ActivityEvent, LevelChange, Member, Membership
from tests.core.tiers.helpers import NOW, community, events, level_of, member


def big_community(session, size=60):
    """A community past cold start (default 50 members), with `size` quiet members."""
    cid = community(session)
    for n in range(size):
        member(session, cid, f"路人{n}")
    return cid


def test_figures_count_distinct_days_and_the_window(database):
    with database.session() as session:
        cid = community(session)
        mid = member(session, cid)
        events(session, mid, cid, "message", [1, 1, 2], per_day=3)  # 9 messages on 2 days
        events(session, mid, cid, "checkin", [1, 200])  # one inside, one outside 100 days
        events(session, mid, cid, "violation", [5])  # not an active day
        figs = load_figures(session, NOW - timedelta(days=100))[(mid, cid)]
    assert figs.window["active_days"] == 2
    assert figs.window["messages"] == 9
    assert figs.window["checkins"] == 1
    assert figs.all_time["checkins"] == 2
    assert figs.all_time["active_days"] == 3
    assert figs.last_active_at == NOW - timedelta(days=1)


def test_events_without_a_community_count_in_each_of_the_members_communities(database):
    with database.session() as session:
        first, second = community(session, "甲群"), community(session, "乙群")
        mid = member(session, first)
        session.add(Membership(member_id=mid, community_id=second, joined_at=NOW))
        events(session, mid, first, "message", [3])
        events(session, mid, None, "purchase", [3, 4])
        figs = load_figures(session, NOW - timedelta(days=100))
    assert figs[(mid, first)].window["active_days"] == 2  # day 3 once, day 4
    assert figs[(mid, first)].window["purchases"] == 2
    assert figs[(mid, second)].window["purchases"] == 2
    assert figs[(mid, second)].window.get("messages", 0) == 0


def test_recompute_promotes_writes_history_and_is_stable(database):
    with database.session() as session:
        cid = big_community(session)
        mid = member(session, cid, "张小凡")
        events(session, mid, cid, "message", range(1, 21), per_day=2)
        events(session, mid, cid, "checkin", range(1, 11))
        first = recompute_levels(session, now=NOW, operator="测试")
        assert level_of(session, mid, cid) == "active"
        again = recompute_levels(session, now=NOW)
        history = session.scalars(select(LevelChange).where(LevelChange.member_id == mid)).all()
    assert first.promoted == 1 and first.demoted == 0
    assert again.changed == 0
    assert [(h.from_level, h.to_level, h.cause, h.operator) for h in history] == [
        ("newcomer", "active", "promote", "测试")
    ]
    assert "活跃天数 20/15" in history[0].reason


def test_demotion_waits_for_grace_then_the_low_water_mark(database):
    with database.session() as session:
        cid = big_community(session)
        mid = member(session, cid)
        events(session, mid, cid, "message", range(1, 4))  # 3 active days: participant
        recompute_levels(session, now=NOW)
        assert level_of(session, mid, cid) == "participant"
        # 98 days later two of the three days have left the 100-day window.
        later = NOW + timedelta(days=98)
        recompute_levels(session, now=later)
        assert level_of(session, mid, cid) == "newcomer"
        # Promoted again, then quiet: inside the 14-day grace nothing happens.
        events(session, mid, cid, "message", [-97, -96, -95])
        recompute_levels(session, now=later)
        assert level_of(session, mid, cid) == "participant"
        session.execute(ActivityEvent.__table__.delete().where(ActivityEvent.member_id == mid))
        recompute_levels(session, now=later + timedelta(days=13))
        assert level_of(session, mid, cid) == "participant"
        recompute_levels(session, now=later + timedelta(days=14))
        assert level_of(session, mid, cid) == "newcomer"


def test_locked_and_team_members_are_left_alone(database):
    with database.session() as session:
        cid = big_community(session)
        locked = member(session, cid, "锁定")
        team = member(session, cid, "店长", is_team=True)
        for mid in (locked, team):
            events(session, mid, cid, "message", range(1, 30))
        session.execute(
            Membership.__table__.update()
            .where(Membership.member_id == locked)
            .values(level_locked=True)
        )
        result = recompute_levels(session, now=NOW)
        assert level_of(session, locked, cid) == "newcomer"
        assert level_of(session, team, cid) == "newcomer"
    assert result.changed == 0
    assert result.examined == 61  # 60 quiet members and the locked one; the team member is out


def test_cold_start_ends_when_the_community_grows(database):
    with database.session() as session:
        cid = community(session)
        first = member(session, cid, "元老")
        recompute_levels(session, now=NOW)
        assert level_of(session, first, cid) == "participant"  # a small group: one level up
        for n in range(50):
            member(session, cid, f"新人{n}")
        recompute_levels(session, now=NOW + timedelta(days=20))  # after the grace period
        assert level_of(session, first, cid) == "newcomer"


def test_a_community_ladder_overrides_the_shared_one(database):
    with database.session() as session:
        cid = big_community(session)
        mid = member(session, cid)
        events(session, mid, cid, "checkin", [1])
        raw = ladder_to_json(DEFAULT_LADDER)
        raw["levels"][1]["window"] = {"checkins": 1}
        save_ladder(session, raw, community_id=cid)
        recompute_levels(session, now=NOW)
        assert level_of(session, mid, cid) == "participant"


def test_incremental_run_touches_only_the_given_members(database):
    with database.session() as session:
        cid = big_community(session)
        a, b = member(session, cid, "甲"), member(session, cid, "乙")
        for mid in (a, b):
            events(session, mid, cid, "message", range(1, 5))
        result = recompute_levels(session, [a], now=NOW)
        assert (level_of(session, a, cid), level_of(session, b, cid)) == ("participant", "newcomer")
        assert result.examined == 1
        recompute_levels(session, now=NOW)
        assert level_of(session, b, cid) == "participant"
        assert session.get(Member, b) is not None


def test_recorded_activity_earns_points_and_a_points_criterion_counts_them(database):
    from core.activity.record import NewEvent
    from core.ledger.balances import balance
    from core.workflows.activity import record_activity

    with database.session() as session:
        cid = big_community(session)
        mid = member(session, cid)
        raw = ladder_to_json(DEFAULT_LADDER)
        raw["levels"][1]["window"] = {"points": 10}  # 参与者: 10 qualifying points
        save_ladder(session, raw)
        checkin = NewEvent(mid, "checkin", NOW - timedelta(days=1), cid, source_ref="t:1")
        first = record_activity(session, [checkin], source="manual", now=NOW)
        assert first.points_entries == 1
        assert level_of(session, mid, cid) == "newcomer"  # 5 points so far
        second = record_activity(
            session,
            [checkin, NewEvent(mid, "checkin", NOW - timedelta(days=2), cid, source_ref="t:2")],
            source="manual",
            now=NOW,
        )
        assert (second.added, second.skipped, second.points_entries) == (1, 1, 1)
        assert balance(session, mid, now=NOW).available == 10
        assert level_of(session, mid, cid) == "participant"


def test_a_recalculation_as_of_an_earlier_day_ignores_what_came_after(database):
    with database.session() as session:
        cid = big_community(session)
        mid = member(session, cid)
        events(session, mid, cid, "message", [1, 2, 3])  # the last three days
        recompute_levels(session, now=NOW - timedelta(days=10))
        assert level_of(session, mid, cid) == "newcomer"
        recompute_levels(session, now=NOW)
        assert level_of(session, mid, cid) == "participant"
