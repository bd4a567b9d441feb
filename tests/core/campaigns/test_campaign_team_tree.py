"""Team members (owner, staff) are in none of a campaign's tree figures (DOMAIN: team members
are excluded from statistics): no participant, no wave, no connector, no rank, no prize; the
people one brought are seeds (the operator's own seeding), so K measures member-to-member
spread. Hours after T0, `inviter → invitee @ hour`; 90 and 91 are staff:

    seeds            1 @0 (code)       90 @0 (staff, code: brought 4 5 6 by the group QR)
    1 → 2 @10   1 → 3 @20   90 → 4 @5   90 → 5 @6   90 → 6 @7   5 → 91 @15 (staff)
    4 → 7 @30   2 → 8 @40

Counted: participants 1–8; seeds 1 4 5 6; wave 1: 2 3 7; wave 2: 8. K₀ = 3/4, K₁ = 1/3, K =
(3 + 1) / (4 + 3) = 4/7. Cycle times 1: 10 h, 4: 25 h, 2: 30 h → median 25 h. With the staff
counted (main's figures) 90 tops every board: K₀ = 5/2, cycle time median 10 h.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.campaigns.cascade import campaign_waves
from core.campaigns.facts_sql import load_facts
from core.campaigns.figures import campaign_figures
from core.campaigns.funnel import funnel
from core.campaigns.inputs import Edge, MemberFacts, team_of
from core.campaigns.people import leaderboard, top_connectors
from core.campaigns.report import campaign_report, read_campaign
from core.campaigns.rewards import decide
from core.campaigns.rewards.invites import standings
from core.campaigns.settings import parse
from core.campaigns.waves import build_tree, counted_edges
from core.referrals.edges import live_key
from db.models import Community, Member
from db.referral_models import Campaign, InviteCode, ReferralEdge
from tests.core.campaigns import rules_helpers

T0 = datetime(2026, 3, 1, 9, 0)
STAFF, STAFF_INVITED = 90, 91
TEAM = {STAFF, STAFF_INVITED}
JOINS = [(1, 2, 10), (1, 3, 20), (90, 4, 5), (90, 5, 6), (90, 6, 7), (5, 91, 15), (4, 7, 30),
         (2, 8, 40)]  # fmt: skip


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def edges() -> list[Edge]:
    seeds = [Edge(None, 1, at(0)), Edge(None, STAFF, at(0))]
    return seeds + [Edge(a, b, at(h)) for a, b, h in JOINS]


def facts() -> dict[int, MemberFacts]:
    return {member: MemberFacts(member, team=True) for member in TEAM}


def test_a_team_member_is_no_participant_and_whom_they_brought_are_seeds():
    tree = build_tree(edges(), TEAM)
    assert tree.waves == [[1, 4, 5, 6], [2, 3, 7], [8]]
    assert STAFF not in tree.parent and STAFF_INVITED not in tree.parent
    assert tree.parent[4] is None and STAFF not in tree.children
    assert 5 not in tree.children  # 5 brought only a staff member: nobody counted
    # main's tree, every member counted: the staff member seeds wave 0 and brings wave 1
    assert build_tree(edges()).waves == [[1, 90], [2, 3, 4, 5, 6], [8, 7, 91]]


def test_participants_k_per_wave_and_rates_leave_the_team_out():
    tree = build_tree(edges(), team_of(facts()))
    figures = campaign_figures(tree, facts())
    # new members: everyone who joined through an invite, the staff's too (2–8), the funnel's
    # 入群; 裂变率 counts only those a member brought (2, 3, 7, 8)
    assert (figures.participants, figures.seeds, figures.invitees) == (8, 4, 7)
    joined = next(stage for stage in funnel(tree, facts()) if stage.key == "joined")
    assert figures.invitees == joined.count
    assert figures.members_per_depth == [4, 3, 1]
    assert [(w.participants, w.brought) for w in figures.waves] == [(4, 3), (3, 1), (1, 0)]
    assert [w.k for w in figures.waves[:2]] == pytest.approx([3 / 4, 1 / 3])
    assert figures.k == pytest.approx(4 / 7)
    assert figures.amplification == pytest.approx((4 / 7) / (3 / 7))
    assert figures.fission_rate == pytest.approx(4 / 8)
    # who shared: 1, 2, 4 and 5 (5's invite of a staff member is still a share); not 90
    assert (figures.share_rate.count, figures.share_rate.of) == (4, 8)
    everyone = campaign_figures(build_tree(edges()), {})
    assert (everyone.participants, everyone.waves[0].k) == (10, 5 / 2)


def test_connectors_and_leaderboard_leave_the_team_out():
    tree = build_tree(edges(), TEAM)
    assert [(c.member_id, c.converted, c.descendants) for c in top_connectors(tree)] == [
        (1, 2, 1), (4, 1, 0), (2, 1, 0)
    ]  # fmt: skip
    # 4 and 2 brought one each: 4's joined first (@30, 2's @40)
    assert [(s.rank, s.member_id, s.converted) for s in leaderboard(tree)] == [
        (1, 1, 2), (2, 4, 1), (3, 2, 1)
    ]  # fmt: skip
    everyone = build_tree(edges())
    assert top_connectors(everyone)[0].member_id == STAFF
    assert leaderboard(everyone)[0].member_id == STAFF


def test_cycle_time_leaves_the_team_out():
    figures = campaign_figures(build_tree(edges(), TEAM), facts())
    assert (figures.cycle_time_hours, figures.cycle_time_of) == (25, 3)  # 10, 25, 30 h
    everyone = campaign_figures(build_tree(edges()), {})
    assert (everyone.cycle_time_hours, everyone.cycle_time_of) == (10, 5)  # 5 6 9 10 25 30


def test_the_funnel_is_the_same_with_the_team_out_of_the_tree():
    # the funnel left the team out already, and counts whom they brought as newcomers
    with_team = funnel(build_tree(edges(), TEAM), facts())
    assert with_team == funnel(counted_edges(edges()), facts())
    assert with_team == funnel(build_tree(edges()), facts())
    assert next(stage.count for stage in with_team if stage.key == "joined") == 7  # 2–8


def test_a_team_member_wins_no_ranking_prize():
    settings = parse(
        "ranking",
        {"prizes_by_rank": [{"points": 300}, {"points": 200}], "verified_only": False,
         "rules": {"revoke_within_days": None}, "screening": {"mode": "approve_clean"}},
    )  # fmt: skip
    rows = [Edge(a, b, rules_helpers.at(h)) for a, b, h in JOINS]
    people = rules_helpers.newcomers(*rows)
    for member in TEAM:
        people[member] = people[member].__class__(member, rules_helpers.at(days=-30), team=True)
    ended = rules_helpers.at(days=10)
    facts_ = rules_helpers.facts(*rows, people=people, as_of=ended, ends_at=ended)
    assert [(s.member_id, s.converted) for s in standings(settings, facts_)] == [
        (1, 2), (4, 1), (2, 1)
    ]  # fmt: skip
    assert [(d.member_id, d.points) for d in decide(settings, facts_)] == [(1, 300), (4, 200)]


def load(session) -> int:
    """The campaign above as the app records it: 90 and 91 on the team, seeds as code holders."""
    session.add_all(
        Member(id=member, nickname=f"t{member}", is_team=member in TEAM)
        for member in [*range(1, 9), *TEAM]
    )
    group = Community(name="team-tree")
    campaign = Campaign(name="team-tree", starts_at=T0, status="running")
    session.add_all([group, campaign])
    session.flush()
    for member in (1, STAFF):
        session.add(InviteCode(value=f"T{member:04d}", member_id=member, campaign_id=campaign.id,
                               issued_at=T0, origin="campaign"))  # fmt: skip
    for inviter, invitee, hours in JOINS:
        session.add(
            ReferralEdge(
                inviter_id=inviter, invitee_id=invitee, campaign_id=campaign.id,
                community_id=group.id, occurred_at=at(hours), how="code", sources=1,
                status="verified", live_key=live_key(invitee, campaign.id, group.id),
            )
        )  # fmt: skip
    session.flush()
    return campaign.id


def test_the_report_the_counts_and_the_cascade_leave_the_team_out(database):
    as_of = at(24 * 30)
    with database.session(write=True) as session:
        campaign_id = load(session)
        report = campaign_report(session, str(campaign_id), as_of)
        counts = read_campaign(session, campaign_id, as_of, counts_only=True)
        waves = campaign_waves(session, campaign_id, as_of)
        people = load_facts(session, session.get(Campaign, campaign_id), as_of).people
    figures = report.figures
    assert (figures.participants, figures.seeds, figures.members_per_depth) == (8, 4, [4, 3, 1])
    assert figures.k == pytest.approx(4 / 7)
    assert (figures.cycle_time_hours, figures.cycle_time_of) == (25, 3)
    assert [c.member_id for c in report.connectors] == [1, 4, 2]
    assert counts.tree.waves == [[1, 4, 5, 6], [2, 3, 7], [8]]  # the 概况's tree: the same
    assert (waves.sizes, waves.k) == ([4, 3, 1], pytest.approx(4 / 7))
    assert {member for member, person in people.items() if person.team} == TEAM
