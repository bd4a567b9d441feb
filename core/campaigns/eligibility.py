"""Which referral edges earn a reward, and when (the eligibility switches of `Rules`), and the
book that keeps stock and budget from ever being exceeded.

An edge is judged in this order; the first that applies decides, and says why:
1. its own status is rejected or void (the edge table's review), the inviter is barred
   (blacklisted in an earlier campaign), or a blocking fraud signal hit it (`blocked`: same
   phone or 微信号, inviter joined later) → void;
2. first referrer wins (switch): of an invitee's edges only the earliest joined counts (then
   the lower inviter id), the others → void, not_first; switched off, every inviter counts;
3. new members only (switch): the invitee was a member before the campaign started → void;
4. revoke if the invitee leaves within X days: left less than X days after joining → void;
5. credit only after activation (switch): a first message or check-in within
   `activation_hours` of joining; none and the window has passed → void; none yet → pending;
6. caps per inviter per day / month (of the invitee's joining) / campaign: the edges that
   survived 1–5, in joining order; one over a cap → void.
A surviving edge is pending until the leave window has passed and the credit delay (0–90 days,
from activation when activation is required, else from joining) is over, then approved.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

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
    Reason,
    reason,
)
from core.campaigns.facts import Budget, Person
from core.campaigns.inputs import PENDING as EDGE_PENDING
from core.campaigns.inputs import VERIFIED, Edge
from core.campaigns.retention import activated_in
from core.campaigns.settings import Prize, Rules

_LATEST = datetime.max
EdgeKey = tuple[int | None, int]  # (inviter, invitee)


@dataclass(frozen=True)
class Verdict:
    edge: Edge
    status: str  # PENDING, APPROVED or VOID
    pending_until: datetime | None = None
    reasons: tuple[Reason, ...] = ()

    @property
    def counts(self) -> bool:
        return self.status != VOID


def edge_key(edge: Edge) -> EdgeKey:
    return (edge.inviter_id, edge.invitee_id)


def _order(edge: Edge) -> tuple:
    return (edge.joined_at or _LATEST, edge.invitee_id, edge.inviter_id or 0)


def judge(
    edges: Iterable[Edge],
    rules: Rules,
    people: Mapping[int, Person],
    starts_at: datetime | None,
    as_of: datetime,
    blocked: Mapping[EdgeKey, tuple[Reason, ...]] | None = None,
) -> dict[EdgeKey, Verdict]:
    """Each edge with an inviter (seed rows earn nothing) → its verdict."""
    blocked = blocked or {}
    ordered = sorted((edge for edge in edges if edge.inviter_id is not None), key=_order)
    first: dict[int, Edge] = {}
    for edge in ordered:
        if edge.status in (EDGE_PENDING, VERIFIED):
            first.setdefault(edge.invitee_id, edge)
    verdicts: dict[EdgeKey, Verdict] = {}
    survivors: list[Verdict] = []
    for edge in ordered:
        hits = blocked.get(edge_key(edge))
        if hits and edge.status in (EDGE_PENDING, VERIFIED):
            verdict = Verdict(edge, VOID, reasons=tuple(hits))
        else:
            verdict = _judge_one(edge, rules, people, starts_at, as_of, first)
        verdicts[edge_key(edge)] = verdict
        if verdict.counts:
            survivors.append(verdict)
    for verdict in _over_caps(survivors, rules):
        verdicts[edge_key(verdict.edge)] = verdict
    return verdicts


def _void(edge: Edge, code: str) -> Verdict:
    return Verdict(edge, VOID, reasons=(reason(code),))


def _judge_one(edge, rules, people, starts_at, as_of, first) -> Verdict:
    if edge.status not in (EDGE_PENDING, VERIFIED):
        return _void(edge, EDGE_REJECTED)
    inviter = people.get(edge.inviter_id)
    if inviter is not None and inviter.barred:
        return _void(edge, BARRED)
    if rules.first_referrer_wins and first[edge.invitee_id] is not edge:
        return _void(edge, NOT_FIRST)
    invitee = people.get(edge.invitee_id)
    if (
        rules.new_members_only
        and starts_at is not None
        and invitee is not None
        and invitee.member_since is not None
        and invitee.member_since < starts_at
    ):
        return _void(edge, NOT_NEW)
    joined = edge.joined_at or as_of
    window = timedelta(days=rules.revoke_within_days or 0)
    if rules.revoke_within_days and edge.left_at is not None and edge.left_at < joined + window:
        return _void(edge, LEFT_EARLY)
    until = joined + window
    credit_from = joined
    if rules.require_activation:
        hours = timedelta(hours=rules.activation_hours)
        if activated_in(joined, edge.activated_at, hours):
            credit_from = edge.activated_at
        elif as_of > joined + hours:
            return _void(edge, NOT_ACTIVATED)
        else:
            return Verdict(edge, PENDING, None, (reason(WAITING_ACTIVATION),))
    until = max(until, credit_from + timedelta(days=rules.delay_days))
    if until > as_of:
        return Verdict(edge, PENDING, until, (reason(WAITING_PERIOD),))
    return Verdict(edge, APPROVED, until)


def _over_caps(survivors: list[Verdict], rules: Rules) -> list[Verdict]:
    """The surviving edges beyond an inviter's caps, now void (in joining order)."""
    caps = [
        (rules.cap_per_day, CAP_DAY, lambda at: at.date()),
        (rules.cap_per_month, CAP_MONTH, lambda at: (at.year, at.month)),
        (rules.cap_per_campaign, CAP_CAMPAIGN, lambda at: None),
    ]
    caps = [cap for cap in caps if cap[0] is not None]
    if not caps:
        return []
    counted: list[Counter] = [Counter() for _ in caps]
    over = []
    for verdict in survivors:
        edge = verdict.edge
        at = edge.joined_at or _LATEST
        slots = [(edge.inviter_id, period(at)) for _, _, period in caps]
        hit = next(
            (
                code
                for (cap, code, _), c, s in zip(caps, counted, slots, strict=True)
                if c[s] >= cap
            ),
            None,
        )
        if hit is not None:
            over.append(_void(edge, hit))
            continue
        for c, s in zip(counted, slots, strict=True):
            c[s] += 1
    return over


# ------------------------------------------------------------------------------ stock, budget


class Book:
    """Stock and money taken so far; `take` refuses what would pass a limit, so neither is
    ever exceeded whatever order the claims come in."""

    def __init__(
        self,
        prizes: Mapping[str, Prize],
        budget: Budget,
        stock_used: Mapping[str, int] | None = None,
        spent_cents: int = 0,
    ) -> None:
        self.prizes = prizes
        self.budget = budget
        self.used: Counter = Counter(stock_used or {})
        self.limits: dict[str, int | None] = {key: prize.stock for key, prize in prizes.items()}
        self.codes: dict[str, str] = {}  # a limit's own reason code (default: out_of_stock)
        self.spent = spent_cents
        self.by_day: Counter = Counter()
        self.by_member: Counter = Counter()
        self.by_prize: Counter = Counter()
        self._costs: dict[tuple[int, str | None], int] = {}

    def limit(self, key: str, stock: int | None, code: str = OUT_OF_STOCK) -> None:
        """Another stock to keep (a ladder stage's, a lottery prize's, a coupon pool)."""
        self.limits[key] = stock
        self.codes[key] = code

    def left(self, key: str) -> int | None:
        stock = self.limits.get(key)
        return None if stock is None else max(0, stock - self.used[key])

    def cost(self, points: int, prize: str | None) -> int:
        known = self._costs.get((points, prize))
        if known is not None:  # a campaign has a few gifts and many rewards
            return known
        cents = int(points * self.budget.fen_per_point)
        if prize is not None:
            cents += self.prizes[prize].cost_cents
        self._costs[(points, prize)] = cents
        return cents

    def refusal(
        self, member_id: int, day, cents: int, prize: str | None, stocks: Iterable[str]
    ) -> Reason | None:
        for key in stocks:
            left = self.left(key)
            if left is not None and left < 1:
                prize = self.prizes.get(key)  # a stage's or a pool's stock has no name
                return reason(self.codes.get(key, OUT_OF_STOCK), prize.name if prize else "")
        budget = self.budget
        # the caps in their order; one not set costs nothing (a reward of 200000 passes here)
        if budget.total_cents is not None and self.spent + cents > budget.total_cents:
            return reason(OVER_BUDGET)
        day_cap = budget.per_day_cents
        if day_cap is not None and self.by_day[day] + cents > day_cap:
            return reason(OVER_BUDGET_DAY)
        member_cap = budget.per_member_cents
        if member_cap is not None and self.by_member[member_id] + cents > member_cap:
            return reason(OVER_BUDGET_MEMBER)
        if prize is not None:
            prize_cap = self.prizes[prize].budget_cents
            if prize_cap is not None and self.by_prize[prize] + cents > prize_cap:
                return reason(OVER_BUDGET_PRIZE)
        return None

    def take(
        self, member_id: int, day, cents: int, prize: str | None, stocks: Iterable[str] = ()
    ) -> Reason | None:
        """Take the stock and money (`cents`, see `cost`) of one reward; None when taken,
        else why not."""
        stocks = list(stocks) + ([prize] if prize is not None else [])
        refused = self.refusal(member_id, day, cents, prize, stocks)
        if refused is not None:
            return refused
        for key in stocks:
            self.used[key] += 1
        self.spent += cents
        self.by_day[day] += cents
        self.by_member[member_id] += cents
        if prize is not None:
            self.by_prize[prize] += cents
        return None


def inviter_totals(verdicts: Mapping[EdgeKey, Verdict]) -> dict[int, list[Verdict]]:
    """Each inviter's counted edges in joining order."""
    out: dict[int, list[Verdict]] = defaultdict(list)
    for verdict in sorted(verdicts.values(), key=lambda v: _order(v.edge)):
        if verdict.counts:
            out[verdict.edge.inviter_id].append(verdict)
    return dict(out)
