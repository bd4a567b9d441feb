"""The dashboard's own figures (weekday × hour, leaves by days since joining) and the members
behind every number, on hand-checked fixtures: each list has exactly the people its figure
counted."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.common.errors import UserError
from core.ledger.entries import award
from core.reports.build import build_report
from core.reports.dashboard import dashboard, members_behind
from core.reports.period import Period
from tests.core.reports.helpers import MONDAY, SUNDAY, act, group, person

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
    heat = board.heat
    # Tuesday (row 1) 10:00: a, n, x (the owner never counts); 21:00: a; Thursday 10:00: c.
    assert (heat[1][10], heat[1][21], heat[3][10]) == (3, 1, 1)
    assert sum(map(sum, heat)) == 5
    # b left after 5 days; long after > 365; old's join time is unknown.
    assert [(bucket.first, bucket.leaves) for bucket in board.tenure] == [
        (0, 1), (8, 0), (31, 0), (91, 0), (181, 0), (366, 1), (-1, 1)
    ]  # fmt: skip
    assert board.tenure[0].label == "0–7 天"
    assert board.tenure[-1].label == "入群时间不详"


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
        assert members_behind(session, WEEK, "heat:1:10") == sorted([p["a"], p["n"], p["x"]])
        assert members_behind(session, one, "heat:1:10") == [p["x"]]
        assert members_behind(session, WEEK, "heat:1:21") == [p["a"]]
        assert members_behind(session, WEEK, "tenure:0") == [p["b"]]
        assert members_behind(session, WEEK, "tenure:6") == [p["old"]]
        assert members_behind(session, WEEK, "growth:2026-11-24") == [p["c"]]
        assert members_behind(session, WEEK, "growth:2026-11-25") == []
        assert members_behind(session, WEEK, "level:newcomer") == sorted(
            [p["a"], p["c"], p["n"], p["x"]]
        )
        with pytest.raises(UserError):
            members_behind(session, WEEK, "nonsense")
