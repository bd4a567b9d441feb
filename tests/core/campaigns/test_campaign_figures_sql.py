"""The figures fed from the database equal the pure figures on the hand-computed 15-person
campaign (tests/core/campaigns/tree15.py) written into it. SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import asdict

from core.campaigns.figures import campaign_figures
from core.campaigns.funnel import funnel
from core.campaigns.inputs import Costs
from core.campaigns.inputs_sql import read_inputs
from core.campaigns.people import leaderboard, top_connectors
from core.campaigns.waves import build_tree
from db.referral_models import InviteCode
from tests.core.campaigns import tree15, tree15_db
from tests.core.campaigns.tree15 import AS_OF


def _pure():
    tree = build_tree(tree15.edges())
    return tree, tree15_db.facts_without_posters()


def test_sql_figures_equal_the_pure_figures(database):
    with database.session() as session:
        campaign_id = tree15_db.load(session)
        inputs = read_inputs(session, campaign_id, AS_OF)
    tree, facts = _pure()
    fed = build_tree(inputs.edges)
    assert fed.waves == tree.waves
    assert fed.parent == tree.parent and fed.duplicates == tree.duplicates == 1
    assert inputs.costs == Costs()
    want = campaign_figures(tree, facts, Costs(), AS_OF)
    got = campaign_figures(fed, inputs.facts, inputs.costs, AS_OF)
    assert asdict(got) == asdict(want)
    assert got.revenue == 648  # 300 + 99 + 199 + 50; the purchase before joining does not count
    assert (got.retained.count, got.active_after_30.count) == (6, 3)
    assert funnel(fed, inputs.facts, AS_OF) == funnel(tree, facts, AS_OF)
    assert top_connectors(fed) == top_connectors(tree)
    assert leaderboard(fed, verified_only=True) == leaderboard(tree, verified_only=True)


def test_reached_counts_code_holders(database):
    with database.session() as session:
        inputs = read_inputs(session, tree15_db.load(session), AS_OF)
    assert sorted(m for m, f in inputs.facts.items() if f.code_issued) == sorted(tree15.CODES)
    assert [m for m, f in inputs.facts.items() if f.shared] == [13]


def test_a_code_holder_whose_edges_were_all_rejected_takes_no_part(database):
    with database.session() as session:
        campaign_id = tree15_db.load(session)
        session.add(InviteCode(value="C0016", member_id=16, campaign_id=campaign_id,
                               issued_at=tree15.at(70), origin="campaign"))  # fmt: skip
        session.flush()
        inputs = read_inputs(session, campaign_id, AS_OF)
    tree = build_tree(inputs.edges)
    assert 16 not in tree.parent and tree.participants == 15
    assert inputs.facts[16].code_issued  # reached, all the same
