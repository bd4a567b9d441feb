"""Each campaign type's reward logic, over plain facts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.campaigns.decisions import (
    ALREADY_DONE,
    APPROVED,
    HELD,
    HELPED_BEFORE,
    IN_ANOTHER_TEAM,
    LEDGER_KIND,
    LEFT_EARLY,
    NO_LONGER_EARNED,
    OUT_OF_STOCK,
    PENDING,
    POOL_EMPTY,
    SELF_HELP,
    TEAM_EXPIRED,
    TEAM_FULL,
    TOO_LATE,
    VOID,
)
from core.campaigns.facts import Help, Offer, Person, Swap, Team, Want
from core.campaigns.inputs import Edge
from core.campaigns.rewards import decide
from core.campaigns.rewards.bargain import bargain_states, schedule
from core.campaigns.rewards.invites import ladder_progress, standings
from core.campaigns.rewards.swaps import accepted_offers, matches
from core.campaigns.rewards.teams import COMPLETE, EXPIRED, OPEN, help_states, team_states
from core.campaigns.settings import parse
from tests.core.campaigns.rules_helpers import T0, at, by_key, facts, key

QUIET = {"rules": {"revoke_within_days": None}, "screening": {"mode": "approve_clean"}}
CUP = [{"key": "cup", "name": "定制杯", "cost_cents": 1500, "stock": 2}]


def settings(kind, **data):
    return parse(kind, {**QUIET, **data})


# ------------------------------------------------------------------------------ 邀请码裂变 …


def test_invite_code_rewards_both_sides_pending_then_approved():
    s = parse("invite_code", {"inviter": {"points": 10}, "invitee": {"points": 5}})
    edge = Edge(1, 2, at(1))
    pending = by_key(decide(s, facts(edge, as_of=at(days=3))))
    inviter, invitee = pending[key("inviter", 1, 2)], pending[key("invitee", 1, 2)]
    assert (inviter.member_id, inviter.points, invitee.member_id, invitee.points) == (1, 10, 2, 5)
    assert inviter.status == PENDING and inviter.pending_until == at(1, days=7)
    assert inviter.ledger_kind == LEDGER_KIND and inviter.related_member_id == 2
    later = by_key(decide(s, facts(edge, as_of=at(1, days=7))))
    assert later[key("inviter", 1, 2)].status == APPROVED


def test_invite_code_reward_is_void_when_the_invitee_leaves_early():
    s = parse("invite_code", {"inviter": {"points": 10}})
    (decision,) = decide(s, facts(Edge(1, 2, at(1), left_at=at(days=2))))
    assert decision.status == VOID and decision.codes() == [LEFT_EARLY]


def test_poster_campaign_rewards_as_invite_codes_do():
    s = settings("poster", template="海报A", inviter={"points": 3})
    (decision,) = decide(s, facts(Edge(1, 2, at(1))))
    assert decision.key == key("inviter", 1, 2) and decision.status == APPROVED


def test_gift_both_get_a_prize_and_purchase_trigger_waits_for_the_purchase():
    s = settings(
        "gift", prizes=CUP, trigger="purchase", inviter={"prize": "cup"}, invitee={"prize": "cup"}
    )
    edge = Edge(1, 2, at(1))
    assert decide(s, facts(edge)) == []
    decisions = decide(s, facts(edge, purchases={2: at(5)}))
    assert sorted((d.member_id, d.prize, d.status) for d in decisions) == [
        (1, "cup", APPROVED),
        (2, "cup", APPROVED),
    ]
    assert all(d.at == at(5) and d.cost_cents == 1500 for d in decisions)


def test_an_applied_reward_no_longer_earned_is_voided_for_the_database_side():
    s = settings("invite_code", inviter={"points": 10})
    decisions = decide(s, facts(applied={key("inviter", 1, 9): 1}))
    assert [(d.key, d.status, d.codes()) for d in decisions] == [
        (key("inviter", 1, 9), VOID, [NO_LONGER_EARNED])
    ]


# ------------------------------------------------------------------------------ 任务宝

LADDER = {
    "prizes": CUP,
    "stages": [
        {"invites": 3, "gift": {"points": 30}},
        {"invites": 6, "gift": {"prize": "cup"}, "stock": 1},
    ],
}


def test_ladder_stage_pays_once_with_stage_stock_and_progress():
    s = settings("task_ladder", **LADDER)
    edges = [Edge(1, 10 + i, at(i)) for i in range(7)] + [
        Edge(2, 30 + i, at(20 + i)) for i in range(6)
    ]
    decisions = by_key(decide(s, facts(*edges)))
    assert decisions[key("stage", 1, 3)].points == 30
    assert decisions[key("stage", 1, 3)].at == at(2)  # the third invitee's joining
    assert decisions[key("stage", 1, 6)].prize == "cup"
    assert decisions[key("stage", 1, 6)].status == APPROVED
    # member 2 reached 6 later: the stage's stock of 1 is gone
    assert decisions[key("stage", 2, 6)].status == VOID
    assert decisions[key("stage", 2, 6)].codes()[0] == OUT_OF_STOCK
    assert len([k for k in decisions if k.startswith(key("stage", 1))]) == 2  # 7 invites: once
    progress = {p.member_id: p for p in ladder_progress(s, facts(*edges[:4]))}
    assert progress[1].converted == 4 and progress[1].reached == (3,)
    assert (progress[1].next_stage, progress[1].missing) == (6, 2)  # 还差 2 人


def test_ladder_stage_waits_for_its_invites_pending_periods_and_loses_a_void_one():
    s = parse("task_ladder", {"stages": [{"invites": 2, "gift": {"points": 20}}]})
    edges = [Edge(1, 2, at(0)), Edge(1, 3, at(5))]
    (decision,) = decide(s, facts(*edges, as_of=at(days=2)))
    assert decision.status == PENDING and decision.pending_until == at(5, days=7)
    left = [edges[0], Edge(1, 3, at(5), left_at=at(days=1))]
    applied = {key("stage", 1, 2): 1}
    (decision,) = decide(s, facts(*left, as_of=at(days=2), applied=applied))
    assert decision.status == VOID and decision.codes() == [NO_LONGER_EARNED]


# ------------------------------------------------------------------------------ 拼团


def team_settings():
    return settings("group_buy", team_size=3, hours=24, member_gift={"points": 10},
                    leader_gift={"points": 5})  # fmt: skip


def test_group_buy_completes_at_the_deadline_exactly():
    s = team_settings()
    team = Team(1, 100, T0, ((101, at(1)), (102, at(24))))
    (state,) = team_states(s, facts(teams=(team,)))
    assert state.state == COMPLETE and state.completed_at == at(24)
    decisions = by_key(decide(s, facts(teams=(team,))))
    assert {d.member_id: d.points for d in decisions.values() if ":team:" in d.key} == {
        100: 10,
        101: 10,
        102: 10,
    }
    assert decisions[key("leader", 1)].points == 5


def test_group_buy_expires_a_second_after_its_deadline():
    s = team_settings()
    late = Team(1, 100, T0, ((101, at(1)), (102, at(24) + timedelta(seconds=1))))
    (state,) = team_states(s, facts(teams=(late,), as_of=at(30)))
    assert state.state == EXPIRED and [r.code for r in state.reasons] == [TEAM_EXPIRED]
    assert [(m, r.code) for m, r in state.refused] == [(102, TOO_LATE)]
    assert decide(s, facts(teams=(late,), as_of=at(30))) == []
    (open_state,) = team_states(s, facts(teams=(Team(1, 100, T0, ((101, at(1)),)),), as_of=at(24)))
    assert open_state.state == OPEN  # at the deadline itself it has not expired yet


def test_group_buy_full_team_and_one_team_per_member():
    s = team_settings()
    first = Team(1, 100, T0, ((101, at(1)), (102, at(2)), (103, at(3))))
    second = Team(2, 200, at(1), ((101, at(4)), (201, at(5))))
    one, two = team_states(s, facts(teams=(first, second), as_of=at(48)))
    assert one.members == (100, 101, 102) and [(m, r.code) for m, r in one.refused] == [
        (103, TEAM_FULL)
    ]
    assert (101, IN_ANOTHER_TEAM) in [(m, r.code) for m, r in two.refused]
    assert two.state == EXPIRED


# ------------------------------------------------------------------------------ 助力


def test_help_unlocks_after_n_helpers_and_a_helper_helps_once():
    s = settings("help", helpers_needed=2, hours=48, gift={"points": 50}, helper_gift={"points": 1})
    helps = (
        Help(1, 11, at(1)),
        Help(1, 1, at(2)),  # themselves
        Help(2, 11, at(3)),  # 11 helped already in this campaign
        Help(1, 12, at(4)),
        Help(1, 13, at(5)),  # already unlocked
        Help(2, 14, at(49)),  # past 48 h of member 2's start (begun)
    )
    f = facts(helps=helps, begun={2: T0})
    one, two = help_states(helps, f, 2, 48, 2, once_per_campaign=True)
    assert [h.helper_id for h in one.helpers] == [11, 12] and one.done_at == at(4)
    assert [(h.helper_id, r.code) for h, r in one.refused] == [(1, SELF_HELP), (13, ALREADY_DONE)]
    assert [(h.helper_id, r.code) for h, r in two.refused] == [(11, HELPED_BEFORE), (14, TOO_LATE)]
    assert two.missing == 2
    decisions = by_key(decide(s, f))
    assert decisions[key("help", 1)].points == 50 and decisions[key("help", 1)].at == at(4)
    assert {k for k in decisions if ":helper:" in k} == {key("helper", 11), key("helper", 12)}


def test_help_from_the_same_phone_is_refused():
    s = settings("help", helpers_needed=1, gift={"points": 50})
    people = {1: Person(1, phone="13800001111"), 2: Person(2, phone="13800001111")}
    f = facts(helps=(Help(1, 2, at(1)),), people=people)
    assert decide(s, f) == []
    (state,) = help_states(f.helps, f, 1, None, 2, True)
    assert state.refused[0][1].code == "same_phone"


# ------------------------------------------------------------------------------ 砍价


def test_bargain_schedule_diminishes_and_reaches_the_floor():
    s = settings("bargain", prizes=CUP, prize="cup", price_cents=10000, floor_cents=100,
                 helpers=5, decay_percent=50)  # fmt: skip
    cuts = schedule(s)
    assert sum(cuts) == 9900 and len(cuts) == 5
    assert cuts == sorted(cuts, reverse=True) and min(cuts) >= 1
    # 1 + ⌊9895 · 2^-i / (31/16)⌋ = 5108, 2554, 1277, 639, 320 (9898): +1 to the first two
    assert cuts == [5109, 2555, 1277, 639, 320]
    flat = settings("bargain", prizes=CUP, prize="cup", price_cents=105, floor_cents=100,
                    helpers=5, decay_percent=1)  # fmt: skip
    assert schedule(flat) == [1, 1, 1, 1, 1]


def test_bargain_records_each_cut_and_gives_the_item_at_the_floor():
    s = settings("bargain", prizes=CUP, prize="cup", price_cents=10000, floor_cents=100,
                 helpers=3, decay_percent=50)  # fmt: skip
    helps = (*(Help(1, 10 + i, at(i)) for i in range(4)), Help(2, 10, at(1)))
    f = facts(helps=helps)
    one, two = bargain_states(s, f)
    assert [c.cut_cents for c in one.cuts] == schedule(s)
    assert [c.price_after for c in one.cuts][-1] == 100 and one.final_at == at(2)
    assert two.price_cents == 10000 - schedule(s)[0] and two.final_at is None  # still open
    (decision,) = decide(s, f)
    assert (decision.member_id, decision.prize, decision.price_cents) == (1, "cup", 100)


def test_bargain_with_a_time_limit_sells_at_the_price_reached():
    s = settings("bargain", prizes=CUP, prize="cup", price_cents=10000, floor_cents=100,
                 helpers=3, decay_percent=50, hours=24)  # fmt: skip
    f = facts(helps=(Help(1, 10, at(1)),), as_of=at(25), begun={1: T0})
    (decision,) = decide(s, f)
    assert decision.price_cents == 10000 - schedule(s)[0] and decision.at == at(24)
    assert decide(s, facts(helps=(Help(1, 10, at(1)),), as_of=at(23), begun={1: T0})) == []


# ------------------------------------------------------------------------------ 优惠券


def test_coupons_from_the_pool_in_order_keep_their_codes_and_record_redemption():
    s = settings("coupon", value_cents=500, per_participant=1, per_invitee=1,
                 pool=["Q1", "Q2", "Q3"])  # fmt: skip
    edges = [Edge(1, 2, at(1)), Edge(1, 3, at(2))]
    decisions = decide(s, facts(*edges, redeemed={"Q2": at(9)}))
    # earned in order of joining, then key (the invitee's before the inviter's)
    assert [(d.member_id, d.coupon, d.status) for d in decisions] == [
        (2, "Q1", APPROVED),
        (1, "Q2", APPROVED),
        (3, "Q3", APPROVED),
        (1, None, VOID),
    ]
    assert decisions[3].codes() == [POOL_EMPTY]
    assert decisions[1].redeemed_at == at(9) and decisions[0].cost_cents == 500
    # a code handed out before stays with its reward, however the facts arrive
    handed = {key("coupon", "invitee", 1, 3, 1): "Q1"}
    again = by_key(decide(s, facts(*edges, coupons=handed, applied={k: 3 for k in handed})))
    assert again[key("coupon", "invitee", 1, 3, 1)].coupon == "Q1"
    assert again[key("coupon", "invitee", 1, 2, 1)].coupon == "Q2"


# ------------------------------------------------------------------------------ 排行榜


def test_ranking_pays_the_top_n_at_the_end_ties_to_who_got_there_first():
    s = settings("ranking", prizes_by_rank=[{"points": 300}, {"points": 200}])
    edges = [
        Edge(1, 10, at(1)),
        Edge(1, 11, at(5)),
        Edge(2, 20, at(2)),
        Edge(2, 21, at(3)),  # two as well, reached earlier: ranks above member 1
        Edge(3, 30, at(1)),
    ]
    assert decide(s, facts(*edges, as_of=at(days=9), ends_at=at(days=10))) == []
    decisions = decide(s, facts(*edges, as_of=at(days=10), ends_at=at(days=10)))
    assert [(d.key, d.member_id, d.points) for d in decisions] == [
        (key("rank", 1), 2, 300),
        (key("rank", 2), 1, 200),
    ]


def test_ranking_counts_only_verified_invites_by_default():
    s = parse("ranking", {"prizes_by_rank": [{"points": 300}], "rules": {"revoke_within_days": 30}})
    edges = [Edge(1, 10, at(1)), Edge(1, 11, at(2)), Edge(2, 20, at(0))]
    f = facts(*edges, as_of=at(days=10), ends_at=at(days=10))
    assert decide(s, f) == []  # nobody's invites are past their 30 days yet
    assert standings(s, f) == []
    counting_pending = parse(
        "ranking",
        {
            "prizes_by_rank": [{"points": 300}],
            "rules": {"revoke_within_days": 30},
            "verified_only": False,
        },
    )
    assert [(r.rank, r.member_id, r.converted) for r in standings(counting_pending, f)] == [
        (1, 1, 2),
        (2, 2, 1),
    ]
    (decision,) = decide(counting_pending, f)
    assert (decision.member_id, decision.points) == (1, 300)


# ------------------------------------------------------------------------------ 以物换物


def test_swap_offers_wants_matches_and_done():
    s = settings("swap", max_offers_per_member=1, gift={"points": 5})
    offers = (
        Offer(1, 100, "图书", "三体", at(1)),
        Offer(2, 100, "图书", "活着", at(2)),  # over member 100's cap
        Offer(3, 200, "玩具", "乐高", at(3)),
    )
    wants = (Want(1, 200, " 图书 ", at(4)), Want(2, 100, "图书", at(5)))
    f = facts(offers=offers, wants=wants)
    kept, refused = accepted_offers(s, f)
    assert [o.offer_id for o in kept] == [1, 3] and refused[0][1].code == "offers_cap"
    assert [(m.want.want_id, m.offer.offer_id) for m in matches(s, f)] == [(1, 1)]
    done = facts(offers=offers, wants=wants, swaps=(Swap(1, 1, at(6)),))
    assert matches(s, done) == []
    assert sorted((d.member_id, d.points) for d in decide(s, done)) == [(100, 5), (200, 5)]


# ------------------------------------------------------------------------------ moderation


@pytest.mark.parametrize(
    ("mode", "clean", "flagged"),
    [("approve_clean", APPROVED, VOID), ("hold_flagged", APPROVED, HELD), ("hold_all", HELD, HELD)],
)
def test_moderation_modes(mode, clean, flagged):
    s = parse("invite_code", {"inviter": {"points": 10}, "rules": {"revoke_within_days": None},
                              "screening": {"mode": mode}})  # fmt: skip
    people = {
        1: Person(1, at(days=-9), nickname="阳光小美"),
        2: Person(2, at(1), nickname="阳光小美2"),
        3: Person(3, at(2), nickname="老王"),
        4: Person(4, at(3), phone="138", nickname="大刘"),
        5: Person(5, at(days=-9), phone="138", nickname="某某"),
    }
    edges = [Edge(1, 2, at(1)), Edge(1, 3, at(2)), Edge(5, 4, at(3))]
    decisions = by_key(decide(s, facts(*edges, people=people, as_of=at(5))))
    assert decisions[key("inviter", 1, 3)].status == clean
    assert decisions[key("inviter", 1, 2)].status == flagged
    assert "similar_nickname" in decisions[key("inviter", 1, 2)].codes()
    blocked = decisions[key("inviter", 5, 4)]
    assert blocked.status == VOID and blocked.codes() == ["same_phone"]  # in every mode


def test_an_invite_a_blocking_signal_hit_counts_toward_no_stage():
    s = parse("task_ladder", {"stages": [{"invites": 2, "gift": {"points": 20}}],
                              "rules": {"revoke_within_days": None}})  # fmt: skip
    edges = [Edge(1, 2, at(1)), Edge(1, 3, at(2)), Edge(1, 4, at(3))]
    people = {
        1: Person(1, at(days=-9), phone="13800001111"),
        2: Person(2, at(1), phone="13800001111"),  # the inviter's own second account
        3: Person(3, at(2)),
        4: Person(4, at(3)),
    }
    (decision,) = decide(s, facts(*edges, people=people))
    assert decision.at == at(3) and decision.status == APPROVED  # earned by 3 and 4, not 2
    (progress,) = ladder_progress(s, facts(*edges[:2], people=people))
    assert (progress.converted, progress.missing) == (1, 1)


def test_keys_stay_the_same_from_pending_to_approved_and_twice_gives_the_same():
    s = parse("invite_code", {"inviter": {"points": 10}, "invitee": {"points": 5}})
    edges = (Edge(1, 2, at(1)), Edge(1, 3, at(2)), Edge(3, 4, at(3)))
    early, late = decide(s, facts(*edges, as_of=at(days=1))), decide(s, facts(*edges))
    assert [d.key for d in early] == [d.key for d in late]
    assert {d.status for d in early} == {PENDING} and {d.status for d in late} == {APPROVED}
    assert decide(s, facts(*edges)) == late


def test_an_applied_prize_keeps_its_stock_when_an_earlier_claim_arrives_late():
    s = settings("invite_code", prizes=[{**CUP[0], "stock": 1}], inviter={"prize": "cup"})
    applied = {key("inviter", 1, 3): 1}
    decisions = by_key(decide(s, facts(Edge(1, 2, at(1)), Edge(1, 3, at(5)), applied=applied)))
    assert decisions[key("inviter", 1, 3)].status == APPROVED
    assert decisions[key("inviter", 1, 2)].codes() == [OUT_OF_STOCK]
