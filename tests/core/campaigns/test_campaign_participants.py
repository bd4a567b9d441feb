"""The 参与者 page's rows on the 15-person campaign (tests/core/campaigns/tree15_db.py): counted
invites and pending ones per participant, taken from the edges the decisions were made of, equal
to one GROUP BY over the table. SQLite and PostgreSQL. And the screening is worked out once per
facts: decide and a 任务宝's 还差 N 人 share it."""

from __future__ import annotations

from dataclasses import replace

from core.campaigns.facts_sql import load_facts
from core.campaigns.participants import _edge_counts, campaign_participants
from core.campaigns.rewards.invites import _screened
from core.campaigns.settings import parse
from db.referral_models import Campaign
from tests.core.campaigns import tree15_db
from tests.core.campaigns.tree15 import AS_OF


def _with_rewards(session) -> int:
    campaign = session.get(Campaign, tree15_db.load(session))
    campaign.settings = {"inviter": {"points": 10}}
    session.flush()
    return campaign.id


def test_invites_per_participant(database):
    with database.session() as session:
        campaign_id = _with_rewards(session)
        rows = campaign_participants(session, campaign_id, AS_OF)
        by_sql = _edge_counts(session, campaign_id)
    got = {row.member_id: (row.converted, row.pending) for row in rows if row.converted}
    # 1 → 4 5 6; 2 → 7; 4 → 8 9; 5 → 10; 6 → 9 (a duplicate, a live edge all the same);
    # 7 → 11 (pending); 8 → 12, 13 (pending); 10 → 14; 12 → 15; 3's only edge is rejected.
    assert got == {1: (3, 0), 2: (1, 0), 4: (2, 0), 5: (1, 0), 6: (1, 0), 7: (1, 1),
                   8: (2, 1), 10: (1, 0), 12: (1, 0)}  # fmt: skip
    assert {member: tuple(counts) for member, counts in by_sql.items()} == got
    assert [row.member_id for row in rows][:1] == [1]  # most converted first
    assert rows[0].rewards  # the decisions were made (so the counts came from their edges)


def test_the_screening_is_worked_out_once_per_facts(database):
    with database.session() as session:
        campaign = session.get(Campaign, tree15_db.load(session))
        facts = load_facts(session, campaign, AS_OF)
    settings = parse("task_ladder", {"stages": [{"invites": 2, "gift": {"points": 5}}]})
    first = _screened(settings, facts)
    assert _screened(settings, facts) is first
    copy = replace(facts, edges=facts.edges[:3])  # other edges: screened on their own
    assert _screened(settings, copy) is not first
    assert len(_screened(settings, copy)[0]) < len(first[0])


def test_the_overview_counts_equal_the_report(database):
    # 概况 computes only its counts (no funnel, retention, connectors): the same as the report.
    from core.campaigns.live import campaign_live
    from core.campaigns.report import campaign_report

    with database.session() as session:
        campaign_id = _with_rewards(session)
        live = campaign_live(session, campaign_id, AS_OF)
        figures = campaign_report(session, str(campaign_id), AS_OF).figures
    assert (live.participants, live.new_members) == (figures.participants, figures.invitees)
    assert (live.participants, live.new_members) == (15, 12)
    assert live.cost == figures.cost and live.problems == []
    # one inviter reward per edge with an inviter: 12 counted, and 6 → 9 (a duplicate) and
    # 3 → 16 (rejected) void
    assert sum(live.rewards.values()) == 14 and live.rewards["void"] == 2


def test_the_overview_and_the_participants_share_one_set_of_decisions(database):
    # The 活动 tab hands both pages one SharedDecisions: the second page takes the first's
    # decisions (the same objects) while they are fresh, and decides again after clear() (the
    # data changed) or once they are older than `fresh`.
    from datetime import timedelta

    from core.campaigns.live import SharedDecisions, campaign_decisions, campaign_live

    shared = SharedDecisions(fresh=timedelta(minutes=1))
    with database.session() as session:
        campaign_id = _with_rewards(session)
        campaign = session.get(Campaign, campaign_id)
        live = campaign_live(session, campaign_id, AS_OF, shared=shared)
        first = campaign_decisions(session, campaign, AS_OF, shared)
        rows = campaign_participants(session, campaign_id, AS_OF + timedelta(seconds=30), shared)
        assert campaign_decisions(session, campaign, AS_OF + timedelta(seconds=30), shared) is first
        assert sum(sum(row.rewards.values()) for row in rows) == sum(live.rewards.values())
        later = campaign_decisions(session, campaign, AS_OF + timedelta(minutes=2), shared)
        assert later is not first and later[2] == first[2]
        shared.clear()
        again = campaign_decisions(session, campaign, AS_OF + timedelta(minutes=2), shared)
        assert again is not later
        # another campaign is never taken for this one
        other = Campaign(name="另一个", settings={"inviter": {"points": 1}})
        session.add(other)
        session.flush()
        assert campaign_decisions(session, other, AS_OF + timedelta(minutes=2), shared)[2] == []


def test_the_overview_reads_no_retention_activity_and_counts_as_the_full_read(database):
    # The 概况 shows no retention: it reads the edges, revenue and costs (counts_only), not each
    # edge's activity weeks (inputs_sql._edge_query with `weeks`: a CASE per week), and
    # what it reads makes the report's tree and money.
    from sqlalchemy import event

    from core.campaigns.figures import money
    from core.campaigns.inputs_sql import read_inputs
    from core.campaigns.live import campaign_live
    from core.campaigns.waves import build_tree

    with database.session() as session:
        campaign_id = _with_rewards(session)
        full, counts = (
            read_inputs(session, campaign_id, AS_OF),
            read_inputs(session, campaign_id, AS_OF, counts_only=True),
        )
        statements: list[str] = []

        def seen(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            campaign_live(session, campaign_id, AS_OF)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    weeks = [s for s in statements if "activity_events" in s and "CASE" in s.upper()]
    assert statements and not weeks
    full_tree, counts_tree = build_tree(full.edges), build_tree(counts.edges)
    assert (counts_tree.parent, counts_tree.waves) == (full_tree.parent, full_tree.waves)
    assert money(counts_tree, counts.facts, counts.costs) == money(
        full_tree, full.facts, full.costs
    )
    assert money(full_tree, full.facts, full.costs)[1] > 0  # revenue to compare


def test_the_pages_read_with_the_collector_paused_throughout(database):
    # Over 200000 edges each step leaves millions of objects alive for the next; a collection
    # between two steps' own pauses walks them all for nothing (bench/campaign_settle.py).
    # At most one collection per page, as its pause ends (if enough was allocated).
    import gc
    import inspect

    from core.campaigns.live import campaign_live

    collections: list[str] = []

    def seen(phase, _info) -> None:
        if phase == "start":
            collections.append(inspect.stack()[2].function)

    with database.session() as session:
        campaign_id = _with_rewards(session)
        gc.callbacks.append(seen)
        try:
            campaign_live(session, campaign_id, AS_OF)
            campaign_participants(session, campaign_id, AS_OF)
        finally:
            gc.callbacks.remove(seen)
    assert gc.isenabled() and len(collections) <= 2
    assert set(collections) <= {"campaign_live", "campaign_participants"}, collections
