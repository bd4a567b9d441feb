"""The campaign report's costs come from the ledger and the prize queue: prizes at their unit
cost from the campaign's settings (cancelled and held ones cost nothing yet), a prize the
settings don't name at the queue's own cost, points net of their reversal at the ledger's value
per point; cost per new member and ROI follow. Hand-computed. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from core.campaigns.report import campaign_report
from core.ledger.catalogue import Issue, issue_prize, set_redemption_status
from core.ledger.entries import reverse
from core.ledger.liability import set_yuan_per_point
from core.workflows.campaign_rewards import settle
from db.ledger_models import LedgerEntry, LedgerRedemption
from db.models import ActivityEvent
from tests.core.campaigns.test_campaign_settle import T, setup

SETTINGS = {
    "prizes": [{"key": "box", "name": "礼盒", "kind": "physical", "cost_cents": 1500}],
    "inviter": {"points": 100},
    "invitee": {"prize": "box"},
}


def test_costs_per_new_member_and_roi_from_the_ledger_and_the_prize_queue(database):
    with database.session() as session:
        set_yuan_per_point(session, "0.01")
        campaign, group, inviter, invitees = setup(session, settings=SETTINGS, invitees=3)
        later = T + timedelta(days=10)
        settle(session, campaign.name, now=later, operator="店长")
        prizes = session.scalars(
            select(LedgerRedemption).where(LedgerRedemption.campaign_id == campaign.id)
        ).all()
        awards = session.scalars(
            select(LedgerEntry).where(LedgerEntry.reference == f"campaign:{campaign.id}")
        ).all()
        assert len(prizes) == 3 and len(awards) == 3
        # The row's own cost is the decision's; the settings' unit cost is what a box costs.
        set_redemption_status(session, prizes[0].id, "cancelled", operator="店长", now=later)
        reverse(session, awards[0].id, reason="撤销", operator="店长", now=later)
        for status, name, cents in (("held", "礼盒", 9999), ("to_deliver", "体验卡", 700)):
            key = f"campaign:{campaign.id}:x:{status}"
            issue_prize(session, Issue(member_id=inviter, dedupe_key=key, status=status,
                                       prize_name=name, campaign_id=campaign.id, cost_cents=cents),
                        operator="店长", now=later)  # fmt: skip
        bought = T + timedelta(days=2)
        session.add(ActivityEvent(member_id=invitees[0], community_id=group, kind="purchase",
                                  occurred_at=bought, amount_cents=10000))  # fmt: skip
        session.flush()

        figures = campaign_report(session, str(campaign.id), as_of=later).figures
        # prizes: 2 boxes × ¥15 + the 体验卡 ¥7 (the held box and the cancelled one: nothing);
        # points: 3 × 100 − 100 reversed = 200 at ¥0.01
        assert figures.cost == Decimal("39.00")
        assert figures.invitees == 3
        assert figures.cost_per_new == Decimal("13.00")
        assert figures.revenue == Decimal(100)
        assert round(figures.roi, 4) == round((100 - 39) / 39, 4)
