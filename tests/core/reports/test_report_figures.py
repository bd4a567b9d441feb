"""The report's figures on small hand-checked fixtures: members, net growth, active share,
4-week retention, cohorts, growth, liability, warnings; team members never count."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from core.common.errors import UserError
from core.ledger.entries import award
from core.reports.build import build_report
from core.reports.cohorts import cohort_table, retention_4w, retention_weeks
from core.reports.findings import net_growth_line
from core.reports.growth import growth
from core.reports.health import community_health
from core.reports.period import Period, preset_period
from core.reports.stays import Activity, load_groups, load_stays
from core.reports.thresholds import Thresholds, load_thresholds, save_thresholds
from tests.core.reports.helpers import MONDAY, SUNDAY, act, group, person

WEEK = Period(MONDAY, SUNDAY)
NOW = datetime(2026, 12, 1, 12, 0)


def d(day: int, month: int = 11, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour)


def _kpis(session, period=WEEK):
    report = build_report(session, period, sheets=("概览",), now=NOW)
    return report, {kpi.key: kpi for kpi in report.kpis}


def test_members_net_growth_and_active_share_against_the_previous_week(database):
    with database.session() as session:
        g = group(session)
        a = person(session, g, "a")  # in all along, active this week
        act(session, a, g, d(24))
        b = person(session, g, "b", left=d(25))  # leaves this week
        c = person(session, g, "c", joined=d(24))  # joins this week, active
        act(session, c, g, d(26))
        person(session, g, "d", joined=d(18))  # joined last week
        person(session, g, "e", left=d(17))  # left last week
        f = person(session, g, "f")  # active last week only
        act(session, f, g, d(20))
        person(session, g, "g", joined=d(27))  # joins this week, silent
        owner = person(session, g, "店长", joined=d(24), is_team=True)
        act(session, owner, g, d(24), d(25), d(20))
        act(session, b, g, d(21))  # b counts last week: present then, active
        report, kpis = _kpis(session)
    # End of this week: a, c, d, f, g. End of last week: a, b, d, f.
    assert (kpis["members"].value, kpis["members"].previous) == (5, 4)
    # This week: joins c, g; leaves b. Last week: joins d; leaves e.
    assert (kpis["net_growth"].value, kpis["net_growth"].previous) == (1, 0)
    assert kpis["net_growth"].change is None  # from 0: no relative change to give
    # Active: a, c of five; last week b, f of four.
    assert kpis["active_share"].value == pytest.approx(2 / 5)
    assert kpis["active_share"].previous == pytest.approx(2 / 4)
    assert kpis["active_share"].change == pytest.approx(-0.1)
    assert report.findings[0] == "本周净增 1 人，环比 无可比数据"
    [health] = report.communities
    assert (health.members, health.joins, health.leaves, health.net) == (5, 2, 1, 1)
    assert health.roles == {"follower": 5}


def test_growth_line_counts_people_at_each_days_end(database):
    with database.session() as session:
        g, h = group(session), group(session, "二群")
        a = person(session, g, "a")
        from tests.core.reports.helpers import join

        join(session, a, h, joined=d(24))  # a second group: still one person
        person(session, g, "b", left=d(25, hour=9))
        person(session, g, "c", joined=d(27))
        stays = load_stays(session)
    points = growth(stays, WEEK)
    assert [p.members for p in points] == [2, 2, 1, 1, 2, 2, 2]
    assert [(p.joins, p.leaves) for p in points] == [
        (0, 0), (1, 0), (0, 1), (0, 0), (1, 0), (0, 0), (0, 0)
    ]  # fmt: skip


def test_four_week_retention_of_newcomers(database):
    # This week (23–29 Nov) is week W+4 of the join week 26 Oct – 1 Nov.
    assert retention_weeks(MONDAY, SUNDAY) == [date(2026, 10, 26)]
    with database.session() as session:
        g = group(session)
        kept = person(session, g, "留下", joined=d(27, 10))
        act(session, kept, g, d(25))
        gone = person(session, g, "走了", joined=d(28, 10), left=d(28))
        act(session, gone, g, d(24))  # active in W+4, but left before it ended
        quiet = person(session, g, "沉默", joined=datetime(2026, 11, 1, 23), level="newcomer")
        act(session, quiet, g, d(10))
        later = person(session, g, "晚一周", joined=d(2))
        act(session, later, g, d(25))
        staff = person(session, g, "客服", joined=d(27, 10), is_team=True)
        act(session, staff, g, d(25))
        stays, activity = load_stays(session), Activity(session)
        share = retention_4w(stays, activity, MONDAY, SUNDAY)
        _, kpis = _kpis(session)
    assert (share.count, share.of) == (1, 3)
    assert kpis["retention"].value == pytest.approx(1 / 3)
    assert kpis["retention"].previous is None  # nobody joined in the week before


def test_cohort_table_leaves_weeks_not_yet_over_blank(database):
    with database.session() as session:
        g = group(session)
        x = person(session, g, "x", joined=d(10))
        act(session, x, g, d(11), d(25))  # weeks 0 and 2
        y = person(session, g, "y", joined=d(12))
        act(session, y, g, d(18))  # week 1
        z = person(session, g, "z", joined=d(23))
        act(session, z, g, d(23, hour=12))
        table = cohort_table(load_stays(session), Activity(session), SUNDAY, cohorts=3,
                             weeks_since=2)  # fmt: skip
    rows = {row.week: row for row in table.rows}
    assert list(rows) == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    assert (rows[date(2026, 11, 9)].joined, rows[date(2026, 11, 9)].retained) == (2, [1, 1, 1])
    assert rows[date(2026, 11, 16)].retained == [0, 0, None]
    assert rows[date(2026, 11, 23)].retained == [1, None, None]
    assert rows[date(2026, 11, 9)].share(2) == pytest.approx(0.5)


def test_points_liability_at_the_end_of_each_period(database):
    with database.session() as session:
        g = group(session)
        a = person(session, g, "a")
        award(session, a, 100, reason="签到", now=d(20))
        award(session, a, 50, reason="签到", now=d(26))
        award(session, a, 999, reason="下周的", now=d(3, 12))
        _, kpis = _kpis(session)
    # 0.01 yuan per point: 100 points → ¥1.00 at last week's end, 150 → ¥1.50 at this one's.
    assert (kpis["points_liability"].value, kpis["points_liability"].previous) == (150, 100)
    assert kpis["points_liability"].change == pytest.approx(0.5)


def test_redemptions_in_the_period_and_their_cost(database):
    from core.ledger.catalogue import RewardSpec, redeem, save_reward

    with database.session() as session:
        g = group(session)
        a = person(session, g, "a")
        award(session, a, 500, reason="签到", now=d(1))
        bag = save_reward(session, RewardSpec("帆布袋", 100, cost_cents=1250))
        redeem(session, a, bag, now=d(20))  # last week: not this week's
        redeem(session, a, bag, now=d(24))
        redeem(session, a, bag, now=d(29, hour=23))
        redeem(session, a, bag, now=d(30))  # the day after the period
        report = build_report(session, WEEK, sheets=("积分",), now=NOW)
    spent = report.points.redemptions
    assert (spent.count, spent.points, spent.cost_cents) == (2, 200, 2500)
    # 500 − 100 − 100 − 100 by the week's end; 500 − 100 at last week's.
    assert (report.points.outstanding.points, report.points.previous.points) == (200, 400)


def test_content_planned_against_sent_and_the_best_items(database):
    from core.calendar.items import create_item, set_results
    from core.calendar.status import schedule
    from core.calendar.today import mark_sent

    with database.session() as session:
        g, other = group(session), group(session, "二群")

        def item(title, day, *, sent=None, joins=None, replies=None, where=g):
            row = create_item(session, title, planned_at=d(day), community_ids=[where], now=d(1))
            if sent is not None:
                schedule(session, row.id, now=d(1))
                mark_sent(session, row.id, now=d(day))
                set_results(session, row.id, joins=joins, replies=replies, now=d(day))
            return row

        item("早安", 23, sent=True, joins=2, replies=30)
        item("拼团", 25, sent=True, joins=9, replies=1)
        item("晚安", 26, sent=True, replies=50)
        item("草稿", 27)  # planned, not sent
        item("上周", 18, sent=True, joins=99)  # last week
        item("别的群", 24, sent=True, joins=50, where=other)
        whole = build_report(session, WEEK, sheets=("内容",), now=NOW)
        one = build_report(session, Period(MONDAY, SUNDAY, g, "读书会"), sheets=("内容",),
                           now=NOW)  # fmt: skip
    assert (whole.content.planned, whole.content.sent) == (5, 4)
    assert [i.title for i in whole.content.best] == ["别的群", "拼团", "早安", "晚安"]
    assert (one.content.planned, one.content.sent) == (4, 3)
    kpi = one.kpi("content_sent")
    assert (kpi.value, kpi.previous) == (pytest.approx(3 / 4), 1.0)
    assert kpi.detail == "已发送 3 / 计划 4"


def _crowd(session, g, count, *, joined=datetime(2025, 6, 1), level="newcomer"):
    return [person(session, g, f"m{n}", joined=joined, level=level) for n in range(count)]


def _health(session, period=WEEK):
    stays, activity, limits = load_stays(session), Activity(session), load_thresholds(session)
    return {
        health.name: health
        for health in (
            community_health(
                session,
                group_,
                [s for s in stays if s.community_id == group_.id],
                activity,
                period,
                limits,
            )
            for group_ in load_groups(session)
        )
    }


def test_warnings_new_group_losing_members_and_thresholds(database):
    with database.session() as session:
        losing = group(session, "新群流失", created_on=date(2026, 11, 20))
        members = _crowd(session, losing, 20, joined=d(20))
        from db.models import Membership

        def leave(member_ids):
            for member_id in member_ids:
                session.query(Membership).filter_by(member_id=member_id).update({"left_at": d(25)})

        leave(members[:4])  # 4 of 20: 20% > 15%
        steady = group(session, "新群稳定", created_on=date(2026, 11, 20))
        leave(_crowd(session, steady, 20, joined=d(20))[:3])  # 3 of 20: exactly 15%, not over
        old = group(session, "老群流失", created_on=date(2025, 1, 1))
        leave(_crowd(session, old, 20)[:4])  # losing, but not a new group
        found = _health(session)
    assert found["新群流失"].warnings == ["新群 7 天流失 20.0%（超过 15%）"]
    assert found["新群流失"].loss_7d.count == 4 and found["新群流失"].loss_7d.of == 20
    assert found["新群稳定"].warnings == []
    assert found["老群流失"].warnings == []  # and too small (16) for the share warnings


def test_warnings_interaction_silence_and_koc_share(database):
    with database.session() as session:
        quiet = group(session, "只签到")
        people = _crowd(session, quiet, 23) + _crowd(session, quiet, 2, level="kol")
        for member_id in people[:8]:
            act(session, member_id, quiet, d(27))  # check-ins only: nobody posted
        silent = group(session, "沉默群")
        people = _crowd(session, silent, 25)
        for member_id in people[:7]:
            act(session, member_id, silent, d(27), kind="message")
        found = _health(session)
    # 25 members; 0 posted (< 3%); 17 silent = 68% (not > 70%); KOC 2 = 8% (within 8–12%).
    assert found["只签到"].warnings == ["近 7 天互动率 0.0%（低于 3%）"]
    # 7 posted = 28%; 18 silent = 72% > 70%; no KOC at all.
    assert found["沉默群"].warnings == [
        "近 7 天 72.0% 的成员没有任何行为（超过 70%）",
        "KOC 占比 0.0%（建议 8%–12%）",
    ]
    with database.session() as session:
        save_thresholds(session, Thresholds(max_silent=0.75, koc_low=0.0))
    with database.session() as session:
        assert _health(session)["沉默群"].warnings == []


def test_thresholds_are_checked():
    with pytest.raises(UserError):
        from core.reports.thresholds import checked

        checked(Thresholds(koc_low=0.2, koc_high=0.1))


def test_periods_presets_and_the_previous_period():
    assert preset_period("weekly", date(2026, 12, 2)) == (MONDAY, SUNDAY)
    assert preset_period("monthly", date(2026, 12, 2)) == (date(2026, 11, 1), date(2026, 11, 30))
    month = Period(date(2026, 11, 1), date(2026, 11, 30))
    assert (month.previous().start, month.previous().end) == (date(2026, 10, 2), date(2026, 10, 31))
    assert (WEEK.kind, month.kind, Period(MONDAY, MONDAY + timedelta(days=2)).kind) == (
        "week", "month", "other"
    )  # fmt: skip
    with pytest.raises(UserError):
        Period(SUNDAY, MONDAY)


def test_findings_are_messages_with_their_template():
    from core.reports.figures import Kpi

    line = net_growth_line("week", Kpi("net_growth", "净增", "count", 312, 264))
    assert line == "本周净增 312 人，环比 +18%"
    assert line.template == "本周净增 {n} 人，环比 {change}"
