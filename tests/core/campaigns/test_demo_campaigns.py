"""The demo's campaigns: two finished and one running, each with valid settings of its type,
trees four waves deep of newcomers who join the group at the edge's time, settled through
core (points, prizes, a review queue, clawbacks), and in the running one edges the fraud
signals flag. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from core.campaigns.facts_sql import load_facts
from core.campaigns.inputs_sql import read_inputs
from core.campaigns.settings import parse
from core.campaigns.signals import (
    ALREADY_MEMBER,
    BURST,
    INVITER_LATER,
    SAME_PHONE,
    SIMILAR_NICKNAME,
    scan,
)
from core.campaigns.waves import build_tree
from core.demo.generate import generate_demo
from core.workflows.campaign_rewards import review_queue, settle
from db.ledger_models import LedgerEntry, LedgerRedemption
from db.models import ActivityEvent, Member, Membership
from db.referral_models import Campaign, CampaignReview, InviteCode, ReferralEdge

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 20)


def _signals(session, campaign):
    facts = load_facts(session, campaign, NOW)
    found = scan(facts.edges, facts.people, parse(campaign.kind, campaign.settings).screening)
    return {signal.code for hits in found.values() for signal in hits}


def test_demo_campaigns(database):
    with database.engine.begin() as connection:
        summary = generate_demo(connection, 3000, today=TODAY)
    assert summary.members == 3000
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 3000
        campaigns = session.scalars(select(Campaign).order_by(Campaign.id)).all()
        assert [c.status for c in campaigns] == ["reviewed", "ended", "running"]
        assert {c.kind for c in campaigns} == {"invite_code", "task_ladder", "gift"}
        for campaign in campaigns:
            parse(campaign.kind, campaign.settings)  # valid settings of its type
            inputs = read_inputs(session, campaign.id, NOW)
            tree = build_tree(inputs.edges)
            assert len(tree.waves) >= 5, campaign.name  # seeds and four waves
            codes = select(InviteCode.member_id).where(InviteCode.campaign_id == campaign.id)
            assert set(tree.parent) <= set(session.scalars(codes))
            assert any(fact.revenue for fact in inputs.facts.values()), campaign.name

            # Newcomers: they join the campaign's group at the edge's time, never before.
            edges = session.execute(
                select(ReferralEdge.invitee_id, ReferralEdge.community_id,
                       ReferralEdge.occurred_at).where(ReferralEdge.campaign_id == campaign.id)
            ).all()  # fmt: skip
            first = dict(
                session.execute(
                    select(Membership.member_id, func.min(Membership.joined_at))
                    .where(Membership.member_id.in_([e[0] for e in edges]))
                    .group_by(Membership.member_id)
                ).all()
            )
            assert all(first[invitee] == at for invitee, _, at in edges)
            codes_hit = _signals(session, campaign)
            assert not codes_hit & {ALREADY_MEMBER, INVITER_LATER}

            # Activation: most, not all, check in or speak within 72 hours.
            activated = 0
            for invitee, _, at in edges:
                activated += bool(session.scalar(
                    select(func.count()).select_from(ActivityEvent).where(
                        ActivityEvent.member_id == invitee,
                        ActivityEvent.kind.in_(("message", "checkin")),
                        ActivityEvent.occurred_at.between(at, at + timedelta(hours=72)))
                ))  # fmt: skip
            assert 0.6 * len(edges) < activated < len(edges)

            # Settled through core: settling again changes nothing.
            again = settle(session, str(campaign.id), now=NOW, operator="t", dry_run=True)
            assert (again.awarded, again.issued, again.clawed_back, again.reversed) == (0, 0, 0, 0)
            earned = select(LedgerEntry.id).where(
                LedgerEntry.reference == f"campaign:{campaign.id}"
            )
            rewards = session.execute(
                select(LedgerEntry.kind, LedgerEntry.pending_until).where(
                    (LedgerEntry.id.in_(earned)) | (LedgerEntry.reverses_id.in_(earned))
                )
            ).all()
            kinds = {kind for kind, _ in rewards}
            pending = [until for _, until in rewards if until is not None and until > NOW]
            prizes = session.scalars(
                select(LedgerRedemption.status).where(LedgerRedemption.campaign_id == campaign.id)
            ).all()
            assert prizes, campaign.name  # every demo campaign gives a prize
            _, held = review_queue(session, str(campaign.id), now=NOW)
            if campaign.status == "running":
                assert kinds == {"earn", "clawback"} and pending
                assert {BURST, SAME_PHONE, SIMILAR_NICKNAME} <= codes_hit
                assert held and "held" in prizes and "cancelled" in prizes
            else:
                assert "earn" in kinds and not pending
            if campaign.status == "reviewed":
                assert not held  # its reviewer decided every flagged reward
        reviewed = campaigns[0]
        assert session.scalar(
            select(func.count()).select_from(CampaignReview).where(
                CampaignReview.campaign_id == reviewed.id, CampaignReview.action == "approve")
        )  # fmt: skip
