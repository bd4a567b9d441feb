"""The review queue: approve, reject, blacklist, the overdue mark; who, when and why kept."""

from __future__ import annotations

import pytest

from core.campaigns.decisions import (
    APPROVED,
    BLACKLISTED,
    HELD,
    HELD_FOR_REVIEW,
    OVERDUE,
    PENDING,
    REVIEW_APPROVED,
    REVIEW_REJECTED,
    VOID,
)
from core.campaigns.facts import ReviewAction
from core.campaigns.inputs import Edge
from core.campaigns.review import barred, check_action, queue
from core.campaigns.rewards import decide
from core.campaigns.settings import parse
from core.common.errors import UserError
from tests.core.campaigns.rules_helpers import at, by_key, facts, key

HOLD_ALL = parse(
    "invite_code",
    {"inviter": {"points": 10}, "invitee": {"points": 5}, "screening": {"mode": "hold_all",
     "review_days": 3}},
)  # fmt: skip
EDGES = (Edge(1, 2, at(1)), Edge(1, 3, at(2)), Edge(4, 5, at(3)))


def run(*actions, as_of=None):
    return by_key(decide(HOLD_ALL, facts(*EDGES, as_of=as_of or at(days=2), reviews=actions)))


def test_hold_all_holds_every_reward_with_a_deadline():
    decisions = run()
    assert {d.status for d in decisions.values()} == {HELD}
    one = decisions[key("inviter", 1, 2)]
    assert one.review_by == at(1, days=3)
    assert one.codes() == ["waiting_period", HELD_FOR_REVIEW]
    assert not one.overdue


def test_approve_goes_on_to_its_pending_period_then_approved():
    action = ReviewAction("approve", "小王", at(days=1), key=key("inviter", 1, 2))
    decision = run(action)[key("inviter", 1, 2)]
    assert decision.status == PENDING  # its 7 days are not over
    last = decision.reasons[-1]
    assert (last.code, last.who, last.at) == (REVIEW_APPROVED, "小王", at(days=1))
    assert run(action, as_of=at(days=9))[key("inviter", 1, 2)].status == APPROVED


def test_reject_voids_with_who_when_and_why():
    action = ReviewAction("reject", "小王", at(days=1), "刷单", key=key("inviter", 1, 3))
    decision = run(action)[key("inviter", 1, 3)]
    assert decision.status == VOID
    last = decision.reasons[-1]
    assert (last.code, last.who, last.at) == (REVIEW_REJECTED, "小王", at(days=1))
    assert "刷单" in last.text


def test_blacklist_voids_the_members_pending_rewards_and_bars_them():
    action = ReviewAction("blacklist", "老板", at(days=1), "小号", member_id=1)
    decisions = run(action)
    for invitee in (2, 3):
        decision = decisions[key("inviter", 1, invitee)]
        assert decision.status == VOID and decision.reasons[-1].code == BLACKLISTED
    assert decisions[key("invitee", 1, 2)].status == HELD  # the invitee is not blacklisted
    assert decisions[key("inviter", 4, 5)].status == HELD
    assert barred([action]) == {1}


def test_overdue_when_a_held_reward_passes_its_deadline_and_queue_order():
    decisions = run(as_of=at(2, days=3) + (at(1) - at(0)) * 0.5)  # past 1's and 2's deadline
    overdue = {k for k, d in decisions.items() if d.overdue}
    assert overdue == {key(s, 1, i) for s in ("inviter", "invitee") for i in (2, 3)}
    assert decisions[key("inviter", 1, 2)].reasons[-1].code == OVERDUE
    assert decisions[key("inviter", 1, 2)].status == HELD  # only a person decides
    assert [d.overdue for d in queue(decisions.values())] == [True] * 4 + [False] * 2


@pytest.mark.parametrize(
    ("action", "words"),
    [
        (ReviewAction("delete", "小王", at(0), key="k"), "未知的审核操作"),
        (ReviewAction("approve", " ", at(0), key="k"), "审核人"),
        (ReviewAction("reject", "小王", at(0), key="k"), "原因"),
        (ReviewAction("blacklist", "小王", at(0)), "成员"),
        (ReviewAction("approve", "小王", at(0)), "奖励"),
    ],
)
def test_an_action_missing_who_or_why_is_refused(action, words):
    with pytest.raises(UserError, match=words):
        check_action(action)


def test_a_complete_action_passes():
    check_action(ReviewAction("reject", "小王", at(0), "刷单", key="k"))


def test_blacklist_stays_the_same_when_the_decisions_are_recomputed_later():
    quiet = parse(
        "invite_code", {"inviter": {"points": 10}, "screening": {"mode": "approve_clean"}}
    )
    edges = (Edge(1, 2, at(1)), Edge(1, 3, at(days=20)))
    action = ReviewAction("blacklist", "老板", at(days=10), "小号", member_id=1)
    for as_of in (at(days=10), at(days=60)):  # the first reward's 7 days are over by day 10
        decisions = by_key(decide(quiet, facts(*edges, as_of=as_of, reviews=(action,))))
        assert decisions[key("inviter", 1, 2)].status == APPROVED
        assert decisions[key("inviter", 1, 3)].status == VOID  # earned after the blacklisting
    pending = (Edge(1, 2, at(days=8)),)  # still pending on day 10
    for as_of in (at(days=10), at(days=60)):
        decisions = by_key(decide(quiet, facts(*pending, as_of=as_of, reviews=(action,))))
        assert decisions[key("inviter", 1, 2)].status == VOID
