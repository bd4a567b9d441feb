"""Demo campaigns, so every campaign view has something to show: two finished (one already
reviewed) and one running, each a referral tree four waves deep from a few seeds, every
participant with a campaign code, newcomers' check-ins, week-4 activity and purchases, invite
rewards in the ledger (approved; pending in the running one, a few clawed back), and in the
running one a few edges the fraud signals flag (a burst of invites, the inviter's phone, a
nickname one letter from the inviter's).

A few hundred rows per campaign: the demo's own speed does not change.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.campaigns.decisions import reference, reward_key
from core.ledger.entries import Award, award_batch, clawback
from core.referrals.edges import live_key, refresh_inviters
from core.referrals.issuing import campaign_codes_for
from db.ledger_models import LedgerEntry
from db.models import ActivityEvent, Member
from db.referral_models import Campaign, CampaignCommunity, InviteCode, ReferralEdge

SEEDS = 12
BURST = 12  # invites within an hour: more than the fraud signals' default 10
WAVES = 4
BROUGHT = ([0, 1, 2, 3, 4], [28, 30, 22, 12, 8])  # invitees each participant brings
POINTS = 10  # per verified invite, to the inviter
WHO = "演示数据"
# (name, kind, status, start days ago, length in days)
PLANS = [
    ("春节老带新", "invite_code", "reviewed", 90, 21),
    ("读书打卡任务宝", "task_ladder", "ended", 45, 14),
    ("夏日拼团裂变", "invite_code", "running", 6, 14),
]


def write_demo_campaigns(
    connection: Connection, rng: random.Random, community_ids: list[int], now: datetime
) -> int:
    """Write the demo campaigns; how many activity events they added."""
    session = Session(bind=connection)
    pool = list(
        session.scalars(select(Member.id).where(Member.inviter_id.is_(None)).order_by(Member.id))
    )
    rng.shuffle(pool)
    events = 0
    for index, (name, kind, status, ago, days) in enumerate(PLANS):
        if len(pool) < SEEDS * 20 or not community_ids:
            break  # too few members for a tree worth showing
        start = now - timedelta(days=ago)
        campaign = Campaign(
            name=name, kind=kind, status=status, starts_at=start,
            ends_at=start + timedelta(days=days), goal_kind="new_members", goal_target=300,
            budget_total_cents=200_000, owner=WHO, created_at=start, updated_at=start,
        )  # fmt: skip
        session.add(campaign)
        session.flush()
        community = community_ids[index % len(community_ids)]
        session.add(CampaignCommunity(campaign_id=campaign.id, community_id=community))
        joins = _tree(rng, pool, start, min(now, campaign.ends_at))
        burst = []
        if status == "running":  # one seed brings a dozen within the hour: a burst to review
            seed, _, at = joins[0]
            burst = [(pool.pop(), seed, at + timedelta(hours=2, minutes=4 * n))
                     for n in range(BURST)]  # fmt: skip
        events += _write(session, rng, campaign, community, joins + burst, {m for m, _, _ in burst},
                         now)  # fmt: skip
    session.flush()
    return events


def _tree(rng: random.Random, pool: list[int], start: datetime, end: datetime) -> list[tuple]:
    """(member, inviter or None, joined at) wave by wave, members taken from `pool`."""
    joins = []
    wave = []
    for _ in range(SEEDS):
        member = pool.pop()
        at = start + timedelta(hours=rng.uniform(0, 24))
        joins.append((member, None, at))
        wave.append((member, at))
    for _ in range(WAVES):
        following = []
        for inviter, since in wave:
            for _ in range(rng.choices(*BROUGHT)[0]):
                at = since + timedelta(hours=rng.expovariate(1 / 20))
                if at >= end or not pool:
                    continue
                member = pool.pop()
                joins.append((member, inviter, at))
                following.append((member, at))
        wave = following or wave[:1]  # never fewer than four waves while members last
    return joins


def _write(session: Session, rng, campaign, community: int, joins, burst: set, now) -> int:
    """Codes, edges, activity and rewards of one campaign; how many activity events."""
    running = campaign.status == "running"
    codes = campaign_codes_for(session, campaign.id, [m for m, _, _ in joins], now=now)
    table = InviteCode.__table__
    session.execute(
        update(table)
        .where(table.c.campaign_id == campaign.id, table.c.member_id == bindparam("b_member"))
        .values(issued_at=bindparam("v_at")),
        [{"b_member": member, "v_at": at} for member, _, at in joins],
    )
    code_ids = dict(
        session.execute(
            select(InviteCode.value, InviteCode.id).where(InviteCode.campaign_id == campaign.id)
        ).all()
    )
    invited = [(m, inviter, at) for m, inviter, at in joins if inviter is not None]
    if running:
        flagged = _flag(session, rng, [j for j in invited if j[0] not in burst]) | burst
    else:
        flagged = set()
    edges, events, awards = [], [], []
    for member, inviter, at in invited:
        if member in flagged or (running and now - at < timedelta(days=3)):
            status, reason = "pending", ""
        elif rng.random() < 0.05:
            status, reason = "rejected", "left_early"
        else:
            status, reason = "verified", ""
        edges.append({
            "inviter_id": inviter, "invitee_id": member, "campaign_id": campaign.id,
            "community_id": community, "occurred_at": at, "how": "code",
            "sources": rng.choice((1, 2)), "status": status, "status_reason": reason,
            "status_changed_at": at, "status_changed_by": WHO, "recorded_at": at,
            "invite_code_id": code_ids[codes[inviter]],
            "live_key": None if status == "rejected" else live_key(member, campaign.id, community),
        })  # fmt: skip
        events += _activity(rng, member, community, at, now)
        if status != "rejected":
            awards.append(
                Award(
                    inviter, POINTS, reason=f"邀请好友（{campaign.name}）", source="campaign",
                    reference=reference(campaign.id), occurred_at=at,
                    pending_until=at + timedelta(days=7) if running else None,
                    related_member_id=member, dedupe_key=reward_key(campaign.id, "invite", member),
                    operator=WHO,
                )
            )  # fmt: skip
    session.execute(insert(ReferralEdge), edges)
    if events:
        session.execute(insert(ActivityEvent), events)
    refresh_inviters(session, [m for m, _, _ in invited])
    if awards:
        award_batch(session, awards, now=now)
    if running:
        _claw_back(session, campaign, [a for a in awards if a.pending_until > now][:3], now)
    return len(events)


def _activity(rng: random.Random, member: int, community: int, at: datetime, now: datetime):
    """A newcomer's check-in within 72 h, week-4 activity and a purchase, some of each."""
    rows = []

    def event(kind: str, when: datetime, cents: int = 0) -> None:
        if when <= now:
            rows.append({"member_id": member, "community_id": community, "kind": kind,
                         "occurred_at": when, "amount_cents": cents, "source": "demo"})  # fmt: skip

    if rng.random() < 0.65:
        event("checkin", at + timedelta(hours=rng.uniform(0.5, 70)))
    if rng.random() < 0.4:
        event("message", at + timedelta(days=rng.uniform(21, 27.5)))
    if rng.random() < 0.08:
        event("purchase", at + timedelta(days=rng.uniform(1, 20)), rng.randrange(1990, 19900, 100))
    return rows


def _flag(session: Session, rng: random.Random, invited: list[tuple]) -> set[int]:
    """Make two edges the fraud signals flag (the inviter's phone; a nickname one letter from
    the inviter's); the invitees whose edges they are."""
    flagged = set()
    # The inviter's phone, and a nickname one letter from the inviter's.
    others = [(m, i) for m, i, _ in invited][-2:]
    names = dict(session.execute(select(Member.id, Member.nickname).where(
        Member.id.in_([i for _, i in others]))).all())  # fmt: skip
    phones = dict(session.execute(select(Member.id, Member.phone).where(
        Member.id.in_([i for _, i in others]))).all())  # fmt: skip
    if others:
        member, inviter = others[0]
        phone = phones.get(inviter) or f"139{rng.randrange(10**8):08d}"
        session.execute(update(Member).where(Member.id.in_([member, inviter])).values(phone=phone))
        flagged.add(member)
    if len(others) > 1:
        member, inviter = others[1]
        nickname = (names.get(inviter) or "小明") + "2"
        session.execute(update(Member).where(Member.id == member).values(nickname=nickname[:200]))
        flagged.add(member)
    return flagged


def _claw_back(session: Session, campaign: Campaign, awards: list[Award], now: datetime) -> None:
    """Pending invite rewards voided: the invitee left within the pending period."""
    keys = [award.dedupe_key for award in awards]
    entries = session.scalars(select(LedgerEntry.id).where(LedgerEntry.dedupe_key.in_(keys)))
    for entry_id in list(entries):
        clawback(session, entry_id, reason="被邀请人 7 天内退群", operator=WHO, source="campaign",
                 now=now)  # fmt: skip
