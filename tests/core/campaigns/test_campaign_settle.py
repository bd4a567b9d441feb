"""Settling a campaign against the database (SQLite and PostgreSQL): points go through the ledger
pending, are clawed back when the invitee leaves early, a ladder stage pays once however often
it is settled, and a dry run writes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.campaigns.records import CampaignFields, create_campaign
from core.common.errors import UserError
from core.ledger.catalogue import list_redemptions
from core.referrals.edges import Claim, record_edge
from core.workflows.campaign_rewards import review, review_queue, settle
from db.ledger_models import LedgerEntry, LedgerRedemption
from db.models import Community, Member, Membership, MembershipEvent
from db.referral_models import CampaignReview

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
        CampaignFields(
            "双十一邀请",
            kind=kind,
            starts_at=T - timedelta(days=1),
            community_ids=[group.id],
            settings=settings or {"inviter": {"points": 10}},
            owner="店长",
        ),
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


HOLD_ALL = {"inviter": {"points": 10}, "screening": {"mode": "hold_all", "review_days": 3}}


def test_review_approve_pays_a_held_reward_and_reject_reverses_an_approved_one(database):
    with database.session() as session:
        campaign, *_ = setup(session, settings=HOLD_ALL, invitees=2)
        held = settle(session, campaign.name, now=T + timedelta(days=1))
        assert held.awarded == 0 and held.waiting == 2
        _, waiting = review_queue(session, campaign.name, now=T + timedelta(days=5))
        assert len(waiting) == 2 and all(d.overdue for d in waiting)  # past review_days
        first, second = sorted(d.key for d in waiting)
        paid = review(session, campaign.name, "approve", key=first, who="李审核",
                      now=T + timedelta(days=5))  # fmt: skip
        assert paid.awarded == 1
        (award,) = entries(session)
        assert award.dedupe_key == first and award.pending_until == T + timedelta(days=7)
        _, waiting = review_queue(session, campaign.name, now=T + timedelta(days=5))
        assert [d.key for d in waiting] == [second]

        with pytest.raises(UserError, match="原因"):
            review(session, campaign.name, "reject", key=second, who="李审核", why=" ")
        rejected = review(session, campaign.name, "reject", key=second, who="李审核",
                          why="同一设备批量注册", now=T + timedelta(days=6))  # fmt: skip
        assert rejected.awarded == 0
        decision = next(d for d in rejected.decisions if d.key == second)
        assert decision.status == "void"
        assert (decision.reasons[-1].who, decision.reasons[-1].at) == ("李审核", T + timedelta(6))
        assert "同一设备批量注册" in decision.reasons[-1].text

        # the approved reward, past its period, rejected after all: reversed in the ledger
        late = review(session, campaign.name, "reject", key=first, who="王主管",
                      why="核实为刷单", now=T + timedelta(days=9))  # fmt: skip
        assert (late.reversed, late.clawed_back) == (1, 0)
        assert [e.reverses_id for e in entries(session, kind="reversal")] == [award.id]
        with pytest.raises(UserError, match="作废"):
            review(session, campaign.name, "reject", key=first, who="王主管", why="再驳一次")
        with pytest.raises(UserError, match="没有编号"):
            review(session, campaign.name, "approve", key="campaign:999:x", who="王主管")
        kept = session.scalars(select(CampaignReview).order_by(CampaignReview.id)).all()
        assert [(r.action, r.who) for r in kept] == [
            ("approve", "李审核"),
            ("reject", "李审核"),
            ("reject", "王主管"),
        ]


def test_blacklist_voids_pending_rewards_and_bars_from_later_campaigns(database):
    with database.session() as session:
        campaign, group, inviter, _ = setup(session)
        settle(session, campaign.name, now=T + timedelta(days=1))
        assert len(entries(session)) == 1
        with pytest.raises(UserError, match="原因"):
            review(session, campaign.name, "blacklist", member_id=inviter, who="李审核")
        out = review(session, campaign.name, "blacklist", member_id=inviter, who="李审核",
                     why="多个小号互拉", now=T + timedelta(days=2))  # fmt: skip
        assert out.clawed_back == 1
        later = create_campaign(
            session,
            CampaignFields(
                "元旦邀请",
                starts_at=T + timedelta(days=20),
                community_ids=[group],
                settings={"inviter": {"points": 5}},
            ),
        )
        later.status = "running"
        newcomer = person(session, group, "元旦新人", T + timedelta(days=21))
        record_edge(session, Claim(inviter, newcomer, "manual", "typed", later.id, group,
                                   T + timedelta(days=21)), now=T + timedelta(days=21))  # fmt: skip
        barred = settle(session, later.name, now=T + timedelta(days=30))
        assert barred.awarded == 0
        assert [d.codes()[-1] for d in barred.decisions] == ["barred"]


PRIZE = {
    "prizes": [{"key": "bag", "name": "帆布袋", "cost_cents": 1500, "stock": 1}],
    "inviter": {"prize": "bag"},
    "screening": {"mode": "hold_all", "review_days": 3},
}


def test_a_prize_goes_through_the_fulfilment_queue_held_pending_then_to_deliver(database):
    with database.session() as session:
        campaign, *_ = setup(session, settings=PRIZE, invitees=2)
        first = settle(session, campaign.name, now=T + timedelta(days=1))
        assert (first.prizes, first.issued) == (2, 1)  # stock 1: the second is void
        (row,) = list_redemptions(session)
        assert (row.reward_name, row.status, row.points, row.cost_cents) == (
            "帆布袋",
            "held",
            0,
            1500,
        )
        approved = review(session, campaign.name, "approve", key=_key(session), who="李审核",
                          now=T + timedelta(days=2))  # fmt: skip
        assert approved.moved == 1
        assert list_redemptions(session)[0].status == "pending"
        later = settle(session, campaign.name, now=T + timedelta(days=8))
        assert later.moved == 1 and list_redemptions(session)[0].status == "to_deliver"
        again = settle(session, campaign.name, now=T + timedelta(days=8, hours=1))
        assert (again.issued, again.moved, again.cancelled) == (0, 0, 0)
        assert len(list_redemptions(session)) == 1

        rejected = review(session, campaign.name, "reject", key=_key(session), who="王主管",
                          why="核实为刷单", now=T + timedelta(days=9))  # fmt: skip
        assert rejected.cancelled == 1
        statuses = sorted(r.status for r in list_redemptions(session))
        assert statuses == ["cancelled", "held"]  # the stock it freed went to the next one
        assert entries(session) == []  # no points were ever involved


def _key(session):
    return session.scalar(select(LedgerRedemption.dedupe_key))


def test_settling_asks_the_ledger_once_however_many_rewards_go_back(database):
    """Which void awards are still pending (clawed back) or not (reversed) is one read of the
    campaign's entries, not one query per award."""
    from sqlalchemy import event

    with database.session() as session:
        campaign, group, _, invitees = setup(session, invitees=12)
        assert settle(session, campaign.name, now=T + timedelta(days=1)).awarded == 12
        statements = []

        def count(*_args) -> None:
            statements.append(1)

        event.listen(database.engine, "before_cursor_execute", count)

        def leave_and_count(members) -> tuple[int, int]:
            left = T + timedelta(days=2)
            for member in members:
                session.add(MembershipEvent(member_id=member, community_id=group, kind="leave",
                                            occurred_at=left))  # fmt: skip
            session.flush()
            statements.clear()
            dry = settle(session, campaign.name, now=T + timedelta(days=3), dry_run=True)
            return dry.clawed_back, len(statements)

        two, asked_for_two = leave_and_count(invitees[:2])
        twelve, asked_for_twelve = leave_and_count(invitees[2:])
        event.remove(database.engine, "before_cursor_execute", count)
        assert (two, twelve) == (2, 12)
        assert asked_for_twelve == asked_for_two
