"""A reward decision: who gets what, in which state, and every reason for it.

The database side applies a decision by its `key`, which is unique across campaigns and is
the ledger entry's `dedupe_key` (points) or the fulfilment-queue item's key (a prize, a
coupon, a 砍价 price): applying a decision twice adds nothing. A points decision is an entry of
kind `LEDGER_KIND` with `pending_until` and `related_member_id` (the invitee, so leaving early
claws it back as the ledger already does); a void decision whose key was applied means: void
or claw back what was applied.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from functools import cache

from core.common.text import Message, msg

PENDING = "pending"  # earned, waiting for its period (leave window, activation, delay, end)
APPROVED = "approved"
HELD = "held"  # waiting for a reviewer
VOID = "void"
DECISION_STATUSES = (PENDING, APPROVED, HELD, VOID)
LEDGER_KIND = "earn"
LEDGER_SOURCE = "campaign"

# Reason codes: each decision and each refused fact says which applied.
NOT_FIRST = "not_first"
NOT_NEW = "not_new"
LEFT_EARLY = "left_early"
NOT_ACTIVATED = "not_activated"
WAITING_ACTIVATION = "waiting_activation"
WAITING_PERIOD = "waiting_period"
CAP_DAY = "cap_day"
CAP_MONTH = "cap_month"
CAP_CAMPAIGN = "cap_campaign"
EDGE_REJECTED = "edge_rejected"
BARRED = "barred"
OUT_OF_STOCK = "out_of_stock"
OVER_BUDGET = "over_budget"
OVER_BUDGET_DAY = "over_budget_day"
OVER_BUDGET_MEMBER = "over_budget_member"
OVER_BUDGET_PRIZE = "over_budget_prize"
POOL_EMPTY = "pool_empty"
NO_LONGER_EARNED = "no_longer_earned"
TEAM_EXPIRED = "team_expired"
TEAM_FULL = "team_full"
IN_ANOTHER_TEAM = "in_another_team"
HELPED_BEFORE = "helped_before"
SELF_HELP = "self_help"
TOO_LATE = "too_late"
ALREADY_DONE = "already_done"
DRAWS_USED = "draws_used"
OFFERS_CAP = "offers_cap"
HELD_FOR_REVIEW = "held_for_review"
REVIEW_APPROVED = "review_approved"
REVIEW_REJECTED = "review_rejected"
BLACKLISTED = "blacklisted"
OVERDUE = "overdue"


def reason_texts() -> dict[str, Message]:
    return {
        NOT_FIRST: msg("被邀请人已记在更早的邀请人名下"),
        NOT_NEW: msg("活动开始前已是成员，不算新成员"),
        LEFT_EARLY: msg("被邀请人在规定天数内退群"),
        NOT_ACTIVATED: msg("被邀请人未在时限内发言或签到"),
        WAITING_ACTIVATION: msg("等待被邀请人激活（发言或签到）"),
        WAITING_PERIOD: msg("待生效期未满"),
        CAP_DAY: msg("超过邀请人每日上限"),
        CAP_MONTH: msg("超过邀请人每月上限"),
        CAP_CAMPAIGN: msg("超过邀请人本活动上限"),
        EDGE_REJECTED: msg("邀请关系已被驳回或作废"),
        BARRED: msg("已被列入黑名单"),
        OUT_OF_STOCK: msg("奖品库存不足"),
        OVER_BUDGET: msg("超过活动总预算"),
        OVER_BUDGET_DAY: msg("超过每日预算"),
        OVER_BUDGET_MEMBER: msg("超过每人预算"),
        OVER_BUDGET_PRIZE: msg("超过该奖品预算"),
        POOL_EMPTY: msg("券码池已用完"),
        NO_LONGER_EARNED: msg("已发的奖励不再满足条件"),
        TEAM_EXPIRED: msg("拼团超时未成团"),
        TEAM_FULL: msg("团已满员"),
        IN_ANOTHER_TEAM: msg("已在本活动的另一个团中"),
        HELPED_BEFORE: msg("本活动中已助力过"),
        SELF_HELP: msg("不能为自己助力"),
        TOO_LATE: msg("超过时限"),
        ALREADY_DONE: msg("已完成，无需再助力"),
        DRAWS_USED: msg("抽奖次数已用完"),
        OFFERS_CAP: msg("超过每人发布上限"),
        HELD_FOR_REVIEW: msg("待人工审核"),
        REVIEW_APPROVED: msg("审核通过"),
        REVIEW_REJECTED: msg("审核驳回"),
        BLACKLISTED: msg("已被列入黑名单，待发奖励作废"),
        OVERDUE: msg("已过审核期限"),
    }


@dataclass(frozen=True)
class Reason:
    code: str
    text: str  # a core message, or a reviewer's own words
    who: str = ""  # a reviewer's decision: who and when (empty: the rules decided)
    at: datetime | None = None


def reason(code: str, detail: str = "") -> Reason:
    if not detail:
        return _plain_reason(code)
    return Reason(code, msg("{reason}：{detail}", reason=_texts()[code], detail=detail))


@cache
def _texts() -> dict[str, Message]:
    return reason_texts()


@cache
def _plain_reason(code: str) -> Reason:
    """One Reason per code (they are frozen): a campaign's decisions share them, and making
    the texts anew for each of 200000 rewards was a good part of deciding them."""
    return Reason(code, _texts()[code])


@dataclass(frozen=True)
class Decision:
    key: str  # unique: the ledger's dedupe key or the fulfilment item's key
    member_id: int
    status: str
    at: datetime  # when it was earned
    points: int = 0
    prize: str | None = None  # a prize key of the settings (the fulfilment queue)
    coupon: str | None = None  # the coupon code handed out
    price_cents: int | None = None  # 砍价: the price reached
    cost_cents: int = 0  # what it costs the budget
    pending_until: datetime | None = None
    review_by: datetime | None = None  # held: the review deadline
    overdue: bool = False  # held past its review deadline
    related_member_id: int | None = None  # the invitee it rests on
    redeemed_at: datetime | None = None  # a coupon's redemption
    reasons: tuple[Reason, ...] = ()

    @property
    def ledger_kind(self) -> str | None:
        return LEDGER_KIND if self.points else None

    def codes(self) -> list[str]:
        return [item.code for item in self.reasons]

    def but(self, status: str, *why: Reason, **changes) -> Decision:
        if not changes.keys() <= _DECISION_FIELDS:
            return replace(self, status=status, reasons=self.reasons + why, **changes)
        # dataclasses.replace re-checks every field on each call: a copy of the instance's
        # dict with the changes is the same frozen Decision at a fraction of the cost.
        new = object.__new__(Decision)
        values = {**self.__dict__, **changes, "status": status, "reasons": self.reasons + why}
        object.__setattr__(new, "__dict__", values)
        return new


def reference(campaign_id: int) -> str:
    """The ledger entry's reference (关联) for every decision of a campaign."""
    return f"campaign:{campaign_id}"


def reward_key(campaign_id: int, *parts: object) -> str:
    if not parts:
        return f"campaign:{campaign_id!s}"
    return f"campaign:{campaign_id!s}:" + ":".join(map(str, parts))


_DECISION_FIELDS = frozenset(field.name for field in fields(Decision))
_DEFAULTS = {field.name: field.default for field in fields(Decision)}


def made(**values) -> Decision:
    """Decision(**values) for every field given by name, made as `but` makes its copies: the
    dataclass's frozen __init__ sets each field through object.__setattr__, and a settle makes
    one decision per side of 200000 edges."""
    new = object.__new__(Decision)
    object.__setattr__(new, "__dict__", {**_DEFAULTS, **values})
    return new
