"""Per-community summary on a small hand-built group whose every figure is known."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.communities.summary import community_summary, growth_series, week_start
from db.models import Member, Membership
from tests.core.communities.builders import act, add_community, add_member, join

NOW = datetime(2026, 11, 25, 12, 0)  # a Wednesday: the week began Monday the 23rd


@pytest.fixture
def group(database):
    """Who is in 烘焙群, and what they did (see each line)."""
    with database.session() as session:
        c = add_community(session, "烘焙群")
        elsewhere = add_community(session, "别的群")
        boss = add_member(session, "店长", is_team=True)
        join(session, boss, c, datetime(2026, 1, 10), role="manager")
        act(session, boss, c, NOW - timedelta(days=1))  # team: never in the active share
        a = add_member(session, "阿香")
        join(session, a, c, datetime(2025, 12, 1), role="leader")
        act(session, a, c, NOW - timedelta(days=2))  # active in 7 and 30 days
        b = add_member(session, "小贝")
        join(session, b, c, datetime(2026, 11, 24, 9, 0))  # joined this week
        cc = add_member(session, "陈晨")
        join(session, cc, c, datetime(2026, 11, 5), role="executor")  # joined this month
        act(session, cc, c, NOW - timedelta(days=15))  # active in 30 days only
        d = add_member(session, "丁丁")
        join(session, d, c, datetime(2026, 6, 1), left_at=datetime(2026, 11, 24, 8, 0))
        act(session, d, c, NOW - timedelta(days=1))  # left: not in the share any more
        e = add_member(session, "鹅鹅")
        join(session, e, c, datetime(2026, 3, 1), left_at=datetime(2026, 11, 10))  # month
        f = add_member(session, "阿飞")
        join(session, f, c, None)  # imported without a join date
        g = add_member(session, "阿香小号", merged_into_id=a)
        join(session, g, c, datetime(2026, 11, 24, 10, 0))  # merged: counted nowhere
        act(session, g, c, NOW - timedelta(days=1))
        h = add_member(session, "小黄")
        join(session, h, c, datetime(2026, 2, 1))
        act(session, h, elsewhere, NOW - timedelta(days=1))  # active, but in another group
        i = add_member(session, "一一")
        join(session, i, c, datetime(2026, 4, 1), role="connector")
        act(session, i, c, NOW - timedelta(days=8))  # 30 days, not 7
        act(session, i, c, NOW + timedelta(days=1))  # after "now": ignored
    return c


def test_figures(database, group):
    with database.session() as session:
        summary = community_summary(session, group, now=NOW)
    assert summary.members_now == 7  # boss a b cc f h i
    assert (summary.joined_week, summary.left_week) == (1, 1)  # b; d
    assert (summary.joined_month, summary.left_month) == (2, 2)  # b cc; d e
    assert summary.active_base == 6
    assert (summary.active_7d, summary.active_30d) == (1, 3)  # a; a cc i
    assert summary.active_share_7d == pytest.approx(1 / 6)
    assert summary.active_share_30d == pytest.approx(0.5)
    assert summary.roles == {
        "manager": 1,
        "leader": 1,
        "executor": 1,
        "follower": 3,
        "connector": 1,
        "contributor": 0,
    }


def test_growth_series(database, group):
    with database.session() as session:
        series = growth_series(session, group, now=NOW)
        spans = session.execute(
            select(Membership.joined_at, Membership.left_at, Membership.member_id).where(
                Membership.community_id == group
            )
        ).all()
        merged = set(session.scalars(select(Member.id).where(Member.merged_into_id.is_not(None))))
    assert len(series) == 52
    assert series[-1].day == date(2026, 11, 25) and series[-1].members == 7
    assert series[-2].day == date(2026, 11, 22) and series[-2].members == 7  # d still in, no b
    by_day = {p.day: p.members for p in series}
    assert by_day[date(2026, 11, 8)] == 8  # e left on the 10th
    assert series[0].day == date(2025, 12, 7) and series[0].members == 2  # a and f
    assert all(p.day.weekday() == 6 for p in series[:-1])  # Sundays

    # The same figures counted the slow way, in Python, for every point.
    for point in series:
        end = NOW if point is series[-1] else datetime.combine(point.day, datetime.min.time())
        if point is not series[-1]:
            end += timedelta(days=1)
        expected = sum(
            1
            for joined, left, member in spans
            if member not in merged
            and (joined is None or joined < end)
            and (left is None or left >= end)
        )
        assert point.members == expected, point


def test_an_empty_community(database):
    with database.session() as session:
        c = add_community(session)
        summary = community_summary(session, c, now=NOW)
    assert summary.members_now == 0
    assert summary.active_share_7d is None
    assert [p.members for p in summary.growth] == [0] * 52


def test_week_start_is_monday():
    assert week_start(date(2026, 11, 25)) == datetime(2026, 11, 23)
    assert week_start(date(2026, 11, 23)) == datetime(2026, 11, 23)
    assert week_start(date(2026, 11, 29)) == datetime(2026, 11, 23)


def test_summary_of_a_month_starting_mid_week(database):
    """On Tuesday 1 December the month began after the week: each window counts on its own."""
    with database.session() as session:
        c = add_community(session)
        m = add_member(session, "甲")
        join(session, m, c, datetime(2026, 11, 30, 10, 0))  # Monday: this week, last month
        summary = community_summary(session, c, now=datetime(2026, 12, 1, 12, 0))
    assert (summary.joined_week, summary.joined_month) == (1, 0)
