"""The funnel against a hand-computed campaign that pins each boundary (funnel_fixture.py):
week 4 by elapsed days from joining, a team member, a member who left in week 3, purchases
around the campaign's end and after AS_OF, an invitee in two communities. The same figures
from core (read_inputs + funnel), from the benchmark's bare SQL query, and as member ids per
stage (funnel_members). SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
from datetime import date

import pytest

from core.campaigns.funnel import STAGES, funnel
from core.campaigns.funnel_members import funnel_members
from core.campaigns.inputs_sql import read_inputs
from core.campaigns.waves import build_tree
from core.common.errors import UserError
from core.reports.dashboard import members_behind
from core.reports.period import Period
from tests.core.campaigns import funnel_fixture as fx
from tests.test_layers import ROOT


def _stages(session, campaign_id):
    inputs = read_inputs(session, campaign_id, fx.AS_OF)
    return {s.key: s for s in funnel(build_tree(inputs.edges), inputs.facts, fx.AS_OF)}


def test_the_funnel_pins_each_boundary(database):
    with database.session(write=True) as session:
        stages = _stages(session, fx.load(session))
    got = {key: (stage.count, stage.measurable) for key, stage in stages.items()}
    assert got == fx.EXPECTED
    assert stages["revenue"].amount == fx.REVENUE


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    return importlib.import_module("campaign_sql")


def test_the_benchmarks_bare_query_gives_the_same_figures(database, bench):
    with database.session(write=True) as session:
        campaign_id = fx.load(session)
        bare = bench.bare_figures(session, campaign_id, fx.AS_OF)
    assert bare == (*(count for count, _ in fx.EXPECTED.values()), int(fx.REVENUE * 100))


def test_the_members_of_each_stage(database):
    with database.session(write=True) as session:
        campaign_id = fx.load(session)
        stages = _stages(session, campaign_id)
        for key in STAGES:
            ids = funnel_members(session, campaign_id, key, fx.AS_OF)
            assert ids == fx.MEMBERS[key], key
            assert len(ids) == stages[key].count, key
        with pytest.raises(UserError, match="漏斗"):
            funnel_members(session, campaign_id, "nonsense", fx.AS_OF)


def test_the_dashboard_opens_a_stage_by_its_target(database):
    period = Period(date(2026, 3, 1), date(2026, 4, 19))  # as of its end: day 49 15:00
    with database.session(write=True) as session:
        campaign_id = fx.load(session)
        for key in STAGES:
            target = f"campaign:{campaign_id}:{key}"
            assert members_behind(session, period, target) == fx.MEMBERS[key], key
        for bad in ("campaign:x:retained", f"campaign:{campaign_id}:nonsense"):
            with pytest.raises(UserError):
                members_behind(session, period, bad)
