"""Referral edges: one edge per inviter and scope whatever the number of sources, no
self-referral, first referrer wins (the second claim kept as a rejected conflict), status
changes keep who/when/why, and members.inviter_id follows the edges. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from core.common.errors import UserError
from core.referrals.edges import (
    FIRST_REFERRER,
    Claim,
    derived_inviters,
    record_edge,
    record_edges,
    set_edge_status,
    source_names,
)
from db.models import Community, Member
from db.referral_models import ReferralEdge
from tests.core.referrals.helpers import people, running_campaign

T = datetime(2026, 5, 1, 10, 0)


def claim(inviter, invitee, source="typed", **fields) -> Claim:
    fields.setdefault("how", "code")
    return Claim(inviter_id=inviter, invitee_id=invitee, source=source, **fields)


def inviter_of(session, member_id):
    session.expire_all()
    return session.get(Member, member_id).inviter_id


def test_the_same_edge_from_two_sources_is_one_edge_naming_both(database):
    with database.session() as session:
        a, b = people(session, "甲", "乙")
        campaign = running_campaign(session)
        first = record_edge(
            session, claim(a, b, campaign_id=campaign, occurred_at=T), operator="小王"
        )
        second = record_edge(session, claim(a, b, "chat_history", campaign_id=campaign))
        again = record_edge(session, claim(a, b, "chat_history", campaign_id=campaign))
        assert (first.outcome, second.outcome, again.outcome) == ("added", "merged", "unchanged")
        assert first.edge_id == second.edge_id == again.edge_id
        edge = session.get(ReferralEdge, first.edge_id)
        assert source_names(edge.sources) == ["typed", "chat_history"]
        assert (edge.status, edge.status_changed_by, edge.occurred_at) == ("pending", "小王", T)
        assert session.scalar(select(func.count()).select_from(ReferralEdge)) == 1


def test_a_member_cannot_invite_themself(database):
    with database.session() as session:
        (a,) = people(session, "甲")
        with pytest.raises(UserError, match="不能邀请自己"):
            record_edge(session, claim(a, a, how="manual", source="typed"))
        assert session.scalar(select(func.count()).select_from(ReferralEdge)) == 0


def test_first_referrer_wins_and_the_second_is_kept_as_a_conflict(database):
    with database.session() as session:
        a, b, c = people(session, "甲", "乙", "丙")
        campaign = running_campaign(session)
        first = record_edge(session, claim(a, c, campaign_id=campaign))
        second = record_edge(session, claim(b, c, "scanned", campaign_id=campaign))
        assert second.outcome == "conflict"
        assert (second.first_inviter_id, second.first_edge_id) == (a, first.edge_id)
        kept = session.get(ReferralEdge, second.edge_id)
        assert (kept.inviter_id, kept.status, kept.status_reason) == (b, "rejected", FIRST_REFERRER)
        # The same conflicting claim again: still the one conflict, reported again.
        repeat = record_edge(session, claim(b, c, "chat_history", campaign_id=campaign))
        assert (repeat.outcome, repeat.edge_id) == ("conflict", second.edge_id)
        assert session.scalar(select(func.count()).select_from(ReferralEdge)) == 2
        assert inviter_of(session, c) == a


def test_first_referrer_is_per_campaign_and_community(database):
    with database.session() as session:
        a, b, c = people(session, "甲", "乙", "丙")
        spring, autumn = running_campaign(session, "春"), running_campaign(session, "秋")
        group = Community(name="读书会")
        session.add(group)
        session.flush()
        outcomes = [
            record_edge(session, claim(a, c, campaign_id=spring)).outcome,
            record_edge(session, claim(b, c, campaign_id=autumn)).outcome,
            record_edge(session, claim(b, c, campaign_id=spring, community_id=group.id)).outcome,
            record_edge(session, claim(b, c, how="direct_invite", source="member_import")).outcome,
        ]
        assert outcomes == ["added"] * 4


def test_within_one_batch_the_first_claim_wins(database):
    with database.session() as session:
        a, b, c = people(session, "甲", "乙", "丙")
        result = record_edges(
            session,
            [
                claim(a, c, "member_import", how="direct_invite"),
                claim(b, c, "member_import", how="direct_invite"),
                claim(c, c, "member_import", how="direct_invite"),
            ],
        )
        assert [r.outcome for r in result.results] == ["added", "conflict", "refused"]
        assert result.conflicts[0].first_inviter_id == a
        assert inviter_of(session, c) == a


def test_a_merged_or_unknown_member_is_refused_per_claim(database):
    with database.session() as session:
        a, b, gone = people(session, "甲", "乙", "旧号")
        session.get(Member, gone).merged_into_id = a
        session.flush()
        result = record_edges(
            session,
            [
                claim(gone, b, how="manual"),
                claim(a, 999_999, how="manual"),
                claim(a, b, how="manual"),
            ],
        )
        assert [r.outcome for r in result.results] == ["refused", "refused", "added"]
        assert "已合并" in result.results[0].reason and "999999" in result.results[1].reason
        with pytest.raises(UserError, match="已合并"):
            record_edge(session, claim(gone, b, how="manual"))


def test_status_changes_keep_who_when_why_and_the_inviter_follows(database):
    with database.session() as session:
        a, b, c = people(session, "甲", "乙", "丙")
        campaign = running_campaign(session)
        first = record_edge(session, claim(a, c, campaign_id=campaign, occurred_at=T))
        second = record_edge(session, claim(b, c, campaign_id=campaign))
        assert inviter_of(session, c) == a
        later = T + timedelta(days=3)
        edge = set_edge_status(
            session, first.edge_id, "void", reason="退群", operator="审核员", now=later
        )
        assert (edge.status, edge.status_reason, edge.status_changed_by) == (
            "void",
            "退群",
            "审核员",
        )
        assert edge.status_changed_at == later
        assert inviter_of(session, c) is None
        # The conflict can now be reinstated; the voided first one then can't come back.
        set_edge_status(session, second.edge_id, "verified", operator="审核员")
        assert inviter_of(session, c) == b
        with pytest.raises(UserError, match="已有邀请人"):
            set_edge_status(session, first.edge_id, "pending")
        with pytest.raises(UserError, match="未知的邀请关系状态"):
            set_edge_status(session, first.edge_id, "approved'; --")


def test_the_inviter_is_the_first_verified_edge_else_the_first_pending(database):
    with database.session() as session:
        a, b, c, d = people(session, "甲", "乙", "丙", "丁")
        spring, autumn = running_campaign(session, "春"), running_campaign(session, "秋")
        record_edge(session, claim(a, d, campaign_id=spring, occurred_at=T))  # pending
        assert derived_inviters(session, [d]) == {d: a}
        late = record_edge(session, claim(b, d, campaign_id=autumn, occurred_at=T + timedelta(1)))
        set_edge_status(session, late.edge_id, "verified")
        assert inviter_of(session, d) == b  # verified beats an earlier pending one
        record_edge(session, claim(c, d, how="manual", occurred_at=T + timedelta(2)))
        assert inviter_of(session, d) == b  # verified too, but later


def test_the_database_itself_refuses_a_second_live_edge_and_self_referral(database):
    with database.session() as session:
        a, b, c = people(session, "甲", "乙", "丙")
    statements = [
        f"INSERT INTO referral_edges (inviter_id, invitee_id, occurred_at, how, sources, status,"
        f" status_reason, status_changed_at, status_changed_by, recorded_at, live_key) VALUES"
        f" ({x}, {y}, '2026-05-01 10:00:00', 'manual', 1, 'verified', '', '2026-05-01 10:00:00',"
        f" '', '2026-05-01 10:00:00', '{key}')"
        for x, y, key in ((a, c, f"{c}::"), (b, c, f"{c}::"), (a, a, f"{a}::"), (b, a, "x"))
    ]
    with database.engine.begin() as connection:
        connection.execute(text(statements[0]))
    for statement in statements[1:]:
        with pytest.raises(IntegrityError), database.engine.begin() as connection:
            connection.execute(text(statement))
