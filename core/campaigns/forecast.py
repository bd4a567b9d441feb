"""Forecast of a campaign: joins per day, when each target group fills, the new groups to open,
and the prize and budget burn.

The model, stated in every result (`Forecast.assumptions`) so the chart can print it:
- each participant brings K newcomers on average, their joins spread evenly over the 2 × g
  hours after the participant's own (g, the generation time, is the mean);
- K is measured over the participants in for at least 2 × g (they have finished inviting:
  the latest waves are still inviting, so a plain K per wave would understate it), g is the
  median hours from an inviter's joining to each invitee's (the cycle time counts only the
  first), over inviters in long enough to have finished; with too few of either the
  planner's assumption is used (before the start, always);
- participants younger than 2 × g still bring the part of their K their window has left;
- no new seeds arrive, and the audience never runs out (no saturation): at K ≥ 1 the
  projection grows without bound;
- newcomers fill the target groups in order, then new groups; a share `via_qr` of them scan
  the group QR, the rest are invited in directly; a group takes no more once either cap is hit.

Days count from `as_of`: day 0 is the 24 hours after it. Hours are the model's step.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from core.campaigns.waves import Tree
from core.common.errors import UserError
from core.common.text import Message, msg

MAX_DAYS = 366
MIN_MATURE = 20  # participants who finished inviting, to trust the observed K
MIN_INVITES = 10  # invites timed, to trust the observed generation time
SCAN_CAP = 200
MEMBER_CAP = 500
# New groups listed at most: at K ≥ 1 the projection grows without bound, and opening one
# group per 500 of 10¹⁸ newcomers would never end. Beyond it the forecast says how many more.
MAX_NEW_GROUPS = 50
_EPSILON = 1e-9


@dataclass(frozen=True)
class Plan:
    """The planner's assumptions, used before the start and while data is thin."""

    k: float
    cycle_hours: float
    seeds: int = 0  # participants at the start (before the start only)
    start: datetime | None = None


@dataclass(frozen=True)
class Group:
    """A target group as it is now."""

    key: int | str
    name: str
    members: int = 0
    scanned_in: int = 0  # joined by scanning its current QR
    scan_cap: int = SCAN_CAP
    member_cap: int = MEMBER_CAP


@dataclass(frozen=True)
class Budget:
    cost_per_join: Decimal = Decimal(0)  # rewards each newcomer costs (both sides)
    total: Decimal | None = None
    spent: Decimal = Decimal(0)
    per_day: Decimal | None = None
    prize_stock: int | None = None  # prizes left
    prizes_per_join: float = 0.0


@dataclass(frozen=True)
class Day:
    day: int
    date: date
    joins: float
    total_joins: float
    cost: float
    total_cost: float  # spent before + this forecast's so far
    prizes: float


@dataclass
class GroupFill:
    key: int | str
    name: str
    new: bool  # a group to open
    open_by: date | None = None  # new groups: when the one before fills
    scan_cap_on: date | None = None
    member_cap_on: date | None = None
    joins: float = 0.0


@dataclass
class Forecast:
    k: float | None
    k_source: str  # "observed" / "plan" / "none"
    cycle_hours: float | None
    cycle_source: str
    days: list[Day] = field(default_factory=list)
    groups: list[GroupFill] = field(default_factory=list)
    unplaced: float = 0.0  # newcomers beyond MAX_NEW_GROUPS new groups
    budget_runs_out_on: date | None = None
    over_daily_budget: list[date] = field(default_factory=list)
    stock_runs_out_on: date | None = None
    assumptions: list[Message] = field(default_factory=list)

    @property
    def new_groups(self) -> list[GroupFill]:
        return [group for group in self.groups if group.new]


def observed_generation_hours(tree: Tree, joined_by: datetime | None = None) -> list[float]:
    """Hours from each counted inviter's joining to each invitee's (negative ones left out),
    over the inviters who joined by `joined_by` (None: all)."""
    hours = []
    for invitee, inviter in tree.parent.items():
        if inviter is None:
            continue
        start, end = tree.joined_at.get(inviter), tree.joined_at[invitee]
        if start is None or end is None or end < start:
            continue
        if joined_by is None or start <= joined_by:
            hours.append((end - start).total_seconds() / 3600)
    return hours


def generation_hours(tree: Tree, as_of: datetime) -> tuple[float | None, int]:
    """The median generation time and how many invites it is the median of. Recent inviters'
    slow invites have not happened yet, which would pull the median down: it is taken again
    over the inviters in for three times the first estimate, when there are enough of them.
    Kept on the tree: the report's K and the forecast both ask."""
    key = ("generation_hours", as_of)
    if key not in tree.memo:
        tree.memo[key] = _generation_hours(tree, as_of)
    return tree.memo[key]


def _generation_hours(tree: Tree, as_of: datetime) -> tuple[float | None, int]:
    hours = observed_generation_hours(tree)
    if not hours:
        return None, 0
    first = statistics.median(hours)
    settled = observed_generation_hours(tree, as_of - timedelta(hours=3 * first))
    if len(settled) >= MIN_INVITES:
        return statistics.median(settled), len(settled)
    return first, len(hours)


def observed_k(tree: Tree, as_of: datetime, window_hours: float) -> tuple[float | None, int]:
    """Invitees per participant over those in for at least `window_hours`, and how many."""
    mature = brought = 0
    cutoff = as_of - timedelta(hours=window_hours)
    for member in tree.wave_of:
        joined = tree.joined_at[member]
        if joined is not None and joined <= cutoff:
            mature += 1
            brought += len(tree.children.get(member, ()))
    return (brought / mature if mature else None), mature


def _choose(tree: Tree, as_of: datetime, plan: Plan | None):
    observed, timed = generation_hours(tree, as_of)
    if timed >= MIN_INVITES or (plan is None and observed is not None):
        cycle, cycle_source = observed, "observed"
    elif plan is not None:
        cycle, cycle_source = plan.cycle_hours, "plan"
    else:
        return None, "none", None, "none", 0
    k, mature = observed_k(tree, as_of, 2 * cycle)
    if mature >= MIN_MATURE or (plan is None and k is not None):
        return k, "observed", cycle, cycle_source, mature
    if plan is not None:
        return plan.k, "plan", cycle, cycle_source, mature
    return None, "none", cycle, cycle_source, mature


def forecast(
    tree: Tree,
    as_of: datetime,
    days: int,
    plan: Plan | None = None,
    groups: list[Group] | tuple[Group, ...] = (),
    budget: Budget | None = None,
    via_qr: float = 1.0,
) -> Forecast:
    _check(days, plan, via_qr)
    budget = budget or Budget()
    k, k_source, cycle, cycle_source, mature = _choose(tree, as_of, plan)
    result = Forecast(k, k_source, cycle, cycle_source)
    result.assumptions = _assumptions(result, mature, plan, as_of, via_qr, budget)
    if k is None or cycle is None:
        return result

    steps = days * 24
    window = max(1, round(2 * cycle))  # hours over which a participant's joins spread
    rate = k / window  # newcomers per participant per hour of their window
    # Step t is the hour from t to t + 1 hours after as_of. A participant arriving in step s
    # brings `rate` newcomers in each of steps s + 1 … s + window; one already in for `age`
    # hours brings it in steps 0 … window − age − 1 (a difference array: one pass).
    incoming = [0.0] * (steps + 1)
    for member in tree.wave_of:
        joined = tree.joined_at[member]
        if joined is None or joined > as_of:
            continue
        left = window - int((as_of - joined).total_seconds() // 3600)
        if left > 0:
            incoming[0] += rate
            incoming[min(left, steps)] -= rate
    seeds_at = _seeds_step(plan, as_of)

    arrivals = [0.0] * steps  # participants arriving in each step: newcomers and seeds
    joins = [0.0] * steps
    brought_in, recent = 0.0, 0.0  # recent: arrivals of the last `window` steps
    for step in range(steps):
        brought_in += incoming[step]
        joins[step] = brought_in + rate * recent
        arrivals[step] = joins[step] + (plan.seeds if step == seeds_at else 0)
        recent += arrivals[step]
        if step >= window:
            recent -= arrivals[step - window]

    start_day = as_of.date()
    result.days = daily(joins, days, start_day, budget)
    beyond = [0.0]
    result.groups = fill_groups(joins, list(groups), via_qr, start_day, beyond)
    result.unplaced = beyond[0]
    burn(result, budget)
    return result


def _check(days: int, plan: Plan | None, via_qr: float) -> None:
    """Refuse what cannot be forecast, in one line."""
    if not 1 <= days <= MAX_DAYS:
        raise UserError(msg("预测天数必须在 1 到 {most} 之间", most=MAX_DAYS))
    if not 0 <= via_qr <= 1:
        raise UserError(msg("扫码入群的比例必须在 0 到 100% 之间"))
    if plan is not None and (plan.k < 0 or plan.cycle_hours <= 0 or plan.seeds < 0):
        raise UserError(msg("计划假设的 K 不能为负，每代小时数必须大于 0，种子人数不能为负"))


def _seeds_step(plan: Plan | None, as_of: datetime) -> int | None:
    """The step the planned seeds arrive in, when the campaign has not started."""
    if plan is None or plan.start is None or plan.start < as_of or not plan.seeds:
        return None
    return int((plan.start - as_of).total_seconds() // 3600)


def daily(joins: list[float], days: int, start: date, budget: Budget) -> list[Day]:
    rows, total, spent = [], 0.0, float(budget.spent)
    for day in range(days):
        count = sum(joins[day * 24 : (day + 1) * 24])
        total += count
        cost = count * float(budget.cost_per_join)
        spent += cost
        rows.append(
            Day(day, start + timedelta(days=day), count, total, cost, spent,
                count * budget.prizes_per_join)
        )  # fmt: skip
    return rows


def burn(result: Forecast, budget: Budget) -> None:
    prizes = 0.0
    for row in result.days:
        if (
            budget.total is not None
            and result.budget_runs_out_on is None
            and row.total_cost > float(budget.total) + _EPSILON
        ):
            result.budget_runs_out_on = row.date
        if budget.per_day is not None and row.cost > float(budget.per_day) + _EPSILON:
            result.over_daily_budget.append(row.date)
        prizes += row.prizes
        if (
            budget.prize_stock is not None
            and result.stock_runs_out_on is None
            and prizes > budget.prize_stock + _EPSILON
        ):
            result.stock_runs_out_on = row.date


class _Filling:
    """A group taking newcomers: how many more it takes, and the days it hit its caps."""

    def __init__(self, group: Group, new: bool, open_by: date | None = None):
        self.group = group
        self.members = float(group.members)
        self.scanned = float(group.scanned_in)
        self.fill = GroupFill(group.key, group.name, new, open_by)

    def room(self, via_qr: float) -> float:
        by_scan = (self.group.scan_cap - self.scanned) / via_qr if via_qr > 0 else float("inf")
        return max(0.0, min(self.group.member_cap - self.members, by_scan))

    def take(self, amount: float, via_qr: float, day: date) -> None:
        self.members += amount
        self.scanned += amount * via_qr
        self.fill.joins += amount
        if self.fill.scan_cap_on is None and self.scanned >= self.group.scan_cap - _EPSILON:
            self.fill.scan_cap_on = day
        if self.fill.member_cap_on is None and self.members >= self.group.member_cap - _EPSILON:
            self.fill.member_cap_on = day


def fill_groups(
    joins: list[float], targets: list[Group], via_qr: float, start: date,
    unplaced: list[float] | None = None,
) -> list[GroupFill]:  # fmt: skip
    """The target groups, then new ones, filled in order; newcomers beyond MAX_NEW_GROUPS new
    groups are added up in `unplaced[0]` (when given) instead of opening more."""
    groups = [_Filling(group, new=False) for group in targets]
    caps = targets[-1] if targets else Group(0, "")  # a new group's caps: the last target's
    current = 0
    for step, amount in enumerate(joins):
        day = start + timedelta(days=step // 24)
        while amount > _EPSILON:
            if current == len(groups) and current - len(targets) >= MAX_NEW_GROUPS:
                if unplaced is not None:
                    unplaced[0] += amount
                break
            if current == len(groups):  # every group full: one more to open by today
                key = f"new-{current - len(targets) + 1}"
                group = Group(key, "", scan_cap=caps.scan_cap, member_cap=caps.member_cap)
                groups.append(_Filling(group, new=True, open_by=day))
            taken = min(amount, groups[current].room(via_qr))
            groups[current].take(taken, via_qr, day)
            amount -= taken
            if groups[current].room(via_qr) <= _EPSILON:
                current += 1
    return [group.fill for group in groups]


def _assumptions(
    result: Forecast, mature: int, plan: Plan | None, as_of: datetime, via_qr: float,
    budget: Budget,
) -> list[Message]:  # fmt: skip
    lines = []
    if result.k is None or result.cycle_hours is None:
        lines.append(msg("数据不足且没有计划假设，无法预测"))
        return lines
    if result.k_source == "observed":
        lines.append(
            msg("K = {k:.2f}：按 {count} 位已满邀请期的参与者实测", k=result.k, count=mature)
        )
    else:
        lines.append(msg("K = {k:.2f}：计划假设（实测数据不足）", k=result.k))
    if result.cycle_source == "observed":
        lines.append(
            msg("每代约 {hours:.1f} 小时：邀请人入群到被邀请人入群的实测中位数",
                hours=result.cycle_hours)
        )  # fmt: skip
    else:
        lines.append(msg("每代约 {hours:.1f} 小时：计划假设", hours=result.cycle_hours))
    lines.append(
        msg("每人的被邀请人在其入群后 {hours:.0f} 小时内均匀入群", hours=2 * result.cycle_hours)
    )
    if plan is not None and plan.start is not None and plan.start > as_of and plan.seeds:
        lines.append(msg("开始时有 {seeds} 位种子参与者", seeds=plan.seeds))
    lines.append(msg("此后没有新的种子参与者，潜在人群不设上限"))
    lines.append(msg("{share:.0%} 的新成员扫码入群，其余由群成员直接拉入", share=via_qr))
    if budget.cost_per_join:
        lines.append(msg("每位新成员的奖励成本 ¥{cost:.2f}", cost=budget.cost_per_join))
    if result.k >= 1:
        lines.append(msg("K ≥ 1：预测将无限增长，实际会受人群规模限制"))
    return lines
