"""抽奖: the draw replays exactly from its seed; stock and caps per member hold; and, for every
type of stock, a property test: stock and budget are never exceeded."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core.campaigns.decisions import BARRED, DRAWS_USED, VOID
from core.campaigns.facts import Budget, Draw, Help, Person, Team
from core.campaigns.inputs import Edge
from core.campaigns.rewards import decide
from core.campaigns.rewards.lottery import replay
from core.campaigns.settings import parse
from tests.core.campaigns.rules_helpers import at, facts

PRIZES = [{"key": "cup", "name": "定制杯", "cost_cents": 1500, "stock": 3}]


def lottery(seed=20260501, **more):
    return parse(
        "lottery",
        {
            "prizes": PRIZES,
            "entries": [
                {"name": "一等奖", "gift": {"prize": "cup"}, "weight": 2},
                {"name": "积分", "gift": {"points": 10}, "weight": 5, "stock": 4},
            ],
            "miss_weight": 3,
            "seed": seed,
            "screening": {"mode": "approve_clean"},
            **more,
        },
    )


DRAWS = tuple(Draw(n, 100 + n % 7, at(n)) for n in range(1, 31))


def test_the_draw_replays_from_its_seed_by_hand():
    s = lottery(draws_per_member=10, wins_per_member=10)
    outcomes = replay(s, facts(draws=DRAWS))
    # the documented algorithm, written out again
    rng = random.Random(20260501)
    left = {"一等奖": 3, "积分": 4}
    for outcome in outcomes:
        u = rng.random()
        assert outcome.u == u
        open_ = [(n, w) for n, w in (("一等奖", 2), ("积分", 5)) if left[n] > 0]
        x, running, won = u * (sum(w for _, w in open_) + 3), 0, None
        for name, weight in open_:
            running += weight
            if x < running:
                won = name
                break
        if won:
            left[won] -= 1
        assert outcome.won == won
    assert left == {"一等奖": 0, "积分": 0}  # 30 draws use up every prize
    # the same settings and draws give the same winners, in another order of the facts too
    again = replay(s, facts(draws=tuple(reversed(DRAWS))))
    assert [(o.draw, o.won) for o in again] == [(o.draw, o.won) for o in outcomes]
    other = replay(lottery(seed=7, draws_per_member=10, wins_per_member=10), facts(draws=DRAWS))
    assert [o.won for o in other] != [o.won for o in outcomes]


def test_caps_per_member_and_stock():
    s = lottery(draws_per_member=2, wins_per_member=1)
    outcomes = replay(s, facts(draws=DRAWS))
    tried = Counter()
    for outcome in outcomes:
        tried[outcome.draw.member_id] += 1
        if tried[outcome.draw.member_id] > 2:
            assert outcome.refused.code == DRAWS_USED and outcome.u is None
    wins = Counter(o.draw.member_id for o in outcomes if o.won)
    assert max(wins.values()) == 1
    decisions = decide(s, facts(draws=DRAWS))
    assert sum(1 for d in decisions if d.prize == "cup" and d.status != VOID) <= 3
    assert all(d.key.startswith("campaign:7:draw:") for d in decisions)


def test_a_member_barred_earlier_wins_nothing():
    s = lottery(draws_per_member=10, wins_per_member=10)
    draws = tuple(Draw(n, 100, at(n)) for n in range(1, 11))
    people = {100: Person(100, at(0), barred=True)}
    decisions = decide(s, facts(draws=draws, people=people))
    assert decisions and all(d.status == VOID and d.codes() == [BARRED] for d in decisions)


def test_stock_used_elsewhere_is_left_alone():
    s = lottery(draws_per_member=10, wins_per_member=10)
    outcomes = replay(s, facts(draws=DRAWS, stock_used={"cup": 3}))
    assert all(o.won != "一等奖" for o in outcomes)


# ------------------------------------------------------------------------------ property


prize_stock = st.integers(min_value=0, max_value=4)
budget_cap = st.one_of(st.none(), st.integers(min_value=0, max_value=20000))


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["invite_code", "task_ladder", "group_buy", "help", "lottery"]),
    stock=prize_stock,
    used=st.integers(min_value=0, max_value=3),
    total=budget_cap,
    per_day=budget_cap,
    per_member=budget_cap,
    joins=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=6),
            st.integers(min_value=7, max_value=40),
            st.integers(min_value=0, max_value=96),
        ),
        max_size=40,
    ),
    applied=st.lists(st.integers(min_value=0, max_value=39), max_size=5),
)
def test_stock_and_budget_are_never_exceeded(
    kind, stock, used, total, per_day, per_member, joins, applied
):
    prizes = [{"key": "cup", "name": "杯", "cost_cents": 1500, "stock": stock}]
    common = {"prizes": prizes, "screening": {"mode": "approve_clean"},
              "rules": {"revoke_within_days": None, "new_members_only": False}}  # fmt: skip
    gift = {"points": 100, "prize": "cup"}
    data = {
        "invite_code": {"inviter": gift, "invitee": gift},
        "task_ladder": {"stages": [{"invites": 1, "gift": gift}, {"invites": 2, "gift": gift}]},
        "group_buy": {"team_size": 2, "hours": 48, "member_gift": gift},
        "help": {"helpers_needed": 1, "gift": gift},
        "lottery": {"entries": [{"name": "杯", "gift": gift, "weight": 1}],
                    "draws_per_member": 5, "wins_per_member": 5},
    }[kind]  # fmt: skip
    s = parse(kind, {**common, **data})
    edges = tuple(Edge(a, b, at(h)) for a, b, h in joins)
    teams = tuple(Team(i, a, at(h), ((b, at(h + 1)),)) for i, (a, b, h) in enumerate(joins))
    helps = tuple(Help(a, b, at(h)) for a, b, h in joins)
    draws = tuple(Draw(i + 1, a, at(h)) for i, (a, _, h) in enumerate(joins))
    budget = Budget(total, per_day, per_member, Decimal(1))
    f = facts(*edges, teams=teams, helps=helps, draws=draws, budget=budget,
              stock_used={"cup": used})  # fmt: skip
    decisions = decide(s, f)
    live = [d for d in decisions if d.status != VOID]
    assert used + sum(1 for d in live if d.prize == "cup") <= max(stock, used)
    spent = sum(d.cost_cents for d in live)
    assert all(d.cost_cents == 1600 for d in live)  # 100 points at 1 fen + the cup
    if total is not None:
        assert spent <= total
    by_day, by_member = Counter(), Counter()
    for d in live:
        by_day[d.at.date()] += d.cost_cents
        by_member[d.member_id] += d.cost_cents
    if per_day is not None:
        assert all(v <= per_day for v in by_day.values())
    if per_member is not None:
        assert all(v <= per_member for v in by_member.values())
    keys = [d.key for d in decisions]
    assert len(keys) == len(set(keys))  # each reward once: applying twice adds nothing
