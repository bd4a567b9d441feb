"""Settle a campaign: recompute its reward decisions from the tables (core/campaigns/facts_sql)
and apply them.

Points go through the ledger, the decision key being the entry's dedupe key, so settling twice
adds nothing:
- a pending decision (its period known) or an approved one not yet in the ledger → an award,
  pending until the decision's `pending_until`, naming the invitee (`related_member_id`), so
  the ledger's own daily clawback (an invitee leaving in the pending period) applies too;
- a void decision whose award is in the ledger and not yet reversed → clawed back while still
  pending, else reversed (refused, and reported, when its points were already spent);
- held decisions (waiting for a reviewer) and pending ones whose period is not known yet (still
  waiting for activation) write nothing until they are decided.
Prizes that are not points (实物, coupons, a 砍价 price, a 抽奖 win) go into the catalogue's
fulfilment queue (ledger_redemptions) at no points, by the same key: held while a reviewer is
to decide, pending for its period, then to be delivered; a void one still in the queue is
cancelled (one already delivered is reported, not taken back).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.campaigns.coupon_pool import hand_out
from core.campaigns.decisions import (
    APPROVED,
    HELD,
    LEDGER_KIND,
    LEDGER_SOURCE,
    PENDING,
    VOID,
    Decision,
    reference,
)
from core.campaigns.facts import ReviewAction
from core.campaigns.facts_sql import applied_points, campaign_prefix, load_facts
from core.campaigns.records import find_campaign
from core.campaigns.review import queue
from core.campaigns.reviewing import record_review
from core.campaigns.rewards import decide
from core.campaigns.settings import Prize, parse
from core.common.errors import UserError
from core.common.operator import operator_name
from core.common.text import msg
from core.ledger.catalogue import (
    NEXT_STATUS,
    Issue,
    issue_prize,
    issued_prizes,
    set_redemption_status,
)
from core.ledger.entries import (
    DEFAULT_EXPIRY_DAYS,
    ENTRY,
    Award,
    award_batch,
    clawback,
    default_expiry,
    reverse,
    take_write_lock,
)
from db.referral_models import Campaign


@dataclass
class Settled:
    campaign_id: int
    campaign_name: str
    decisions: list[Decision]
    awarded: int = 0  # ledger awards written
    awarded_points: int = 0
    clawed_back: int = 0  # pending awards clawed back
    reversed: int = 0  # approved awards reversed
    stuck: list[str] = field(default_factory=list)  # void but could not be taken back: why
    waiting: int = 0  # pending without a known period, or held: nothing written yet
    prizes: int = 0  # prize decisions (not points)
    issued: int = 0  # prizes put in the fulfilment queue
    moved: int = 0  # queued prizes moved on (held → pending → to deliver)
    cancelled: int = 0  # queued prizes cancelled (void)
    coupons: int = 0  # coupon codes handed out (campaign_coupons)
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return dict(Counter(decision.status for decision in self.decisions))


def campaign_settings(campaign: Campaign):
    return parse(campaign.kind, campaign.settings)


def compute(session: Session, campaign: Campaign, now: datetime) -> list[Decision]:
    """The campaign's decisions as of `now` (nothing written)."""
    return decide(campaign_settings(campaign), load_facts(session, campaign, now))


def _award(campaign: Campaign, decision: Decision) -> Award:
    return Award(
        member_id=decision.member_id,
        points=decision.points,
        reason=msg("活动「{name}」奖励", name=campaign.name),
        source=LEDGER_SOURCE,
        reference=reference(campaign.id),
        occurred_at=decision.at,
        expires_on=default_expiry(decision.pending_until or decision.at, DEFAULT_EXPIRY_DAYS),
        pending_until=decision.pending_until,
        related_member_id=decision.related_member_id,
        dedupe_key=decision.key,
        kind=LEDGER_KIND,
    )


def _issue(campaign: Campaign, prize: Prize, decision: Decision, status: str) -> Issue:
    """A prize decision as the catalogue's fulfilment queue takes it (as _award for points)."""
    note = msg("活动「{name}」奖品", name=campaign.name)
    if decision.coupon:
        note = msg("{note}，券码 {code}", note=note, code=decision.coupon)
    return Issue(
        member_id=decision.member_id,
        dedupe_key=decision.key,
        status=status,
        prize_name=prize.name,
        reward_id=prize.reward_id,
        cost_cents=decision.cost_cents,
        campaign_id=campaign.id,
        review_by=decision.review_by,
        pending_until=decision.pending_until,
        price_cents=decision.price_cents,
        note=note,
    )


def _void_reason(campaign: Campaign, decision: Decision) -> str:
    why = "；".join(item.text for item in decision.reasons) or msg("奖励作废")
    return msg("活动「{name}」奖励作废：{why}", name=campaign.name, why=why)[:500]


def settle(
    session: Session,
    campaign_text: str,
    *,
    now: datetime | None = None,
    operator: str | None = None,
    dry_run: bool = False,
) -> Settled:
    """Recompute the campaign's decisions and apply them (see the module's docstring)."""
    now = now or datetime.now()
    operator = operator if operator is not None else operator_name()
    campaign = find_campaign(session, campaign_text)
    if campaign.status == "draft":
        raise UserError(msg("活动「{name}」还是草稿，没有可结算的奖励", name=campaign.name))
    if not dry_run:
        take_write_lock(session)
    decisions = compute(session, campaign, now)
    result = Settled(campaign.id, campaign.name, decisions, dry_run=dry_run)
    in_ledger = applied_points(session, campaign.id)
    pending_until = _pending_until(session, campaign.id)  # one read, not one per void award
    queued = issued_prizes(session, campaign_prefix(campaign.id))
    prizes = campaign_settings(campaign).prize_by_key()
    awards: list[Award] = []
    for decision in decisions:
        if decision.prize is not None:
            result.prizes += 1
            _apply_prize(session, campaign, prizes[decision.prize], decision,
                         queued.get(decision.key), result, operator, now)  # fmt: skip
        if not decision.points:
            continue
        entry = in_ledger.get(decision.key)
        if entry is None:
            if decision.status == APPROVED or (
                decision.status == PENDING and decision.pending_until is not None
            ):
                awards.append(_award(campaign, decision))
            elif decision.status != VOID:
                result.waiting += 1
            continue
        entry_id, _, gone = entry
        if decision.status != VOID or gone:
            continue
        until = pending_until.get(entry_id)
        pending = until is not None and until > now
        if dry_run:
            if pending:
                result.clawed_back += 1
            else:
                result.reversed += 1
            continue
        try:
            if pending:
                clawback(
                    session,
                    entry_id,
                    reason=_void_reason(campaign, decision),
                    operator=operator,
                    source=LEDGER_SOURCE,
                    now=now,
                )
                result.clawed_back += 1
            else:
                reverse(
                    session,
                    entry_id,
                    reason=_void_reason(campaign, decision),
                    operator=operator,
                    source=LEDGER_SOURCE,
                    reference=reference(campaign.id),
                    now=now,
                )
                result.reversed += 1
        except UserError as refused:
            result.stuck.append(
                msg(
                    "成员 {member} 的奖励 {key}：{why}",
                    member=decision.member_id,
                    key=decision.key,
                    why=str(refused),
                )
            )
    result.coupons = hand_out(session, campaign, decisions, now, write=not dry_run)
    result.awarded = len(awards)
    result.awarded_points = sum(a.points for a in awards)
    if awards and not dry_run:
        award_batch(session, awards, now=now)
    return result


_QUEUE_STATUS = {APPROVED: "to_deliver", PENDING: "pending", HELD: "held"}


def _apply_prize(
    session: Session,
    campaign: Campaign,
    prize: Prize,
    decision: Decision,
    queued: tuple[int, int, str] | None,
    result: Settled,
    operator: str,
    now: datetime,
) -> None:
    wanted = _QUEUE_STATUS.get(decision.status)  # None: void
    if queued is None:
        if wanted is None:
            return
        result.issued += 1
        if not result.dry_run:
            issue_prize(
                session, _issue(campaign, prize, decision, wanted), operator=operator, now=now
            )
        return
    row_id, _, status = queued
    if status == "cancelled" or wanted == status:
        return  # a cancelled prize stays cancelled: its key is used
    if wanted is None:
        if status not in ("held", "pending", "to_deliver"):  # delivered or used
            result.stuck.append(
                msg(
                    "成员 {member} 的奖品「{prize}」已发放，未能收回",
                    member=decision.member_id,
                    prize=prize.name,
                )
            )
            return
        wanted, result.cancelled = "cancelled", result.cancelled + 1
    elif wanted not in NEXT_STATUS[status]:
        return  # e.g. held again after it was to be delivered: a person decides
    else:
        result.moved += 1
    if not result.dry_run:
        set_redemption_status(
            session,
            row_id,
            wanted,
            operator=operator,
            reason=_void_reason(campaign, decision) if wanted == "cancelled" else "",
            now=now,
        )


def _pending_until(session: Session, campaign_id: int) -> dict[int, datetime]:
    """Entry id → the end of its pending period, for the campaign's awards that have one."""
    rows = session.execute(
        select(ENTRY.c.id, ENTRY.c.pending_until).where(
            ENTRY.c.dedupe_key.like(campaign_prefix(campaign_id) + "%"),
            ENTRY.c.pending_until.is_not(None),
        )
    )
    return dict(rows.all())


def review_queue(
    session: Session, campaign_text: str, *, now: datetime | None = None
) -> tuple[Campaign, list[Decision]]:
    """The campaign's held rewards, overdue first (core/campaigns/review.queue)."""
    campaign = find_campaign(session, campaign_text)
    return campaign, queue(compute(session, campaign, now or datetime.now()))


def review(
    session: Session,
    campaign_text: str,
    action: str,
    *,
    key: str | None = None,
    member_id: int | None = None,
    why: str = "",
    who: str | None = None,
    now: datetime | None = None,
) -> Settled:
    """Keep a reviewer's action (approve / reject a reward, blacklist a member), then settle
    the campaign so its effect reaches the ledger at once (a rejected or blacklisted reward
    already applied is clawed back or reversed)."""
    now = now or datetime.now()
    who = who if who is not None else operator_name()
    campaign = find_campaign(session, campaign_text)
    take_write_lock(session)
    kept = ReviewAction(action, who, now, why, key=key, member_id=member_id)
    record_review(session, campaign, compute(session, campaign, now), kept)
    return settle(session, str(campaign.id), now=now, operator=who)
