"""Each eligibility switch with a case that trips it and one that doesn't; the budget caps."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core.campaigns.decisions import (
    APPROVED,
    BARRED,
    CAP_CAMPAIGN,
    CAP_DAY,
    CAP_MONTH,
    EDGE_REJECTED,
    LEFT_EARLY,
    NOT_ACTIVATED,
    NOT_FIRST,
    NOT_NEW,
    OUT_OF_STOCK,
    OVER_BUDGET,
    OVER_BUDGET_DAY,
    OVER_BUDGET_MEMBER,
    OVER_BUDGET_PRIZE,
    PENDING,
    VOID,
    WAITING_ACTIVATION,
    WAITING_PERIOD,
)
from core.campaigns.eligibility import Book, judge
from core.campaigns.facts import Budget, Person
from core.campaigns.inputs import REJECTED, Edge
from core.campaigns.settings import Prize, Rules
from tests.core.campaigns.rules_helpers import T0, at, newcomers

OFF = Rules(new_members_only=False, revoke_within_days=None, first_referrer_wins=False)


def verdicts(edges, rules=OFF, people=None, as_of=None):
    people = newcomers(*edges) if people is None else people
    return judge(edges, rules, people, T0, as_of or at(days=60))


def codes(verdict):
    return [reason.code for reason in verdict.reasons]


def test_all_switches_off_an_invite_is_approved_at_once():
    (verdict,) = verdicts([Edge(1, 2, at(1))]).values()
    assert verdict.status == APPROVED and verdict.pending_until == at(1)


def test_a_seed_row_earns_nothing():
    assert verdicts([Edge(None, 2, at(1))]) == {}


def test_the_edge_tables_review_is_kept():
    (verdict,) = verdicts([Edge(1, 2, at(1), status=REJECTED)]).values()
    assert verdict.status == VOID and codes(verdict) == [EDGE_REJECTED]


def test_new_members_only():
    rules = Rules(new_members_only=True, revoke_within_days=None)
    edge = Edge(1, 2, at(5))
    before = {1: Person(1, at(days=-9)), 2: Person(2, T0 - timedelta(seconds=1))}
    (verdict,) = verdicts([edge], rules, before).values()
    assert verdict.status == VOID and codes(verdict) == [NOT_NEW]
    after = {1: Person(1, at(days=-9)), 2: Person(2, T0)}  # joined at the very start: new
    assert verdicts([edge], rules, after)[(1, 2)].status == APPROVED
    assert verdicts([edge], OFF, before)[(1, 2)].status == APPROVED  # switch off


def test_revoke_if_the_invitee_leaves_within_x_days():
    rules = Rules(new_members_only=False, revoke_within_days=7)
    early = Edge(1, 2, at(0), left_at=at(days=7) - timedelta(seconds=1))
    late = Edge(1, 3, at(0), left_at=at(days=7))
    still_in = Edge(1, 4, at(0))
    found = verdicts([early, late, still_in], rules, as_of=at(days=3))
    assert found[(1, 2)].status == VOID and codes(found[(1, 2)]) == [LEFT_EARLY]
    assert found[(1, 4)].status == PENDING and found[(1, 4)].pending_until == at(days=7)
    assert codes(found[(1, 4)]) == [WAITING_PERIOD]
    found = verdicts([early, late, still_in], rules, as_of=at(days=7))
    assert found[(1, 3)].status == APPROVED and found[(1, 4)].status == APPROVED
    off = verdicts([early], OFF)
    assert off[(1, 2)].status == APPROVED


def test_first_referrer_wins():
    rules = Rules(new_members_only=False, revoke_within_days=None, first_referrer_wins=True)
    edges = [Edge(1, 9, at(2)), Edge(2, 9, at(1)), Edge(3, 8, at(1))]
    found = verdicts(edges, rules)
    assert found[(2, 9)].status == APPROVED
    assert found[(1, 9)].status == VOID and codes(found[(1, 9)]) == [NOT_FIRST]
    assert found[(3, 8)].status == APPROVED
    both = verdicts(edges, OFF)
    assert both[(1, 9)].status == both[(2, 9)].status == APPROVED


def test_a_rejected_first_edge_leaves_the_next_referrer_in():
    rules = Rules(new_members_only=False, revoke_within_days=None)
    found = verdicts([Edge(1, 9, at(1), status=REJECTED), Edge(2, 9, at(2))], rules)
    assert found[(2, 9)].status == APPROVED


def test_credit_only_after_activation_within_72_hours_with_a_delay():
    rules = Rules(
        new_members_only=False, revoke_within_days=None, require_activation=True, delay_days=10
    )
    active = Edge(1, 2, at(0), activated_at=at(72))  # on the boundary: activated
    too_late = Edge(1, 3, at(0), activated_at=at(73))
    silent = Edge(1, 4, at(0))
    found = verdicts([active, too_late, silent], rules, as_of=at(days=5))
    assert found[(1, 2)].status == PENDING and found[(1, 2)].pending_until == at(72, days=10)
    assert codes(found[(1, 3)]) == [NOT_ACTIVATED] and codes(found[(1, 4)]) == [NOT_ACTIVATED]
    early = verdicts([silent], rules, as_of=at(24))  # the 72 h are not over
    assert early[(1, 4)].status == PENDING and codes(early[(1, 4)]) == [WAITING_ACTIVATION]
    assert verdicts([active], rules, as_of=at(72, days=10))[(1, 2)].status == APPROVED
    assert verdicts([silent], OFF)[(1, 4)].status == APPROVED  # switch off


def test_credit_delay_without_activation_counts_from_joining():
    rules = Rules(new_members_only=False, revoke_within_days=7, delay_days=30)
    found = verdicts([Edge(1, 2, at(0))], rules, as_of=at(days=10))
    assert found[(1, 2)].pending_until == at(days=30)  # the later of 7 and 30 days


def test_caps_per_inviter_per_day_month_and_campaign():
    day = Rules(new_members_only=False, revoke_within_days=None, cap_per_day=2)
    edges = [Edge(1, 10 + i, at(i)) for i in range(3)] + [Edge(1, 20, at(days=1))]
    found = verdicts(edges, day)
    assert [found[(1, 10 + i)].status for i in range(3)] == [APPROVED, APPROVED, VOID]
    assert codes(found[(1, 12)]) == [CAP_DAY] and found[(1, 20)].status == APPROVED
    month = Rules(new_members_only=False, revoke_within_days=None, cap_per_month=3)
    edges = [Edge(1, 10 + i, at(days=7 * i)) for i in range(6)]  # May 1, 8, 15, 22, 29; Jun 5
    found = verdicts(edges, month)
    assert [codes(found[(1, 10 + i)]) for i in range(6)] == [
        [],
        [],
        [],
        [CAP_MONTH],
        [CAP_MONTH],
        [],
    ]
    campaign = Rules(new_members_only=False, revoke_within_days=None, cap_per_campaign=2)
    found = verdicts(edges, campaign)
    assert [found[(1, 10 + i)].status for i in range(6)].count(APPROVED) == 2
    assert codes(found[(1, 12)]) == [CAP_CAMPAIGN]
    assert all(v.status == APPROVED for v in verdicts(edges, OFF).values())


def test_a_void_edge_does_not_use_up_a_cap():
    rules = Rules(new_members_only=False, revoke_within_days=7, cap_per_campaign=1)
    edges = [Edge(1, 2, at(0), left_at=at(1)), Edge(1, 3, at(2))]
    found = verdicts(edges, rules)
    assert codes(found[(1, 2)]) == [LEFT_EARLY] and found[(1, 3)].status == APPROVED


def test_a_barred_inviter_earns_nothing():
    people = {1: Person(1, at(days=-9), barred=True), 2: Person(2, at(1))}
    (verdict,) = verdicts([Edge(1, 2, at(1))], OFF, people).values()
    assert codes(verdict) == [BARRED]
    people[1] = Person(1, at(days=-9))
    assert verdicts([Edge(1, 2, at(1))], OFF, people)[(1, 2)].status == APPROVED


# ------------------------------------------------------------------------------ the book


def test_budget_caps_per_day_member_total_and_prize():
    prizes = {"cup": Prize(key="cup", name="杯", cost_cents=100, budget_cents=250)}
    book = Book(prizes, Budget(per_day_cents=250, fen_per_point=Decimal(1)))
    day1, day2 = at(0).date(), at(days=1).date()
    assert book.take(1, day1, 200, None) is None
    assert book.take(2, day1, 100, None).code == OVER_BUDGET_DAY
    assert book.take(2, day2, 100, None) is None
    book = Book(prizes, Budget(per_member_cents=150))
    assert book.take(1, day1, 100, None) is None
    assert book.take(1, day1, 100, None).code == OVER_BUDGET_MEMBER
    assert book.take(2, day1, 100, None) is None
    book = Book(prizes, Budget(total_cents=100), spent_cents=50)
    assert book.take(1, day1, 60, None).code == OVER_BUDGET
    assert book.take(1, day1, 50, None) is None
    book = Book(prizes, Budget())
    assert book.take(1, day1, 100, "cup") is None and book.take(2, day1, 100, "cup") is None
    assert book.take(3, day1, 100, "cup").code == OVER_BUDGET_PRIZE


def test_stock_counts_what_was_used_elsewhere():
    prizes = {"cup": Prize(key="cup", name="杯", stock=2)}
    book = Book(prizes, Budget(), stock_used={"cup": 1})
    assert book.take(1, at(0).date(), 0, "cup") is None
    refused = book.take(2, at(0).date(), 0, "cup")
    assert refused.code == OUT_OF_STOCK and refused.text == "奖品库存不足：杯"
    book.limit("stage:3", 1)
    assert book.take(3, at(0).date(), 0, None, ["stage:3"]) is None
    assert book.take(4, at(0).date(), 0, None, ["stage:3"]).code == OUT_OF_STOCK
