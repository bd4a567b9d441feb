"""Settling a campaign against the database (SQLite and PostgreSQL): points go through the ledger
pending, are clawed back when the invitee leaves early, a ladder stage pays once however often
it is settled, and a dry run writes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.campaigns.records import create_campaign
from core.referrals.edges import Claim, record_edge
from core.workflows.campaign_rewards import settle
from db.ledger_models import LedgerEntry
from db.models import Community, Member, Membership, MembershipEvent

T = datetime(2026, 11, 2, 10, 0)


def person(session, community_id, nickname, joined_at, **fields) -> int:
    row = Member(nickname=nickname, **fields)
    session.add(row)
    session.flush()
    session.add(Membership(member_id=row.id, community_id=community_id, joined_at=joined_at))
    session.flush()
    return row.id


def setup(session, kind="invite_code", settings=None, invitees=1):
    group = Community(name="跑步群", platform="wechat")
    session.add(group)
    session.flush()
    campaign = create_campaign(
        session,
        "双十一邀请",
        kind=kind,
        starts_at=T - timedelta(days=1),
        community_ids=[group.id],
        settings=settings or {"inviter": {"points": 10}},
        owner="店长",
    )
    campaign.status = "running"
    inviter = person(session, group.id, "张小凡", T - timedelta(days=90))
    joined = []
    for n in range(invitees):
        at = T + timedelta(hours=n)
        invitee = person(session, group.id, f"新人{n}号", at, phone=f"1380000{n:04d}")
        record_edge(
            session,
            Claim(inviter, invitee, "manual", "typed", campaign.id, group.id, at),
            operator="店长",
            now=at,
        )
        joined.append(invitee)
    session.flush()
    return campaign, group.id, inviter, joined


def entries(session, **where):
    query = select(LedgerEntry).order_by(LedgerEntry.id)
    for name, value in where.items():
        query = query.where(getattr(LedgerEntry, name) == value)
    return session.scalars(query).all()


def test_a_reward_is_pending_then_clawed_back_through_the_ledger_when_the_invitee_leaves(
    database,
):
    with database.session() as session:
        campaign, group, inviter, (invitee,) = setup(session)
        first = settle(session, campaign.name, now=T + timedelta(days=1), operator="店长")
        assert (first.awarded, first.awarded_points) == (1, 10)
        (award,) = entries(session, member_id=inviter)
        assert award.kind == "earn" and award.related_member_id == invitee
        assert award.pending_until == T + timedelta(days=7)
        assert award.dedupe_key.startswith(f"campaign:{campaign.id}:")

        again = settle(session, campaign.name, now=T + timedelta(days=1, hours=1))
        assert again.awarded == 0 and len(entries(session)) == 1

        left = T + timedelta(days=2)
        session.add(MembershipEvent(member_id=invitee, community_id=group, kind="leave",
                                    occurred_at=left))  # fmt: skip
        session.execute(
            Membership.__table__.update()
            .where(Membership.member_id == invitee)
            .values(left_at=left)
        )
        dry = settle(session, campaign.name, now=T + timedelta(days=3), dry_run=True)
        assert dry.clawed_back == 1 and len(entries(session)) == 1
        voided = settle(session, campaign.name, now=T + timedelta(days=3), operator="店长")
        assert voided.clawed_back == 1 and voided.stuck == []
        back = entries(session, kind="clawback")
        assert [(e.reverses_id, e.points) for e in back] == [(award.id, -10)]
        assert "退群" in back[0].reason
        settle(session, campaign.name, now=T + timedelta(days=4))
        assert len(entries(session)) == 2  # nothing more: clawed back once


def test_a_ladder_stage_pays_once_across_two_settles(database):
    stages = {"stages": [{"invites": 2, "gift": {"points": 50}},
                         {"invites": 3, "gift": {"points": 80}}]}  # fmt: skip
    with database.session() as session:
        campaign, _, inviter, _ = setup(session, "task_ladder", stages, invitees=2)
        one = settle(session, campaign.name, now=T + timedelta(days=10))
        two = settle(session, campaign.name, now=T + timedelta(days=11))
        assert (one.awarded, two.awarded) == (1, 0)
        (award,) = entries(session, member_id=inviter)
        assert award.points == 50 and award.pending_until is not None
        total = session.scalar(select(func.count()).select_from(LedgerEntry))
        assert total == 1


def test_settling_a_draft_is_refused_in_one_line(database):
    from core.common.errors import UserError

    with database.session() as session:
        campaign, *_ = setup(session)
        campaign.status = "draft"
        session.flush()
        try:
            settle(session, campaign.name, now=T)
        except UserError as refused:
            assert "草稿" in str(refused) and "\n" not in str(refused)
        else:
            raise AssertionError("a draft was settled")
