"""The shortcuts taken for speed over 200000 edges (bench/campaign_settle.py) give what the
plain ways gave: Decision.but as dataclasses.replace, shared reasons, the budget caps in their
order, moderation skipped only when it would change nothing, blacklisting by member, the
people read by scan or by chunks of ids, purchases read by scan or through the index
(gc_paused: tests/core/members/test_import_updates.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from core.campaigns import inputs_sql, people_sql
from core.campaigns.decisions import (
    APPROVED,
    BLACKLISTED,
    HELD,
    HELD_FOR_REVIEW,
    OVER_BUDGET_DAY,
    OVER_BUDGET_MEMBER,
    VOID,
    Decision,
    reason,
    reason_texts,
    reward_key,
)
from core.campaigns.eligibility import Book
from core.campaigns.facts import Budget, ReviewAction
from core.campaigns.facts_sql import load_edges, load_people
from core.campaigns.inputs import Edge
from core.campaigns.review import apply_reviews
from core.campaigns.rewards import decide
from core.campaigns.settings import parse
from core.campaigns.signals import SAME_PHONE, SAME_WECHAT, pair_signals
from db.models import Community, Member, Membership
from tests.core.campaigns import tree15_db
from tests.core.campaigns.rules_helpers import at, facts, newcomers, person
from tests.core.campaigns.tree15 import AS_OF

T = at()


def _decision(**more) -> Decision:
    return Decision("campaign:1:inviter:1:2", 1, APPROVED, T, points=10, **more)


def test_but_is_dataclasses_replace():
    decision = _decision(reasons=(reason(HELD_FOR_REVIEW),))
    why = reason(OVER_BUDGET_DAY)
    got = decision.but(HELD, why, review_by=T + timedelta(days=3), cost_cents=5)
    want = replace(decision, status=HELD, reasons=(*decision.reasons, why),
                   review_by=T + timedelta(days=3), cost_cents=5)  # fmt: skip
    assert got == want and hash(got) == hash(want)
    assert decision.status == APPROVED and decision.reasons == (reason(HELD_FOR_REVIEW),)
    with pytest.raises(AttributeError):
        got.status = VOID  # still frozen
    with pytest.raises(TypeError):
        decision.but(VOID, nonsense=1)


def test_reward_keys_and_shared_reasons():
    assert reward_key(7) == "campaign:7"
    assert reward_key(7, "inviter", 1, 2) == "campaign:7:inviter:1:2"
    assert reward_key(7, "rank", None) == "campaign:7:rank:None"
    assert reason(OVER_BUDGET_DAY) == reason(OVER_BUDGET_DAY)
    assert reason(OVER_BUDGET_DAY).text == reason_texts()[OVER_BUDGET_DAY]
    assert reason(OVER_BUDGET_DAY, "奖品A").text == "超过每日预算：奖品A"


def test_phones_and_wechat_ids_compare_tidied():
    one = person(1, phone="138-0000 0001", wechat_id="Run_Fan")
    two = person(2, phone="13800000001", wechat_id="run_fan", nickname="完全不同")
    assert [s.code for s in pair_signals(one, two, 2)] == [SAME_PHONE, SAME_WECHAT]
    assert pair_signals(one, person(3, phone="13800000002"), 2) == []


def test_budget_caps_refuse_in_their_order():
    book = Book({}, Budget(per_day_cents=100, per_member_cents=100, fen_per_point=1))
    assert book.take(1, T.date(), 80, None) is None
    # both the day's and the member's cap would pass: the day's is said first
    assert book.take(1, T.date(), 30, None) == reason(OVER_BUDGET_DAY)
    assert book.take(1, (T + timedelta(days=1)).date(), 30, None) == reason(OVER_BUDGET_MEMBER)
    assert book.take(2, (T + timedelta(days=1)).date(), 30, None) is None


def test_hold_all_still_holds_clean_rewards():
    edge = Edge(1, 2, T)
    settings = parse("invite_code", {"inviter": {"points": 10},
                                     "screening": {"mode": "hold_all"}})  # fmt: skip
    decisions = decide(settings, facts(edge, people=newcomers(edge), as_of=T + timedelta(days=8)))
    assert [(d.status, d.codes()[0]) for d in decisions] == [(HELD, HELD_FOR_REVIEW)]


def test_blacklisting_voids_only_that_members_rewards_in_order():
    decisions = [
        Decision(f"k{n}", member, HELD, T + timedelta(hours=n)) for n, member in
        enumerate([5, 6, 5, 7, 6])
    ]  # fmt: skip
    actions = [
        ReviewAction("blacklist", "店长", T + timedelta(days=1), "", None, 6),
        ReviewAction("blacklist", "店长", T + timedelta(days=1), "", None, 8),  # no rewards
    ]
    out = apply_reviews(decisions, actions, T + timedelta(hours=10))
    assert [d.key for d in out] == ["k0", "k1", "k2", "k3", "k4"]
    assert [d.status for d in out] == [HELD, VOID, HELD, HELD, VOID]
    assert out[1].codes() == [BLACKLISTED]


def _people_setup(session):
    group, other = Community(name="跑步群", platform="wechat"), Community(name="读书群")
    session.add_all([group, other])
    session.add_all(Member(id=n, nickname=f"m{n}", phone=f"1380000{n:04d}") for n in range(1, 41))
    session.flush()
    session.add_all(
        Membership(member_id=n, community_id=group.id, joined_at=T + timedelta(days=n % 3))
        for n in range(1, 41)
    )
    session.add(Membership(member_id=3, community_id=other.id, joined_at=T - timedelta(days=9)))
    session.add(Membership(member_id=4, community_id=other.id, joined_at=None))
    session.flush()


@pytest.mark.parametrize("ids", [{3, 4, 99}, set(range(1, 41)) | {None}])
def test_people_by_scan_and_by_chunks_are_the_same(database, monkeypatch, ids):
    with database.session(write=True) as session:
        _people_setup(session)
        monkeypatch.setattr(people_sql, "CHUNK", 2)
        found = {}
        for most in (True, False):
            monkeypatch.setattr(people_sql, "_most", lambda session, ids, most=most: most)
            found[most] = people_sql.read_people(session, 1, ids)
    assert found[True] == found[False]
    assert set(found[True]) == {n for n in ids if n is not None and n <= 40}
    assert found[True][3].member_since == T - timedelta(days=9)
    assert found[True][4].phone == "13800000004" and found[True][4].nickname == "m4"


def test_load_people_from_the_edges_or_by_query(database):
    with database.session(write=True) as session:
        campaign_id = tree15_db.load(session)
        edges = load_edges(session, campaign_id)
        assert load_people(session, campaign_id, edges) == load_people(session, campaign_id)
        assert len(load_people(session, campaign_id)) >= 15


def test_purchases_by_scan_and_through_the_index_are_the_same(database, monkeypatch):
    with database.session(write=True) as session:
        campaign_id = tree15_db.load(session)
        found = []
        for scan_when in (0, 10**9):  # 0: never scan; huge: always scan
            monkeypatch.setattr(inputs_sql, "_SCAN_WHEN", scan_when)
            found.append(inputs_sql.read_inputs(session, campaign_id, AS_OF).facts)
    assert found[0] == found[1]
    assert sum(f.revenue for f in found[0].values()) == 648
