"""Each participant of a campaign and how far they have got: converted invites (counted, and
of those still pending), 任务宝's "还差 N 人" to the next stage, and their rewards' states.

Participants are the inviters of the campaign's referral edges, the holders of its codes and
the members its reward decisions name. Search goes by the member's stored search keys
(name, remark, pinyin and initials: core/members), as the members tab does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.campaigns.live import campaign_decisions
from core.campaigns.rewards.invites import ladder_progress
from core.campaigns.settings import TaskLadderSettings
from core.common.errors import UserError
from core.common.search_keys import normalize_query
from core.common.text import msg
from db.models import Member
from db.referral_models import LIVE_STATUSES, Campaign, InviteCode, ReferralEdge

_CHUNK = 1000  # bounded IN lists


@dataclass
class Participant:
    member_id: int
    name: str
    search_text: str
    # invites that count: pending or verified edges; in a 任务宝, those its eligibility rules
    # and fraud screening let count (what 还差 N 人 is measured from)
    converted: int = 0
    pending: int = 0  # of those, not verified yet
    # 任务宝: the next stage's invites and 还差 N 人 (None: not a ladder, or every stage reached)
    next_stage: int | None = None
    missing: int | None = None
    stages_reached: int = 0
    rewards: dict[str, int] = field(default_factory=dict)  # decision status → how many


def _edge_counts(session: Session, campaign_id: int) -> dict[int, Counter]:
    counts: dict[int, Counter] = defaultdict(Counter)
    for inviter, status, count in session.execute(
        select(ReferralEdge.inviter_id, ReferralEdge.status, func.count())
        .where(ReferralEdge.campaign_id == campaign_id, ReferralEdge.status.in_(LIVE_STATUSES))
        .group_by(ReferralEdge.inviter_id, ReferralEdge.status)
    ):
        counts[inviter][status] += count
    return counts


def _members(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for member_id, name, search_text in session.execute(
            select(
                Member.id,
                func.coalesce(func.nullif(Member.remark, ""), Member.nickname),
                Member.search_text,
            ).where(Member.id.in_(chunk))
        ):
            found[member_id] = (name or "", search_text or "")
    return found


def campaign_participants(
    session: Session, campaign_id: int, now: datetime | None = None
) -> list[Participant]:
    """Every participant, most converted invites first (then by member number)."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise UserError(msg("没有编号或名称为「{text}」的活动", text=str(campaign_id)))
    now = now or datetime.now()
    edges = _edge_counts(session, campaign.id)
    holders = set(
        session.scalars(
            select(InviteCode.member_id).where(InviteCode.campaign_id == campaign.id).distinct()
        )
    )
    settings, facts, decisions, _ = campaign_decisions(session, campaign, now)
    rewards: dict[int, Counter] = defaultdict(Counter)
    for decision in decisions:
        rewards[decision.member_id][decision.status] += 1
    ids = sorted(set(edges) | holders | set(rewards))
    people = _members(session, ids)
    rows = {}
    for member_id in ids:
        name, search_text = people.get(member_id, ("", ""))
        counts = edges.get(member_id, Counter())
        rows[member_id] = Participant(
            member_id,
            name,
            search_text,
            converted=sum(counts.values()),
            pending=counts.get("pending", 0),
            rewards=dict(rewards.get(member_id, {})),
        )
    if isinstance(settings, TaskLadderSettings) and settings.stages:
        first = settings.stages[0].invites
        for row in rows.values():  # no counted invite yet: the first stage is still ahead
            row.next_stage, row.missing = first, first
        for progress in ladder_progress(settings, facts):
            row = rows.get(progress.member_id)
            if row is None:
                continue
            row.converted = progress.converted  # what 还差 N 人 counts from
            row.next_stage = progress.next_stage
            row.missing = progress.missing if progress.next_stage is not None else None
            row.stages_reached = len(progress.reached)
    return sorted(rows.values(), key=lambda row: (-row.converted, row.member_id))


def matching(rows: list[Participant], text: str) -> list[Participant]:
    """The rows whose name or search keys (pinyin, initials) hold every word typed."""
    words = normalize_query(text).split()
    if not words:
        return rows
    return [
        row
        for row in rows
        if all(word in f"{row.name.lower()} {row.search_text}" for word in words)
    ]
