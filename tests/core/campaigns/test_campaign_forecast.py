"""The forecast: a synthetic campaign of known K forecast back, the planner's assumptions
before the start, groups filling, the budget and prizes burning."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from core.campaigns.forecast import (
    Budget,
    Forecast,
    Group,
    Plan,
    burn,
    daily,
    fill_groups,
    forecast,
)
from core.campaigns.inputs import Edge
from core.campaigns.waves import build_tree
from core.common.errors import UserError

T0 = datetime(2026, 6, 1, 0, 0)
D0 = T0.date()


def synthetic(k: float, hours: float, seeds: int, seed: int) -> list[Edge]:
    """A campaign run to its end: each participant has 4 chances of K/4 to bring someone
    (mean K), each newcomer joining uniformly within 2 × `hours` of their inviter."""
    rnd = random.Random(seed)
    edges = [Edge(None, member, T0) for member in range(seeds)]
    joined = {member: T0 for member in range(seeds)}
    todo, next_id = list(range(seeds)), seeds
    while todo:
        inviter = todo.pop()
        for _ in range(4):
            if rnd.random() < k / 4:
                at = joined[inviter] + timedelta(hours=rnd.uniform(0, 2 * hours))
                edges.append(Edge(inviter, next_id, at))
                joined[next_id] = at
                todo.append(next_id)
                next_id += 1
    return edges


def test_a_campaign_of_known_k_is_forecast_back():
    edges = synthetic(k=0.8, hours=24, seeds=3000, seed=7)
    as_of = T0 + timedelta(days=5)
    seen = build_tree([edge for edge in edges if edge.joined_at <= as_of])
    result = forecast(seen, as_of, days=20)
    assert (result.k_source, result.cycle_source) == ("observed", "observed")
    assert result.k == pytest.approx(0.8, abs=0.02)
    assert result.cycle_hours == pytest.approx(24, abs=1)
    actual = [0] * 20
    for edge in edges:
        if edge.joined_at > as_of:
            day = int((edge.joined_at - as_of).total_seconds() // 86400)
            if day < 20:
                actual[day] += 1
    projected = [row.joins for row in result.days]
    assert sum(projected) == pytest.approx(sum(actual), rel=0.05)
    for day in range(3):
        assert projected[day] == pytest.approx(actual[day], rel=0.1)
    assert projected == sorted(projected, reverse=True)  # K < 1: each day fewer
    assert result.days[-1].total_joins == pytest.approx(sum(projected))


def test_before_the_start_the_planners_assumptions_are_used():
    plan = Plan(k=0.5, cycle_hours=12, seeds=100, start=T0 + timedelta(days=1))
    result = forecast(build_tree([]), T0, days=30, plan=plan)
    assert (result.k, result.k_source, result.cycle_source) == (0.5, "plan", "plan")
    assert result.days[0].joins == 0  # the seeds arrive on day 1
    # 100 seeds × K / (1 − K) = 100 newcomers in the end; after 30 days nearly all.
    assert result.days[-1].total_joins == pytest.approx(100, abs=0.01)
    assert "开始时有 100 位种子参与者" in result.assumptions
    assert "K = 0.50：计划假设（实测数据不足）" in result.assumptions


def test_thin_data_falls_back_to_the_plan_and_no_plan_forecasts_nothing():
    tree = build_tree([Edge(None, 1, T0), Edge(1, 2, T0 + timedelta(hours=5))])
    as_of = T0 + timedelta(days=3)
    planned = forecast(tree, as_of, days=5, plan=Plan(k=0.6, cycle_hours=30))
    assert (planned.k, planned.cycle_hours) == (0.6, 30)
    alone = forecast(tree, as_of, days=5)  # what there is: 1 invite, 2 participants
    assert alone.k_source == "observed" and alone.cycle_hours == 5
    nothing = forecast(build_tree([]), as_of, days=5)
    assert nothing.k is None and nothing.days == [] and nothing.groups == []
    assert nothing.assumptions == ["数据不足且没有计划假设，无法预测"]


def test_k_at_least_one_grows_and_says_so():
    plan = Plan(k=1.5, cycle_hours=24, seeds=10, start=T0)
    result = forecast(build_tree([]), T0, days=10, plan=plan)
    joins = [row.joins for row in result.days]
    assert joins[-1] > joins[-2] > joins[-3]
    assert "K ≥ 1：预测将无限增长，实际会受人群规模限制" in result.assumptions


def test_groups_fill_in_order_and_new_ones_are_opened():
    # 10 newcomers an hour for 5 days, half of them by QR.
    # A (450 members, 150 scanned): room min(500 − 450, (200 − 150) / 0.5) = 50 → hour 5,
    #   member cap on day 0 (scan-ins 150 + 25, short of 200).
    # B (empty): room min(500, 200 / 0.5) = 400 → hours 5–45, scan cap on day 1.
    # new-1, to open by day 1: 400 more → hour 85, scan cap on day 3.
    # new-2, to open by day 3: the remaining 1200 − 850 = 350, no cap.
    groups = [
        Group(1, "A群", members=450, scanned_in=150),
        Group(2, "B群"),
    ]
    fills = fill_groups([10.0] * 120, groups, via_qr=0.5, start=D0)
    day = [D0 + timedelta(days=n) for n in range(5)]
    assert [(f.key, f.new, f.open_by, f.scan_cap_on, f.member_cap_on) for f in fills] == [
        (1, False, None, None, day[0]),
        (2, False, None, day[1], None),
        ("new-1", True, day[1], day[3], None),
        ("new-2", True, day[3], None, None),
    ]
    assert [f.joins for f in fills] == pytest.approx([50, 400, 400, 350])


def test_no_target_group_opens_new_ones_with_the_default_caps():
    fills = fill_groups([50.0] * 12, [], via_qr=1.0, start=D0)
    assert [(f.key, f.joins) for f in fills] == [("new-1", 200), ("new-2", 200), ("new-3", 200)]


def test_budget_and_prizes_burn():
    # 240 newcomers a day at ¥2 = ¥480 a day on top of ¥100 spent: 580, 1060, 1540 > 1500
    # on day 2; each day is over the ¥400 daily budget; 240, 480, 720 prizes > 500 on day 2.
    budget = Budget(
        cost_per_join=Decimal(2),
        total=Decimal(1500),
        spent=Decimal(100),
        per_day=Decimal(400),
        prize_stock=500,
        prizes_per_join=1,
    )
    result = Forecast(k=0.5, k_source="plan", cycle_hours=24, cycle_source="plan")
    result.days = daily([10.0] * 96, 4, D0, budget)
    assert [row.total_cost for row in result.days] == pytest.approx([580, 1060, 1540, 2020])
    burn(result, budget)
    assert result.budget_runs_out_on == date(2026, 6, 3)
    assert result.over_daily_budget == [D0 + timedelta(days=n) for n in range(4)]
    assert result.stock_runs_out_on == date(2026, 6, 3)


def test_the_forecast_carries_its_groups_and_burn():
    plan = Plan(k=0.9, cycle_hours=24, seeds=400, start=T0)
    budget = Budget(cost_per_join=Decimal(5), total=Decimal(2000))
    result = forecast(build_tree([]), T0, 30, plan, [Group(1, "一群")], budget)
    assert result.groups[0].scan_cap_on is not None and result.new_groups
    assert sum(group.joins for group in result.groups) == pytest.approx(result.days[-1].total_joins)
    assert result.budget_runs_out_on is not None  # ¥2000 pays for 400 newcomers: fewer than come
    assert "每位新成员的奖励成本 ¥5.00" in result.assumptions


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"days": 0}, "预测天数必须在 1 到 366 之间"),
        ({"days": 400}, "预测天数必须在 1 到 366 之间"),
        ({"days": 5, "via_qr": 1.5}, "扫码入群的比例必须在 0 到 100% 之间"),
        (
            {"days": 5, "plan": Plan(k=0.5, cycle_hours=0)},
            "计划假设的 K 不能为负，每代小时数必须大于 0，种子人数不能为负",
        ),
        (
            {"days": 5, "plan": Plan(k=-1, cycle_hours=24)},
            "计划假设的 K 不能为负，每代小时数必须大于 0，种子人数不能为负",
        ),
    ],
)
def test_what_cannot_be_forecast_is_refused_in_one_line(arguments, message):
    with pytest.raises(UserError) as refused:
        forecast(build_tree([]), T0, **arguments)
    assert refused.value.message == message


def test_runaway_growth_opens_at_most_max_new_groups():
    """K = 2 every 12 hours for 30 days is ~10¹⁸ newcomers: once MAX_NEW_GROUPS new groups
    are open the rest are counted, not placed (it used to open a group per 500, forever)."""
    from core.campaigns.forecast import MAX_NEW_GROUPS

    plan = Plan(k=2, cycle_hours=12, seeds=5, start=T0 + timedelta(days=2))
    result = forecast(build_tree([]), T0, 30, plan, [Group(1, "一群")])
    assert len(result.new_groups) == MAX_NEW_GROUPS
    placed = sum(group.joins for group in result.groups)
    assert placed + result.unplaced == pytest.approx(result.days[-1].total_joins)
    assert result.unplaced > 1e9
