"""What the 活动 tab's review page shows and asks before it writes: the held rewards with the
names behind them, the history of decisions, the moderation mode, how many rewards a
blacklisting would void, and what settling would do (settle itself, rolled back).

The writes themselves are core/workflows/campaign_rewards.py's `review` and `settle` and
core/campaigns/reviewing.py's `set_review_mode`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from core.campaigns.decisions import HELD_FOR_REVIEW, OVERDUE, WAITING_PERIOD, Decision
from core.campaigns.records import find_campaign
from core.campaigns.report import nicknames
from core.campaigns.review import queue, voided_by_blacklist
from core.campaigns.reviewing import ReviewRecord, review_history
from core.campaigns.settings import Screening
from core.campaigns.signals import SEVERITY
from core.common.errors import UserError
from core.workflows.campaign_rewards import Settled, campaign_settings, compute, settle


@dataclass(frozen=True)
class HeldReward:
    """One row of the review queue."""

    key: str
    member_id: int
    member: str
    related_member_id: int | None
    related: str
    points: int
    prize: str  # the prize's name ("" for points only)
    earned_at: datetime
    review_by: datetime | None
    overdue: bool
    flagged: bool  # a fraud signal holds it (not only the hold-all mode)
    reasons: tuple[str, ...]  # core messages, in order (what the queue says anyway left out)


@dataclass(frozen=True)
class HistoryLine:
    record: ReviewRecord
    member: str  # the name of the member it concerns


@dataclass
class ReviewBoard:
    campaign_id: int
    campaign_name: str
    status: str
    mode: str
    review_days: int
    queue: list[HeldReward] = field(default_factory=list)
    history: list[HistoryLine] = field(default_factory=list)


# Said by the queue itself (every row is held, waits for its period, has an overdue column).
_SAID = {HELD_FOR_REVIEW, OVERDUE, WAITING_PERIOD}


def _held(decision: Decision, names: dict[int, str], prizes: dict) -> HeldReward:
    related = decision.related_member_id
    prize = prizes.get(decision.prize) if decision.prize else None
    return HeldReward(
        key=decision.key,
        member_id=decision.member_id,
        member=names.get(decision.member_id, f"#{decision.member_id}"),
        related_member_id=related,
        related="" if related is None else names.get(related, f"#{related}"),
        points=decision.points,
        prize=prize.name if prize is not None else (decision.prize or ""),
        earned_at=decision.at,
        review_by=decision.review_by,
        overdue=decision.overdue,
        flagged=any(item.code in SEVERITY for item in decision.reasons),
        reasons=tuple(item.text for item in decision.reasons if item.code not in _SAID),
    )


def review_board(session: Session, campaign_id: int, now: datetime | None = None) -> ReviewBoard:
    """The campaign's review queue (overdue first), its history (newest first) and mode."""
    now = now or datetime.now()
    campaign = find_campaign(session, str(campaign_id))
    try:
        settings = campaign_settings(campaign)
    except UserError:  # not filled in yet (`campaigns create` leaves them): no reward to hold
        settings = None
    screening = settings.screening if settings else Screening()
    board = ReviewBoard(
        campaign.id, campaign.name, campaign.status, screening.mode, screening.review_days
    )
    unsettled = campaign.status == "draft" or settings is None
    held = [] if unsettled else queue(compute(session, campaign, now))
    history = review_history(session, campaign.id)
    ids = {d.member_id for d in held} | {d.related_member_id for d in held}
    ids |= {r.member_id for r in history}
    names = nicknames(session, [i for i in ids if i is not None])
    prizes = settings.prize_by_key() if settings else {}
    board.queue = [_held(decision, names, prizes) for decision in held]
    board.history = [
        HistoryLine(r, names.get(r.member_id, "") if r.member_id else "") for r in history
    ]
    return board


def blacklist_voids(
    session: Session, campaign_id: int, member_id: int, now: datetime | None = None
) -> int:
    """How many of the member's rewards in this campaign a blacklisting now would void."""
    now = now or datetime.now()
    campaign = find_campaign(session, str(campaign_id))
    return len(voided_by_blacklist(compute(session, campaign, now), member_id, now))


def preview_settle(
    session: Session, campaign_id: int, *, now: datetime | None = None, operator: str = ""
) -> Settled:
    """What settling now would do: `settle` run in a savepoint that is then rolled back, so
    the counts are the real ones (refusals included) and nothing stays written."""
    savepoint = session.begin_nested()
    try:
        result = settle(session, str(campaign_id), now=now, operator=operator or None)
    finally:
        savepoint.rollback()
    result.dry_run = True
    return result
