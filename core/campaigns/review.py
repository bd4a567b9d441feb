"""Fraud review (风控审核): the moderation mode, the reviewers' decisions and the overdue mark.

Moderation, for a reward whose edge is eligible (pending or approved by eligibility):
- a blocking signal voids it, in every mode, with the signal as its reason;
- `approve_clean`: clean rewards go on; flagged ones are rejected with their signals as reasons
  (no queue: for owners who never review);
- `hold_flagged`: clean rewards go on; flagged ones are held for a reviewer;
- `hold_all`: every reward is held for a reviewer.
A held reward's review deadline is `review_days` after it was earned; past it, it is marked
overdue (still held: only a person approves or rejects).

Reviewers' actions (facts.ReviewAction), applied in time order:
- approve: a held reward goes on (pending until its period ends, then approved);
- reject: the reward is void;
- blacklist: every reward of the member not approved by then is void (whenever the decisions
  are recomputed: one still in its pending period at the blacklisting stays void), and the
  member is barred from later campaigns (`barred()` tells the database side whom to mark).
Every decision keeps who, when and why; nothing is rejected without a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

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
    Decision,
    Reason,
    reason,
)
from core.campaigns.facts import ReviewAction
from core.campaigns.settings import Screening
from core.campaigns.signals import BLOCK, Signal
from core.common.errors import UserError
from core.common.text import msg

APPROVE = "approve"
REJECT = "reject"
BLACKLIST = "blacklist"
ACTIONS = (APPROVE, REJECT, BLACKLIST)


def _as_reasons(signals: Iterable[Signal]) -> tuple[Reason, ...]:
    return tuple(Reason(signal.code, signal.text) for signal in signals)


def moderate(decision: Decision, signals: list[Signal], screening: Screening) -> Decision:
    """The decision after the moderation mode, given its edge's signals."""
    if decision.status == VOID:
        return decision
    blocks = [signal for signal in signals if signal.severity == BLOCK]
    if blocks:
        return decision.but(VOID, *_as_reasons(blocks))
    if screening.mode == "hold_all" or (signals and screening.mode == "hold_flagged"):
        deadline = decision.at + timedelta(days=screening.review_days)
        return decision.but(
            HELD, *_as_reasons(signals), reason(HELD_FOR_REVIEW), review_by=deadline
        )
    if signals:  # approve_clean: the flagged ones are rejected, with their reasons
        return decision.but(VOID, *_as_reasons(signals))
    return decision


def check_action(action: ReviewAction) -> None:
    """A reviewer's action that can be kept: refused in one line otherwise."""
    if action.action not in ACTIONS:
        raise UserError(msg("未知的审核操作：{action}", action=str(action.action)[:20]))
    if not action.who.strip():
        raise UserError(msg("审核操作须写明审核人"))
    if action.action == REJECT and not action.why.strip():
        raise UserError(msg("驳回须写明原因"))
    if action.action == BLACKLIST and action.member_id is None:
        raise UserError(msg("拉黑须指明成员"))
    if action.action != BLACKLIST and not action.key:
        raise UserError(msg("审核操作须指明奖励"))


def _by(code: str, action: ReviewAction) -> Reason:
    text = reason(code).text
    if action.why.strip():
        text = msg("{reason}：{why}", reason=text, why=action.why.strip())
    return Reason(code, text, action.who, action.at)


def apply_reviews(
    decisions: list[Decision], actions: Iterable[ReviewAction], as_of: datetime
) -> list[Decision]:
    """The decisions after the reviewers' actions, with overdue marks as of `as_of`."""
    by_key = {decision.key: decision for decision in decisions}
    keys_of: dict[int, list[str]] | None = None  # member → their decisions' keys, when needed
    for action in sorted(actions, key=lambda a: a.at):
        if action.action == BLACKLIST:
            if keys_of is None:
                keys_of = {}
                for key, decision in by_key.items():
                    keys_of.setdefault(decision.member_id, []).append(key)
            for key in keys_of.get(action.member_id, ()):
                decision = by_key[key]
                if not _approved_by(decision, action.at):
                    by_key[key] = decision.but(VOID, _by(BLACKLISTED, action), overdue=False)
            continue
        decision = by_key.get(action.key)
        if decision is None or decision.status == VOID:
            continue  # a reward no longer earned, or already void: nothing to do
        if action.action == REJECT:
            by_key[action.key] = decision.but(VOID, _by(REVIEW_REJECTED, action), overdue=False)
        elif decision.status == HELD:
            going = PENDING if decision.pending_until and decision.pending_until > as_of else None
            by_key[action.key] = decision.but(
                going or APPROVED, _by(REVIEW_APPROVED, action), overdue=False
            )
    out = []
    for decision in by_key.values():
        if decision.status == HELD and decision.review_by and decision.review_by < as_of:
            decision = decision.but(HELD, reason(OVERDUE), overdue=True)
        out.append(decision)
    return out


def _approved_by(decision: Decision, when: datetime) -> bool:
    """Whether the decision was already approved at `when`, judged the same however late the
    decisions are recomputed: approved, its pending period over by then, and not approved by
    a reviewer only afterwards."""
    if decision.status != APPROVED:
        return False
    if max(decision.at, decision.pending_until or decision.at) > when:
        return False
    return not any(
        item.code == REVIEW_APPROVED and item.at is not None and item.at > when
        for item in decision.reasons
    )


def voided_by_blacklist(
    decisions: Iterable[Decision], member_id: int, at: datetime
) -> list[Decision]:
    """The member's rewards a blacklisting at `at` would void (what `apply_reviews` does to
    them), so the reviewer is told how many before confirming."""
    return [
        decision
        for decision in decisions
        if decision.member_id == member_id
        and decision.status != VOID
        and not _approved_by(decision, at)
    ]


def barred(actions: Iterable[ReviewAction]) -> set[int]:
    """The members blacklisted by these actions (the database side bars them for later)."""
    return {a.member_id for a in actions if a.action == BLACKLIST and a.member_id is not None}


def queue(decisions: Iterable[Decision]) -> list[Decision]:
    """The review queue: held rewards, overdue first, then the oldest deadline."""
    held = [decision for decision in decisions if decision.status == HELD]
    return sorted(held, key=lambda d: (not d.overdue, d.review_by or d.at, d.key))
