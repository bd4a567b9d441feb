"""One participant's subtree by a recursive query, on the 15-person campaign in the database:
who brought them, whom they brought, everyone below by wave, as the pure tree counts them;
a cycle ends. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from core.campaigns.people import descendants
from core.campaigns.subtree import subtree
from core.campaigns.waves import build_tree
from core.referrals.edges import live_key
from db.referral_models import Campaign, ReferralEdge
from tests.core.campaigns import tree15, tree15_db
from tests.core.campaigns.tree15 import at


def test_subtree_of_a_seed_and_of_a_duplicate(database):
    with database.session() as session:
        campaign = tree15_db.load(session)
        one = subtree(session, campaign, 1)
        nine = subtree(session, campaign, 9)
        six = subtree(session, campaign, 6)
        every = {m: subtree(session, campaign, m) for m in tree15.JOINED}
    assert (one.inviter_id, one.joined_at) == (None, None)
    assert one.invitees == [4, 5, 6]
    assert one.by_wave == [3, 3, 3, 1]  # 4 5 6 · 8 9 10 · 12 13 14 · 15
    assert [(n.member_id, n.parent_id) for n in one.nodes if n.depth == 4] == [(15, 12)]
    assert (nine.inviter_id, nine.joined_at, nine.nodes) == (4, at(40), [])  # 4 came first
    assert six.invitees == []  # 6's edge to 9 counts under 4
    tree = build_tree(tree15.edges())
    below = descendants(tree)
    assert {m: s.descendants for m, s in every.items()} == below
    assert {m: s.inviter_id for m, s in every.items()} == tree.parent


def test_a_cycle_ends(database):
    with database.session() as session:
        tree15_db.load(session)
        campaign = Campaign(name="环")
        session.add(campaign)
        session.flush()
        for inviter, invitee in ((1, 2), (2, 3), (3, 1)):
            session.add(ReferralEdge(
                inviter_id=inviter, invitee_id=invitee, campaign_id=campaign.id,
                occurred_at=datetime(2026, 3, 1), how="code", sources=1, status="verified",
                live_key=live_key(invitee, campaign.id, None),
            ))  # fmt: skip
        session.flush()
        found = subtree(session, campaign.id, 1)
    assert found.inviter_id == 3
    assert [(n.member_id, n.depth) for n in found.nodes] == [(2, 1), (3, 2)]
