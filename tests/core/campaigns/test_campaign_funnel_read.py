"""The funnel read on its own (funnel_members.campaign_funnel: what a funnel alone needs, issue
17's < 2 s over 200000 edges) gives the stages the report gives from its full read, at every
moment; it reads each edge's activity in the edges' own query, and only activation and week 4.
The edges read column by column: an invitee with several edges gets the joining and the weeks
of the one they count under. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from core.campaigns.funnel import funnel
from core.campaigns.funnel_members import campaign_funnel, read_funnel
from core.campaigns.inputs_sql import read_edges, read_inputs
from core.campaigns.waves import build_tree, counted_edges
from core.referrals.edges import live_key
from db.models import ActivityEvent, Community, Member
from db.referral_models import Campaign, ReferralEdge
from tests.core.campaigns import funnel_fixture as fx
from tests.core.campaigns import tree15_db
from tests.core.campaigns.tree15 import AS_OF as TREE15_AS_OF

D = timedelta(days=1)


def _report_stages(session, campaign_id, as_of):
    inputs = read_inputs(session, campaign_id, as_of)
    return funnel(build_tree(inputs.edges), inputs.facts, as_of)


def test_the_funnel_alone_gives_the_reports_stages_at_every_moment(database):
    with database.session(write=True) as session:
        campaign_id = fx.load(session)
        alone = campaign_funnel(session, campaign_id, fx.AS_OF)
        assert {s.key: (s.count, s.measurable) for s in alone} == fx.EXPECTED
        assert alone[-1].amount == fx.REVENUE
        # before anyone's week 4 ended, around joinings and week ends, after the campaign
        for moment in (fx.T0 + 2 * D, fx.T0 + 25 * D, fx.T0 + 29 * D, fx.END, fx.AS_OF + 9 * D):
            assert campaign_funnel(session, campaign_id, moment) == _report_stages(
                session, campaign_id, moment
            ), moment


def test_the_funnel_alone_gives_the_reports_stages_of_the_15_person_tree(database):
    with database.session(write=True) as session:
        campaign_id = tree15_db.load(session)
        assert campaign_funnel(session, campaign_id, TREE15_AS_OF) == _report_stages(
            session, campaign_id, TREE15_AS_OF
        )


def test_the_funnel_reads_activity_once_beside_the_edges_and_only_week_4(database):
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with database.session(write=True) as session:
        campaign_id = fx.load(session)
        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            campaign_funnel(session, campaign_id, fx.AS_OF)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    weeks = [s for s in statements if "activity_events" in s and "CASE" in s.upper()]
    assert len(weeks) == 1 and "referral_edges" in weeks[0]
    # the activation and one week: two CASEs, not the report's four
    assert weeks[0].upper().count("CASE WHEN") == 2


def test_an_invitee_with_several_edges_has_the_joining_and_weeks_of_the_one_that_counts(
    database,
):
    t0, as_of = fx.T0, fx.T0 + 40 * D
    with database.session(write=True) as session:
        session.add_all(Member(id=member, nickname=f"s{member}") for member in range(1, 6))
        groups = [Community(name=f"several-{n}") for n in range(3)]
        campaign = Campaign(name="several", starts_at=t0, status="running")
        session.add_all([*groups, campaign])
        session.flush()
        edges = [
            (4, 5, t0, 0, "rejected"),  # the earliest, rejected: no part
            (3, 5, t0 + D, 0, "pending"),  # ties with 2's on time: the lower inviter counts
            (2, 5, t0 + D, 1, "verified"),
            (1, 5, t0 + 3 * D, 2, "verified"),
            (1, 2, t0, 0, "verified"),
        ]
        for inviter, invitee, at, group, status in edges:
            community = groups[group].id
            live = status != "rejected"
            session.add(
                ReferralEdge(
                    inviter_id=inviter, invitee_id=invitee, campaign_id=campaign.id,
                    community_id=community, occurred_at=at, how="code", sources=1,
                    status=status,
                    live_key=live_key(invitee, campaign.id, community) if live else None,
                )
            )  # fmt: skip
        # day 22 after the counted joining (t0 + 1 d): week 4; day 20 after the latest one's
        session.add_all(
            [
                ActivityEvent(member_id=5, kind="checkin", occurred_at=t0 + 3 * D),
                ActivityEvent(member_id=5, kind="message", occurred_at=t0 + 23 * D),
            ]
        )
        session.flush()
        read = read_edges(session, campaign.id, as_of)
        inputs = read_inputs(session, campaign.id, as_of)
        counted, facts = read_funnel(session, campaign.id, as_of)
    assert len([edge for edge in read.edges if edge.invitee_id == 5]) == 4
    assert read.joined_at[5] == t0 + D
    tree = build_tree(inputs.edges)
    assert tree.parent[5] == 2
    assert counted.edges == tree.edges == counted_edges(inputs.edges).edges
    assert inputs.facts[5].active_at == facts[5].active_at == (t0 + 23 * D,)
    assert tree.edges[5].activated_at == t0 + 3 * D
