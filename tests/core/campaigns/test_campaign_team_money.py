"""Team members' purchases count in neither the campaign's revenue nor its ROI, as they count in
no funnel stage (DOMAIN: team members are excluded from statistics; one rule, inputs.counted).
funnel_fixture's team member 8 bought ¥500: the revenue is the funnel's ¥179, in the report, the
概况's counts read (core/campaigns/live's money) and the pure figures alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from core.campaigns.figures import campaign_figures, money
from core.campaigns.funnel import funnel
from core.campaigns.inputs import Costs, Edge, MemberFacts
from core.campaigns.report import read_campaign
from core.campaigns.waves import build_tree
from tests.core.campaigns import funnel_fixture as fx


def test_a_team_members_purchase_is_no_revenue():
    t0 = fx.T0
    tree = build_tree([Edge(None, 1, t0), Edge(1, 2, t0), Edge(1, 3, t0 + timedelta(hours=1))])
    facts = {
        2: MemberFacts(2, revenue=Decimal(120), purchases=1),
        3: MemberFacts(3, revenue=Decimal(500), purchases=1, team=True),
    }
    cost, revenue, roi = money(tree, facts, Costs(prizes=Decimal(100)))
    assert (cost, revenue, roi) == (Decimal(100), Decimal(120), 0.2)
    stages = {stage.key: stage for stage in funnel(tree, facts)}
    assert stages["revenue"].amount == revenue
    # the same purchase by a member who is not on the team counts
    facts[3] = replace(facts[3], team=False)
    assert money(tree, facts, Costs(prizes=Decimal(100)))[1:] == (Decimal(620), 5.2)


def test_the_reports_revenue_leaves_the_team_out(database):
    with database.session(write=True) as session:
        campaign_id = fx.load(session)
        full = read_campaign(session, campaign_id, fx.AS_OF)
        counts = read_campaign(session, campaign_id, fx.AS_OF, counts_only=True)
    figures = campaign_figures(full.tree, full.inputs.facts, full.inputs.costs, fx.AS_OF)
    paying = next(s for s in funnel(full.tree, full.inputs.facts, fx.AS_OF) if s.key == "revenue")
    assert figures.revenue == paying.amount == fx.REVENUE
    assert money(counts.tree, counts.inputs.facts, counts.inputs.costs)[1] == fx.REVENUE
