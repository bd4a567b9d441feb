"""Demo campaigns, so every campaign view has something to show: two finished (one already
reviewed) and one running, each with its type's own valid settings and a referral tree four
waves deep from a few seeds.

Seeds are members of the campaign's group from before its start; everyone they bring (and
whom those bring) is a newcomer: a member the demo kept aside for the campaigns, who joins the
group at the edge's time (a membership and its join event). Most check in or speak within
72 hours (activation), some are active in week 4, a few buy, a few leave early. Every
participant has a campaign code. The running campaign carries a few edges the fraud signals
flag: a burst of invites within the hour, the inviter's phone, a nickname one letter from the
inviter's.

Rewards are not written here: the campaigns are settled through core (workflows
campaign_rewards.settle), so points, prizes in the fulfilment queue and the review queue are
what the program itself would have decided. In the running one, three invitees leave after a
settle and the next settle claws their pending rewards back; in the reviewed one a reviewer
has approved its flagged reward.

A few hundred rows per campaign: the demo's own speed barely changes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.campaigns.facts import ReviewAction
from core.campaigns.records import CampaignFields, create_campaign
from core.campaigns.review import queue
from core.campaigns.reviewing import record_review
from core.campaigns.settings import (
    Common,
    Gift,
    GiftSettings,
    InviteCodeSettings,
    Prize,
    Rules,
    Screening,
    Stage,
    TaskLadderSettings,
    dump,
    kind_of,
)
from core.members.search_keys import member_search_keys
from core.referrals.edges import live_key, refresh_inviters
from core.referrals.issuing import campaign_codes_for
from core.workflows.campaign_rewards import compute, settle
from db.models import ActivityEvent, Member, Membership, MembershipEvent
from db.referral_models import Campaign, InviteCode, ReferralEdge

SEEDS = 12
BURST = 12  # invites within an hour: more than the fraud signals' default 10
WAVES = 4
BROUGHT = ([0, 1, 2, 3, 4], [28, 30, 22, 12, 8])  # invitees each participant brings
STARS = (14, 8)  # the first seeds are connectors: a 任务宝 ladder needs someone at its top
PER_CAMPAIGN = 190  # newcomers one campaign's tree takes, about
ACTIVATED = 0.85  # newcomers who check in or speak within 72 h
LEFT_EARLY = 0.06  # newcomers who leave within the 7 days that void their invite
WHO = "演示数据"
CHANNEL = "老带新"


@dataclass(frozen=True)
class Plan:
    name: str
    status: str
    ago: int  # start, days before now
    days: int  # length
    settings: Common
    stars: tuple[int, ...] = ()
    fraud: tuple[str, ...] = ()  # burst, phone, nickname: edges the fraud signals catch
    copy: dict = field(default_factory=dict)


PLANS = [
    Plan(
        "老带新双享礼", "reviewed", 90, 21,
        InviteCodeSettings(
            prizes=(Prize("gift_box", "进群伴手礼", "physical", cost_cents=1200, stock=300),),
            inviter=Gift(points=20), invitee=Gift(prize="gift_box"),
            rules=Rules(require_activation=True),
        ),
        fraud=("nickname",),
        copy={"poster": "邀好友进群，双方有礼",
              "rules": "好友入群并在 72 小时内打卡，邀请人得 20 积分，好友得进群伴手礼一份"},
    ),
    Plan(
        "读书打卡任务宝", "ended", 45, 14,
        TaskLadderSettings(
            prizes=(
                Prize("bookmark", "金属书签套装", "physical", cost_cents=600, stock=40),
                Prize("book", "精装年度好书", "physical", cost_cents=4500, stock=10),
            ),
            stages=(
                Stage(3, Gift(points=30)),
                Stage(6, Gift(prize="bookmark"), stock=40),
                Stage(10, Gift(points=50, prize="book"), stock=10),
            ),
            rules=Rules(require_activation=True),
        ),
        stars=STARS,
        copy={"poster": "邀 3 位书友一起打卡，解锁好礼",
              "rules": "邀请 3 / 6 / 10 位新书友入群并打卡，逐级领取奖励"},
    ),
    Plan(
        "夏日送饮品", "running", 6, 14,
        GiftSettings(
            prizes=(Prize("drink", "门店饮品券", "virtual", cost_cents=800, stock=500),),
            inviter=Gift(points=10), invitee=Gift(prize="drink"),
            rules=Rules(require_activation=True),
            screening=Screening(mode="hold_flagged", review_days=5),
        ),
        fraud=("burst", "phone", "nickname"),
        copy={"poster": "邀好友进群，好友得饮品一杯",
              "rules": "好友入群 72 小时内打卡即得饮品券，邀请人得 10 积分"},
    ),
]  # fmt: skip


def newcomers_wanted(members: int) -> int:
    """How many of the demo's members to keep aside as the campaigns' newcomers: enough for
    the three trees, never more than a fifth of a small demo."""
    return min(PER_CAMPAIGN * len(PLANS), members // 5)


def newcomer_shares(newcomers: int) -> list[int]:
    """How many newcomers each campaign takes, in the order of PLANS."""
    shares = []
    for index in range(len(PLANS)):
        shares.append(newcomers // (len(PLANS) - index))
        newcomers -= shares[-1]
    return shares


@dataclass
class Written:
    events: int = 0
    memberships: int = 0


def write_demo_campaigns(
    connection: Connection,
    rng: random.Random,
    community_ids: list[int],
    newcomers: list[int],
    now: datetime,
) -> Written:
    """Write the demo campaigns, the i-th in `community_ids[i]`, from `newcomers` (members
    in no group yet, `newcomer_shares` of them each) and settle them; newcomers a tree did not
    take join its group anyway. What was written."""
    session = Session(bind=connection)
    pool = list(newcomers)
    rng.shuffle(pool)
    written = Written()
    for index, (plan, count) in enumerate(zip(PLANS, newcomer_shares(len(pool)), strict=True)):
        share, pool = pool[:count], pool[count:]
        if not share or not community_ids:
            continue
        community = community_ids[index % len(community_ids)]
        start = now - timedelta(days=plan.ago)
        seeds = _seeds(session, rng, community, start) if count >= SEEDS * 5 else []
        if len(seeds) < SEEDS:  # too few for a tree worth showing: they just join
            _join_later(session, rng, share, community, now, written)
            continue
        fields = CampaignFields(
            name=plan.name, kind=kind_of(plan.settings), starts_at=start,
            ends_at=start + timedelta(days=plan.days), goal_kind="new_members", goal_target=150,
            budget_total_cents=300_000, community_ids=(community,), owner=WHO,
            settings=dump(plan.settings), copy=plan.copy,
        )  # fmt: skip
        campaign = create_campaign(session, fields, now=start - timedelta(days=7))
        # The demo writes a history that has happened: the status it reached, not a draft.
        campaign.status, campaign.updated_at = plan.status, start
        session.flush()
        burst = [share.pop() for _ in range(BURST)] if "burst" in plan.fraud else []
        joins = _tree(rng, seeds, share, start, min(now, campaign.ends_at), plan.stars)
        _fraud(session, joins, plan.fraud)
        if burst:  # one seed brings a dozen within the hour: a burst to review
            seed, _, at = joins[0]
            joins += [(member, seed, at + timedelta(hours=2, minutes=4 * n))
                      for n, member in enumerate(burst)]  # fmt: skip
        _write(session, rng, campaign, community, joins, now, written)
        session.flush()
        _settle(session, campaign, community, now)
        _join_later(session, rng, share, community, now, written)
    session.flush()
    return written


def _join_later(session: Session, rng, members: list[int], community: int, now, written):
    """Newcomers the tree did not take join the group too, outside any campaign."""
    joins = [(m, community, now - timedelta(days=rng.uniform(1, 300))) for m in members]
    written.memberships += _join(session, rng, joins, now, written)


def _seeds(session: Session, rng, community: int, start: datetime) -> list[int]:
    """Members of the group since before the start, still in it, not the team."""
    candidates = list(
        session.scalars(
            select(Membership.member_id)
            .join(Member, Member.id == Membership.member_id)
            .where(
                Membership.community_id == community,
                Membership.joined_at < start - timedelta(days=1),
                Membership.left_at.is_(None),
                Member.is_team.is_(False),
            )
            .order_by(Membership.member_id)
        )
    )
    return rng.sample(candidates, min(SEEDS, len(candidates)))


def _tree(rng, seeds: list[int], pool: list[int], start: datetime, end: datetime, stars):
    """(member, inviter or None, joined at) wave by wave: the seeds, then newcomers from `pool`."""
    joins = []
    wave = []
    for seed in seeds:
        at = start + timedelta(hours=rng.uniform(0, 24))
        joins.append((seed, None, at))
        wave.append((seed, at))
    for depth in range(WAVES):
        following = []
        room = len(pool) // (WAVES - depth)  # leave newcomers for the waves still to come
        for position, (inviter, since) in enumerate(wave):
            brings = rng.choices(*BROUGHT)[0]
            if depth == 0 and position < len(stars):
                brings = stars[position]
            for _ in range(brings):
                at = since + timedelta(hours=rng.expovariate(1 / 20))
                if at >= end or len(following) >= room:
                    continue
                member = pool.pop()
                joins.append((member, inviter, at))
                following.append((member, at))
        wave = following or wave[:1]  # never fewer than four waves while members last
    return joins


def _write(session: Session, rng, campaign: Campaign, community: int, joins, now, written):
    """Codes, edges, the newcomers' memberships and activity of one campaign."""
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
    stays = {member: rng.random() >= LEFT_EARLY for member, _, _ in invited}
    edges = []
    for member, inviter, at in invited:
        # The operator verifies an invite once it is past its 7 days and the invitee stayed.
        settled = stays[member] and at + timedelta(days=7) <= now
        edges.append({
            "inviter_id": inviter, "invitee_id": member, "campaign_id": campaign.id,
            "community_id": community, "occurred_at": at, "how": "code",
            "sources": rng.choice((1, 2)), "status": "verified" if settled else "pending",
            "status_reason": "", "status_changed_at": at, "status_changed_by": WHO,
            "recorded_at": at, "invite_code_id": code_ids[codes[inviter]],
            "live_key": live_key(member, campaign.id, community),
        })  # fmt: skip
    session.execute(insert(ReferralEdge), edges)
    left = {m: at + timedelta(days=rng.uniform(0.5, 6)) for m, _, at in invited if not stays[m]}
    written.memberships += _join(
        session, rng, [(m, community, at) for m, _, at in invited], now, written, left
    )
    refresh_inviters(session, [m for m, _, _ in invited])


def _join(session: Session, rng, joins, now: datetime, written: Written, left=None) -> int:
    """Newcomers join a group at the given time (membership, join and leave events, their
    created_at) and are active as newcomers are; how many memberships."""
    left = left or {}
    memberships, moves, events = [], [], []
    for member, community, at in joins:
        gone = left.get(member)
        if gone is not None and gone > now:
            gone = None
        memberships.append({
            "member_id": member, "community_id": community, "group_nickname": "",
            "joined_at": at, "left_at": gone, "join_channel": CHANNEL, "role": "follower",
            "is_seed_user": False,
        })  # fmt: skip
        moves.append({"member_id": member, "community_id": community, "kind": "join",
                      "occurred_at": at, "source": "demo"})  # fmt: skip
        if gone is not None:
            moves.append({"member_id": member, "community_id": community, "kind": "leave",
                          "occurred_at": gone, "source": "demo"})  # fmt: skip
        events += _activity(rng, member, community, at, gone or now)
    if memberships:
        session.execute(insert(Membership), memberships)
        session.execute(insert(MembershipEvent), moves)
        table = Member.__table__
        session.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(
                created_at=bindparam("v_at"), updated_at=bindparam("v_at")),
            [{"b_id": member, "v_at": at} for member, _, at in joins],
        )  # fmt: skip
    if events:
        session.execute(insert(ActivityEvent), events)
    written.events += len(events)
    return len(memberships)


def _activity(rng: random.Random, member: int, community: int, at: datetime, until: datetime):
    """A newcomer's first check-in or message (within 72 h for most), week-4 activity and a
    purchase, some of each, none after `until` (now, or when they left)."""
    rows = []

    def event(kind: str, when: datetime, cents: int = 0) -> None:
        if when <= until:
            rows.append({"member_id": member, "community_id": community, "kind": kind,
                         "occurred_at": when, "amount_cents": cents, "source": "demo"})  # fmt: skip

    first = rng.choice(("checkin", "checkin", "message"))
    if rng.random() < ACTIVATED:
        event(first, at + timedelta(hours=rng.uniform(0.3, 70)))
    elif rng.random() < 0.5:  # late: does not activate the invite
        event(first, at + timedelta(hours=rng.uniform(80, 200)))
    for _ in range(rng.choice((0, 1, 2, 3))):
        event(rng.choice(("message", "checkin")), at + timedelta(days=rng.uniform(3, 20)))
    if rng.random() < 0.45:
        event("message", at + timedelta(days=rng.uniform(21, 27.5)))
    if rng.random() < 0.35:
        event(rng.choice(("message", "checkin")), at + timedelta(days=rng.uniform(30, 80)))
    if rng.random() < 0.12:
        cents = rng.randrange(1990, 19900, 100)
        event("purchase", at + timedelta(days=rng.expovariate(1 / 4)), cents)
    return rows


def _fraud(session: Session, joins, kinds: tuple[str, ...]) -> None:
    """Edges of the last wave the signals catch: the invitee has the inviter's phone (a
    block), the invitee's nickname is one letter from the inviter's (a flag)."""
    pairs = [(m, i) for m, i, _ in joins if i is not None][-2:]
    if "phone" not in kinds or "nickname" not in kinds:
        pairs = pairs[-1:]
    if not ({"phone", "nickname"} & set(kinds)) or not pairs:
        return
    ids = [member for pair in pairs for member in pair]
    rows = {
        row.id: row
        for row in session.execute(
            select(Member.id, Member.nickname, Member.remark, Member.wechat_id, Member.phone)
            .where(Member.id.in_(ids))
        )
    }  # fmt: skip
    changes: dict[int, dict] = {}
    if "phone" in kinds:
        member, inviter = pairs.pop(0)
        phone = rows[inviter].phone or "13912345678"
        changes = {inviter: {"phone": phone}, member: {"phone": phone}}
    if "nickname" in kinds:
        member, inviter = pairs.pop(0)
        changes.setdefault(member, {})["nickname"] = (rows[inviter].nickname + "2")[:200]
    for member_id, values in changes.items():
        row = rows[member_id]._asdict() | values
        keys = member_search_keys(row["nickname"], row["remark"], row["wechat_id"], row["phone"])
        session.execute(
            update(Member).where(Member.id == member_id).values(
                **values, search_pinyin=keys.pinyin, search_initials=keys.initials,
                phone_tail=keys.phone_tail, search_text=keys.text)
        )  # fmt: skip


def _settle(session: Session, campaign: Campaign, community: int, now: datetime) -> None:
    """Settle through core as the operator would. Running: three invitees whose rewards are
    pending leave afterwards, and the next settle claws those back. Reviewed: a reviewer
    approved what was held."""
    result = settle(session, str(campaign.id), now=now, operator=WHO)
    if campaign.status == "running":
        pending = [
            d.related_member_id for d in result.decisions
            if d.status == "pending" and d.points and d.pending_until is not None
            and d.related_member_id is not None
        ]  # fmt: skip
        leaving = list(dict.fromkeys(pending))[:3]
        if leaving:
            _leave(session, community, leaving, now - timedelta(hours=2))
            settle(session, str(campaign.id), now=now, operator=WHO)
    if campaign.status == "reviewed":  # the reviewer approved every held reward, then settled
        decisions = compute(session, campaign, now)
        for decision in queue(decisions):
            approve = ReviewAction("approve", WHO, now, "已核实：好友本人扫码入群", decision.key)
            record_review(session, campaign, decisions, approve)
        settle(session, str(campaign.id), now=now, operator=WHO)


def _leave(session: Session, community: int, members: list[int], at: datetime) -> None:
    session.execute(
        update(Membership)
        .where(Membership.community_id == community, Membership.member_id.in_(members))
        .values(left_at=at)
    )
    session.execute(insert(MembershipEvent), [
        {"member_id": m, "community_id": community, "kind": "leave", "occurred_at": at,
         "source": "demo"} for m in members
    ])  # fmt: skip
