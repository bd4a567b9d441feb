"""From claims (who earned what, resting on which edge) to decisions, the same for every type:

1. a claim resting on an edge takes the edge's eligibility verdict (void, pending, approved);
   a claim of a member barred by an earlier campaign's blacklisting is void;
2. the moderation mode and the edge's fraud signals (core/campaigns/review.moderate);
3. the reviewers' actions (approve, reject, blacklist) and the overdue mark;
4. stock and budget (eligibility.Book), in this order: rewards already applied first (they
   keep what they took), then by when they were earned, then by key; a reward that would pass
   a stock or a budget cap is void with that reason;
5. a reward already applied that no claim gives any more is void (no_longer_earned), so the
   database side voids or claws it back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from core.campaigns.decisions import (
    APPROVED,
    BARRED,
    NO_LONGER_EARNED,
    VOID,
    Decision,
    Reason,
    made,
    reason,
)
from core.campaigns.eligibility import Book, EdgeKey, Verdict
from core.campaigns.facts import Facts
from core.campaigns.review import apply_reviews, moderate
from core.campaigns.settings import Common, Gift
from core.campaigns.signals import Signal


@dataclass
class Claim:
    key: str
    member_id: int
    gift: Gift
    at: datetime
    status: str = APPROVED
    pending_until: datetime | None = None
    reasons: tuple[Reason, ...] = ()
    signals: list[Signal] = field(default_factory=list)
    stocks: tuple[str, ...] = ()  # stocks besides the prize's own (a stage's, a pool)
    related_member_id: int | None = None
    price_cents: int | None = None
    cents: int = 0  # money besides points and the prize (a coupon's face value)
    reviewed: bool = True  # goes through moderation (False: already decided, e.g. a draw)

    @classmethod
    def on_edge(
        cls,
        key: str,
        member_id: int,
        gift: Gift,
        verdict: Verdict,
        signals: Mapping[EdgeKey, list[Signal]],
        **more,
    ) -> Claim:
        edge = verdict.edge
        return cls(
            key,
            member_id,
            gift,
            edge.joined_at or datetime.min,
            verdict.status,
            verdict.pending_until,
            verdict.reasons,
            list(signals.get((edge.inviter_id, edge.invitee_id), ())),
            related_member_id=edge.invitee_id,
            **more,
        )


def finish(claims: Iterable[Claim], settings: Common, facts: Facts, book: Book) -> list[Decision]:
    decisions = []
    claim_of = {}
    hold_all = settings.screening.mode == "hold_all"
    for claim in claims:
        gift = claim.gift
        decision = made(
            key=claim.key,
            member_id=claim.member_id,
            status=claim.status,
            at=claim.at,
            points=gift.points,
            prize=gift.prize,
            price_cents=claim.price_cents,
            pending_until=claim.pending_until,
            related_member_id=claim.related_member_id,
            reasons=claim.reasons,
            # what it costs does not depend on the order the book takes it in (only whether
            # it may): known now, no copy per decision below; a void one costs nothing
            cost_cents=0
            if claim.status == VOID
            else book.cost(gift.points, gift.prize) + claim.cents,
        )
        person = facts.people.get(claim.member_id)
        if person is not None and person.barred and decision.status != VOID:
            decision = decision.but(VOID, reason(BARRED))
        # moderation changes nothing of a clean claim unless every reward is held
        if claim.reviewed and (claim.signals or hold_all):
            decision = moderate(decision, claim.signals, settings.screening)
        decisions.append(decision)
        claim_of[claim.key] = claim
    decisions = apply_reviews(decisions, facts.reviews, facts.as_of)
    applied = facts.applied
    decisions.sort(key=lambda d: (d.key not in applied, d.at, d.key))
    out = []
    for decision in decisions:
        if decision.status != VOID:
            claim = claim_of[decision.key]
            refused = book.take(
                decision.member_id, decision.at.date(), decision.cost_cents, decision.prize,
                claim.stocks,
            )  # fmt: skip
            if refused is not None:
                decision = decision.but(VOID, refused, cost_cents=0)
        elif decision.cost_cents:  # voided by moderation or a reviewer: costs nothing
            decision = decision.but(VOID, cost_cents=0)
        out.append(decision)
    given = {decision.key for decision in out}
    for key, member_id in sorted(applied.items()):
        if key not in given:
            out.append(
                Decision(key, member_id, VOID, facts.as_of, reasons=(reason(NO_LONGER_EARNED),))
            )
    return out


def new_book(settings: Common, facts: Facts) -> Book:
    return Book(settings.prize_by_key(), facts.budget, facts.stock_used, facts.spent_cents)
