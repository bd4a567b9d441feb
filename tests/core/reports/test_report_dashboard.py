"""The dashboard's own figures (weekday × hour, leaves by days since joining) and the members
behind every number, on hand-checked fixtures: each list has exactly the people its figure
counted."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from core.chat.insights import heat_map
from core.common.errors import UserError
from core.ledger.entries import award
from core.reports.build import build_report
from core.reports.dashboard import dashboard, members_behind
from core.reports.period import Period
from db.models import Member
from tests.core.reports.helpers import MONDAY, SUNDAY, act, group, person, say

WEEK = Period(MONDAY, SUNDAY)
NOW = datetime(2026, 12, 1, 12, 0)


def d(day: int, month: int = 11, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour)


def _seed(session) -> dict:
    g = group(session)
    other = group(session, "跑步群")
    a = person(session, g, "a")  # in all along; active Tuesday 10:00 and 21:00
    act(session, a, g, d(24, hour=10), d(24, hour=21))
    b = person(session, g, "b", joined=d(20), left=d(25))  # left after 5 days
    c = person(session, g, "c", joined=d(24))  # joined this week, active Thursday 10:00
    act(session, c, g, d(26))
    old = person(session, g, "old", joined=None, left=d(28))  # left, join time unknown
    long = person(session, g, "long", joined=datetime(2025, 1, 1), left=d(27))  # > 365 days
    n = person(session, g, "n", joined=d(26, 10))  # newcomer of 26 Oct, active in week W+4
    act(session, n, g, d(24))
    x = person(session, other, "x")  # the other group: active Tuesday 10:00 too
    act(session, x, other, d(24))
    owner = person(session, g, "店长", joined=d(24), is_team=True)  # never counts
    act(session, owner, g, d(24), d(24, hour=21))
    award(session, a, 100, reason="签到", now=d(20))
    award(session, x, 30, reason="签到", now=d(21))
    return {"g": g, "other": other, "a": a, "b": b, "c": c, "old": old, "long": long,
            "n": n, "x": x}  # fmt: skip


def test_heat_map_and_leaves_by_days_since_joining(database):
    with database.session() as session:
        _seed(session)
        board = dashboard(session, WEEK, now=NOW)
        alone = build_report(session, WEEK, now=NOW)
    # The stays read once for the report and the charts give the report's own figures.
    assert board.report.kpis == alone.kpis
    assert board.report.growth == alone.growth
    # Activity records are not chat: with no chat history the heat map is empty and says so.
    assert board.heat.total == 0 and not board.chat_history
    # b left after 5 days; long after > 365; old's join time is unknown.
    assert [(bucket.first, bucket.leaves) for bucket in board.tenure] == [
        (0, 1), (8, 0), (31, 0), (91, 0), (181, 0), (366, 1), (-1, 1)
    ]  # fmt: skip
    assert board.tenure[0].label == "0–7 天"
    assert board.tenure[-1].label == "入群时间不详"


def _chat(session, p: dict) -> None:
    """接龙 check-ins parked at noon on Tuesday; chat messages on Tuesday at 20:xx (a twice,
    x once in the other group), one Windows-copied message (no time of day), the owner's
    message (team), and one of a's the week before (outside the period)."""
    for member in (p["a"], p["c"], p["n"]):
        act(session, member, p["g"], d(24, hour=12), kind="checkin")
    say(session, p["a"], p["g"], datetime(2026, 11, 24, 20, 5), datetime(2026, 11, 24, 20, 40))
    say(session, p["x"], p["other"], datetime(2026, 11, 24, 20, 15))
    say(session, p["c"], p["g"], d(24, hour=0), d(26, hour=0), known=False)
    owner = session.scalar(select(Member.id).where(Member.is_team.is_(True)))
    say(session, owner, p["g"], datetime(2026, 11, 24, 20, 0))
    say(session, p["a"], p["g"], datetime(2026, 11, 17, 20, 0))


def test_the_heat_map_counts_chat_messages_not_activity_records(database):
    with database.session() as session:
        p = _seed(session)
        _chat(session, p)
        board = dashboard(session, WEEK, now=NOW)
        one = dashboard(session, Period(MONDAY, SUNDAY, p["other"], "跑步群"), now=NOW)
        # The same core/chat function the 社群 tab draws.
        assert board.heat == heat_map(session, None, since=WEEK.start_at, until=WEEK.end_at)
        behind = members_behind(session, WEEK, "heat:1:20")
        noon = members_behind(session, WEEK, "heat:1:12")
        midnight = members_behind(session, WEEK, "heat:1:0")
        other = members_behind(session, one.report.period, "heat:1:20")
    heat = board.heat.counts
    # Tuesday (row 1): noon's check-ins count nowhere; 20:00 carries a twice and x.
    assert heat[1][12] == 0 and heat[1][20] == 3
    assert board.heat.total == 3 and board.chat_history
    # The Windows-copied messages (stored at midnight) count in no hour.
    assert heat[1][0] == 0 and heat[3][0] == 0 and board.heat.untimed == 2
    assert behind == sorted([p["a"], p["x"]]) and noon == [] and midnight == []
    assert one.heat.counts[1][20] == 1 and other == [p["x"]]


def test_every_kpi_opens_the_members_it_counted(database):
    with database.session() as session:
        p = _seed(session)
        report = build_report(session, WEEK, sheets=("概览",), now=NOW)
        behind = {
            key: members_behind(session, WEEK, key)
            for key in ("members", "net_growth", "active_share", "retention", "points_liability")
        }
    kpis = {kpi.key: kpi for kpi in report.kpis}
    assert behind["members"] == sorted([p["a"], p["c"], p["n"], p["x"]])
    assert kpis["members"].value == 4
    # Joined c (n joined on 26 Oct); left b, old, long.
    assert behind["net_growth"] == sorted([p["c"], p["b"], p["old"], p["long"]])
    assert kpis["net_growth"].value == 1 - 3
    assert behind["active_share"] == sorted([p["a"], p["c"], p["n"], p["x"]])
    assert kpis["active_share"].value == pytest.approx(4 / 4)
    # The join week of 26 Oct has its week W+4 (23–29 Nov) in the period: n, retained.
    assert behind["retention"] == [p["n"]]
    assert kpis["retention"].value == pytest.approx(1.0)
    assert behind["points_liability"] == sorted([p["a"], p["x"]])


def test_a_community_and_the_bars_open_their_members(database):
    with database.session() as session:
        p = _seed(session)
        one = Period(MONDAY, SUNDAY, p["other"], "跑步群")
        assert members_behind(session, one, "members") == [p["x"]]
        assert members_behind(session, WEEK, f"community:{p['g']}") == sorted(
            [p["a"], p["c"], p["n"]]
        )
        assert members_behind(session, WEEK, "tenure:0") == [p["b"]]
        assert members_behind(session, WEEK, "tenure:6") == [p["old"]]
        assert members_behind(session, WEEK, "growth:2026-11-24") == [p["c"]]
        assert members_behind(session, WEEK, "growth:2026-11-25") == []
        assert members_behind(session, WEEK, "level:newcomer") == sorted(
            [p["a"], p["c"], p["n"], p["x"]]
        )
        with pytest.raises(UserError):
            members_behind(session, WEEK, "nonsense")
