"""The demo's campaigns: two finished and one running, trees four waves deep, a code for
every participant, invite rewards approved / pending / clawed back, and in the running one
edges the fraud signals flag. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from core.campaigns.facts import Person
from core.campaigns.inputs_sql import read_inputs
from core.campaigns.settings import Screening
from core.campaigns.signals import BURST, SAME_PHONE, SIMILAR_NICKNAME, scan
from core.campaigns.waves import build_tree
from core.demo.generate import generate_demo
from db.ledger_models import LedgerEntry
from db.models import Member
from db.referral_models import Campaign, InviteCode

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 20)


def test_demo_campaigns(database):
    with database.engine.begin() as connection:
        generate_demo(connection, 3000, today=TODAY)
    with database.session() as session:
        campaigns = session.execute(select(Campaign.id, Campaign.status)).all()
        assert sorted(status for _, status in campaigns) == ["ended", "reviewed", "running"]
        for campaign_id, status in campaigns:
            inputs = read_inputs(session, campaign_id, NOW)
            tree = build_tree(inputs.edges)
            assert len(tree.waves) >= 5, status  # seeds and four waves
            codes = select(InviteCode.member_id).where(InviteCode.campaign_id == campaign_id)
            holders = set(session.scalars(codes))
            assert set(tree.parent) <= holders
            assert any(fact.revenue for fact in inputs.facts.values())
            earned = select(LedgerEntry.id).where(
                LedgerEntry.reference == f"campaign:{campaign_id}"
            )
            rewards = session.execute(
                select(LedgerEntry.kind, LedgerEntry.pending_until).where(
                    (LedgerEntry.id.in_(earned)) | (LedgerEntry.reverses_id.in_(earned))
                )
            ).all()
            kinds = {kind for kind, _ in rewards}
            pending = [until for kind, until in rewards if until is not None and until > NOW]
            if status == "running":
                assert kinds == {"earn", "clawback"} and pending
                people = {
                    m: Person(m, nickname=n, phone=p or "", wechat_id=w or "")
                    for m, n, p, w in session.execute(
                        select(Member.id, Member.nickname, Member.phone, Member.wechat_id))
                }  # fmt: skip
                found = scan(inputs.edges, people, Screening())
                codes = {signal.code for hits in found.values() for signal in hits}
                assert {BURST, SAME_PHONE, SIMILAR_NICKNAME} <= codes
            else:
                assert kinds == {"earn"} and not pending
        assert session.scalar(select(func.count()).select_from(Campaign)) == 3
