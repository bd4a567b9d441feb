"""The campaign types' own facts on a real database (SQLite and PostgreSQL): recorded through
core, refused in one line when they cannot count, then settled into the right decisions —
助力 unlocks at N helpers, 拼团 completes or expires, 砍价 follows the diminishing schedule to
the floor, 抽奖 replays from its seed within stock and caps, a coupon is handed out once and
redeemed once, a swap is matched and done, and 送 waits for the invitee's purchase."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.activity.record import NewEvent
from core.campaigns.coupon_pool import generate_codes, import_codes, read_codes, redeem_code
from core.campaigns.facts_sql import load_facts
from core.campaigns.records import CampaignFields, create_campaign
from core.campaigns.rewards.bargain import schedule
from core.campaigns.rewards.lottery import replay
from core.campaigns.settings import parse
from core.campaigns.swap_recording import (
    open_matches,
    record_done,
    record_match,
    record_offer,
    record_want,
)
from core.campaigns.type_recording import (
    purchase_event,
    record_draw,
    record_help,
    record_team,
)
from core.common.errors import UserError
from core.referrals.edges import Claim, record_edge
from core.workflows.activity import record_activity
from core.workflows.campaign_rewards import settle
from db.campaign_fact_models import CampaignCoupon, CampaignDraw
from db.ledger_models import LedgerEntry, LedgerRedemption
from db.models import Community, Member, Membership

T = datetime(2026, 11, 2, 10, 0)
NAMES = ("张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十")


def hours(n: float) -> datetime:
    return T + timedelta(hours=n)


def setup(session, kind: str, settings: dict, people: int = 6):
    group = Community(name="跑步群", platform="wechat")
    session.add(group)
    session.flush()
    campaign = create_campaign(
        session,
        CampaignFields(
            "双十一活动",
            kind=kind,
            starts_at=T - timedelta(days=1),
            community_ids=[group.id],
            settings=settings,
            owner="店长",
        ),
    )
    campaign.status = "running"
    ids = []
    for n in range(people):
        row = Member(nickname=NAMES[n], phone=f"1380000{n:04d}")
        session.add(row)
        session.flush()
        session.add(
            Membership(member_id=row.id, community_id=group.id, joined_at=T - timedelta(days=90))
        )
        ids.append(row.id)
    session.flush()
    return campaign, group.id, ids


def points(session, member_id: int) -> int:
    return sum(
        session.scalars(select(LedgerEntry.points).where(LedgerEntry.member_id == member_id))
    )


def refused(text: str, work) -> None:
    with pytest.raises(UserError, match=text):
        work()


# ------------------------------------------------------------------------------ 助力


def test_help_unlocks_at_n_helpers_and_a_helper_helps_once(database):
    with database.session() as session:
        campaign, _, (target, a, b, c, other, twin) = setup(
            session, "help", {"helpers_needed": 2, "gift": {"points": 20}}
        )
        name = campaign.name
        first = record_help(session, name, a, target, at=hours(1))
        assert (first.counted, first.needed, first.done) == (1, 2, False)
        assert settle(session, name, now=hours(2)).decisions == []
        refused("已在本活动助力过", lambda: record_help(session, name, a, other, at=hours(2)))
        refused("不能给自己助力", lambda: record_help(session, name, target, target))
        assert record_help(session, name, b, target, at=hours(3)).done
        refused("已满 2 人", lambda: record_help(session, name, c, target, at=hours(4)))

        settled = settle(session, name, now=hours(5))
        assert [(d.member_id, d.status, d.points) for d in settled.decisions] == [
            (target, "approved", 20)
        ]
        assert points(session, target) == 20
        assert settle(session, name, now=hours(6)).awarded == 0

        # the loader reads the helpers' phones too: a helper sharing the target's phone is
        # refused at settlement (a blocking signal), so `other` is still one short
        session.get(Member, twin).phone = session.get(Member, other).phone
        record_help(session, name, c, other, at=hours(7))
        record_help(session, name, twin, other, at=hours(8))
        again = settle(session, name, now=hours(9))
        assert {d.member_id for d in again.decisions} == {target}


# ------------------------------------------------------------------------------ 拼团


def test_a_team_completes_and_another_expires(database):
    settings = {"team_size": 3, "hours": 24, "member_gift": {"points": 5},
                "leader_gift": {"points": 10}}  # fmt: skip
    with database.session() as session:
        campaign, _, (lead, m1, m2, m3, lead2, m4) = setup(session, "group_buy", settings)
        name = campaign.name
        opened = record_team(session, name, lead, at=hours(0))
        assert opened.opened and opened.members == 1
        record_team(session, name, m1, leader_id=lead, at=hours(1))
        full = record_team(session, name, m2, leader_id=lead, at=hours(2))
        assert full.complete and full.members == 3
        refused("团已满", lambda: record_team(session, name, m3, leader_id=lead, at=hours(3)))
        refused("已在本活动的团里", lambda: record_team(session, name, m1, at=hours(3)))
        refused("没有开团", lambda: record_team(session, name, m3, leader_id=m4, at=hours(3)))

        record_team(session, name, lead2, at=hours(4))
        record_team(session, name, m3, leader_id=lead2, at=hours(5))
        refused("团已过期", lambda: record_team(session, name, m4, leader_id=lead2, at=hours(29)))

        settled = settle(session, name, now=hours(48))
        got = {(d.member_id, d.points) for d in settled.decisions if d.status == "approved"}
        assert got == {(lead, 5), (m1, 5), (m2, 5), (lead, 10)}
        assert points(session, lead) == 15 and points(session, lead2) == 0 == points(session, m3)


# ------------------------------------------------------------------------------ 砍价


def test_cuts_follow_the_schedule_to_the_floor(database):
    settings = {
        "prizes": [{"key": "cup", "name": "保温杯", "cost_cents": 3000}],
        "prize": "cup",
        "price_cents": 10000,
        "floor_cents": 1000,
        "helpers": 3,
        "decay_percent": 50,
    }
    with database.session() as session:
        campaign, _, (target, a, b, c, d, _) = setup(session, "bargain", settings)
        name = campaign.name
        steps = schedule(parse("bargain", settings))
        told = [record_help(session, name, h, target, at=hours(n)) for n, h in enumerate((a, b, c))]
        assert [t.cut_cents for t in told] == steps and steps == sorted(steps, reverse=True)
        assert [t.price_cents for t in told][-1] == 1000
        refused("已帮成员", lambda: record_help(session, name, a, target, at=hours(4)))
        refused("已砍到底价", lambda: record_help(session, name, d, target, at=hours(4)))
        record_help(session, name, a, d, at=hours(5))  # another target: a cuts again

        settled = settle(session, name, now=hours(6))
        (won,) = [x for x in settled.decisions if x.member_id == target]
        assert (won.status, won.prize, won.price_cents) == ("approved", "cup", 1000)
        (queued,) = session.scalars(select(LedgerRedemption)).all()
        assert (queued.member_id, queued.price_cents, queued.status) == (target, 1000, "to_deliver")


# ------------------------------------------------------------------------------ 抽奖


def test_draws_replay_from_their_seed_within_stock_and_caps(database):
    settings = {
        "entries": [
            {"name": "一等奖", "gift": {"points": 100}, "weight": 1, "stock": 1},
            {"name": "二等奖", "gift": {"points": 10}, "weight": 3, "stock": 3},
        ],
        "miss_weight": 2,
        "draws_per_member": 2,
        "wins_per_member": 1,
        "seed": 20261102,
    }
    with database.session() as session:
        campaign, _, people = setup(session, "lottery", settings, people=8)
        name = campaign.name
        told = [record_draw(session, name, people[0], at=hours(n)) for n in (0, 1)]
        assert [t.member_number for t in told] == [1, 2]
        refused("已抽过 2 次", lambda: record_draw(session, name, people[0], at=hours(2)))
        stock_out = False
        for n, member in enumerate(people[1:] * 2, 3):
            try:
                told.append(record_draw(session, name, member, at=hours(n)))
            except UserError as stop:
                assert "奖品已全部抽完" in str(stop)
                stock_out = True
                break
        wins = [t.won for t in told if t.won]
        assert stock_out and len(wins) == 4  # eight members, two draws each: all four won
        rows = session.scalars(select(CampaignDraw).order_by(CampaignDraw.number)).all()
        assert [r.number for r in rows] == list(range(1, len(rows) + 1))
        assert {r.seed for r in rows} == {"20261102"}
        # anyone replays the recorded draws from the seed and gets what each member was told
        facts = load_facts(session, campaign, hours(40))
        again = replay(parse("lottery", settings), facts)
        assert [o.won for o in again] == [t.won for t in told] == [r.won or None for r in rows]
        assert wins.count("一等奖") <= 1 and wins.count("二等奖") <= 3

        settled = settle(session, name, now=hours(40))
        paid = sorted(d.points for d in settled.decisions if d.status == "approved")
        assert paid == sorted({"一等奖": 100, "二等奖": 10}[w] for w in wins)

        campaign.settings = {**settings, "seed": 7}
        session.flush()
        refused("随机种子已改过", lambda: record_draw(session, name, people[-1], at=hours(41)))


# ------------------------------------------------------------------------------ 优惠券


def test_a_coupon_is_handed_out_once_and_redeemed_once(database, tmp_path):
    settings = {"per_participant": 1, "per_invitee": 0, "value_cents": 500}
    with database.session() as session:
        campaign, group, (inviter, invitee, *_) = setup(session, "coupon", settings)
        name = campaign.name
        membership = session.scalars(
            select(Membership).where(Membership.member_id == invitee)
        ).one()
        membership.joined_at = hours(1)  # a new member
        record_edge(
            session,
            Claim(inviter, invitee, "manual", "typed", campaign.id, group, hours(1)),
            operator="店长",
            now=hours(1),
        )
        file = tmp_path / "券码.txt"
        file.write_text("券码\nSAVE-001\nSAVE-002\n\nSAVE-001\n", encoding="utf-8")
        added = import_codes(session, name, read_codes(file), now=hours(1))
        assert (added.added, added.already, added.total) == (2, 1, 2)
        assert import_codes(session, name, ["SAVE-002"], now=hours(1)).added == 0
        assert generate_codes(session, name, 3, now=hours(1)).added == 3
        refused("控制字符", lambda: import_codes(session, name, ["BAD\x1b[2J"]))

        early = settle(session, name, now=hours(2))  # still in its waiting period
        assert early.coupons == 0
        later = settle(session, name, now=hours(24 * 10))
        assert later.coupons == 1
        (given,) = [d for d in later.decisions if d.coupon]
        assert (given.member_id, given.coupon) == (inviter, "SAVE-001")
        assert settle(session, name, now=hours(24 * 11)).coupons == 0
        row = session.scalars(select(CampaignCoupon).where(CampaignCoupon.code == "SAVE-001")).one()
        assert (row.member_id, row.reward_key) == (inviter, given.key)

        refused("还没有发出", lambda: redeem_code(session, name, "SAVE-002", at=hours(24 * 11)))
        refused("不在活动", lambda: redeem_code(session, name, "NOPE", at=hours(24 * 11)))
        used = redeem_code(session, name, "SAVE-001", at=hours(24 * 12))
        assert (used.member_id, used.redeemed_at) == (inviter, hours(24 * 12))
        redeemed = f"已在 {hours(24 * 12):%Y-%m-%d %H:%M} 核销过"  # to the minute
        refused(redeemed, lambda: redeem_code(session, name, "SAVE-001", at=hours(24 * 13)))
        after = settle(session, name, now=hours(24 * 14))
        (kept,) = [d for d in after.decisions if d.coupon]
        assert (kept.coupon, kept.redeemed_at) == ("SAVE-001", hours(24 * 12))


# ------------------------------------------------------------------------------ 以物换物


def test_a_swap_is_matched_then_done(database):
    with database.session() as session:
        campaign, _, (a, b, c, *_) = setup(
            session, "swap", {"max_offers_per_member": 1, "gift": {"points": 3}}
        )
        name = campaign.name
        offer = record_offer(session, name, a, "书", "三体", at=hours(1))
        refused("每人最多 1 件", lambda: record_offer(session, name, a, "书", "球状闪电"))
        want = record_want(session, name, b, " 书 ", at=hours(2))
        other = record_want(session, name, c, "玩具", at=hours(2))
        mine = record_want(session, name, a, "书", at=hours(2))
        _, found = open_matches(session, name, now=hours(3))
        assert [(m.offer.offer_id, m.want.want_id) for m in found] == [(offer.id, want.id)]
        refused("类别不同", lambda: record_match(session, name, offer.id, other.id))
        refused("不能和自己交换", lambda: record_match(session, name, offer.id, mine.id))
        swap = record_match(session, name, offer.id, want.id, at=hours(3))
        refused("已在另一次交换里", lambda: record_match(session, name, offer.id, want.id))
        assert settle(session, name, now=hours(4)).decisions == []  # matched, not done
        record_done(session, name, swap.id, at=hours(5))
        refused(
            f"已在 {hours(5):%Y-%m-%d %H:%M} 完成",
            lambda: record_done(session, name, swap.id, at=hours(6)),
        )
        settled = settle(session, name, now=hours(6))
        assert sorted(d.member_id for d in settled.decisions if d.status == "approved") == sorted(
            [a, b]
        )
        assert points(session, a) == 3 == points(session, b)


# ------------------------------------------------------------------------------ 送 + purchases


def test_a_gift_on_purchase_waits_for_the_recorded_purchase(database):
    settings = {"trigger": "purchase", "inviter": {"points": 10}}
    with database.session() as session:
        campaign, group, (inviter, invitee, *_) = setup(session, "gift", settings)
        name = campaign.name
        session.scalars(
            select(Membership).where(Membership.member_id == invitee)
        ).one().joined_at = hours(1)
        record_edge(
            session,
            Claim(inviter, invitee, "manual", "typed", campaign.id, group, hours(1)),
            operator="店长",
            now=hours(1),
        )
        assert settle(session, name, now=hours(2)).decisions == []
        _, event = purchase_event(session, name, invitee, 1250, at=hours(3))
        assert event == NewEvent(invitee, "purchase", hours(3), group, 1250)
        record_activity(session, [event], source="manual", now=hours(3))
        refused("金额", lambda: purchase_event(session, name, invitee, 0))
        settled = settle(session, name, now=hours(24 * 10))
        assert [(d.member_id, d.status) for d in settled.decisions] == [(inviter, "approved")]


def test_facts_count_only_up_to_as_of_and_bring_their_people(database):
    with database.session() as session:
        campaign, _, (target, a, b, *_) = setup(
            session, "help", {"helpers_needed": 2, "gift": {"points": 20}}
        )
        record_help(session, campaign.name, a, target, at=hours(1))
        record_help(session, campaign.name, b, target, at=hours(5))
        early = load_facts(session, campaign, hours(2))
        assert [(h.helper_id, h.at) for h in early.helps] == [(a, hours(1))]
        assert {target, a, b} <= early.people.keys()
        assert early.people[a].nickname == NAMES[1] and early.people[a].phone == "13800000001"
        assert len(load_facts(session, campaign, hours(6)).helps) == 2
