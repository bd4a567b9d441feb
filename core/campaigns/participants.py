"""Each participant of a campaign and how far they have got: converted invites (counted, and
of those still pending), 任务宝's "还差 N 人" to the next stage, and their rewards' states.

Participants are the inviters of the campaign's referral edges, the holders of its codes and
the members its reward decisions name. Search goes by the member's stored search keys
(name, remark, pinyin and initials: core/members), as the members tab does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from core.campaigns.inputs import PENDING, VERIFIED
from core.campaigns.live import SharedDecisions, campaign_decisions
from core.campaigns.rewards.invites import ladder_progress
from core.campaigns.settings import TaskLadderSettings
from core.common.errors import UserError
from core.common.gc_pause import gc_paused
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


def _counts_of(edges) -> dict[int, list[int]]:
    """As _edge_counts, from the edges the decisions were made of (already loaded)."""
    counts: dict[int, list[int]] = {}
    for edge in edges:
        status = edge.status
        if edge.inviter_id is None or (status != PENDING and status != VERIFIED):
            continue
        held = counts.get(edge.inviter_id)
        if held is None:
            held = counts[edge.inviter_id] = [0, 0]
        held[0] += 1
        if status == PENDING:
            held[1] += 1
    return counts


def _edge_counts(session: Session, campaign_id: int) -> dict[int, list[int]]:
    """inviter → [counted invites, of those pending]: plain lists, one per inviter (a Counter
    each costs more than the count)."""
    counts: dict[int, list[int]] = {}
    for inviter, status, count in session.execute(
        select(ReferralEdge.inviter_id, ReferralEdge.status, func.count())
        .where(ReferralEdge.campaign_id == campaign_id, ReferralEdge.status.in_(LIVE_STATUSES))
        .group_by(ReferralEdge.inviter_id, ReferralEdge.status)
    ):
        held = counts.get(inviter)
        if held is None:
            held = counts[inviter] = [0, 0]
        held[0] += count
        if status == "pending":
            held[1] += count
    return counts


def _names(rows, found: dict[int, tuple[str, str]]) -> None:
    for member_id, name, search_text in rows:
        found[member_id] = (name or "", search_text or "")


def _members(session: Session, campaign_id: int, ids: list[int]) -> dict[int, tuple[str, str]]:
    """Name and search keys of `ids`: the campaign's edge and code holders in one query
    (a subquery, not 200 IN lists of a big campaign), the rest (if any) by bounded IN lists."""
    columns = (
        Member.id,
        func.coalesce(func.nullif(Member.remark, ""), Member.nickname),
        Member.search_text,
    )
    in_campaign = union(
        select(ReferralEdge.inviter_id).where(ReferralEdge.campaign_id == campaign_id),
        select(ReferralEdge.invitee_id).where(ReferralEdge.campaign_id == campaign_id),
        select(InviteCode.member_id).where(InviteCode.campaign_id == campaign_id),
    )
    found: dict[int, tuple[str, str]] = {}
    _names(session.execute(select(*columns).where(Member.id.in_(in_campaign))), found)
    rest = [member_id for member_id in ids if member_id not in found]
    for start in range(0, len(rest), _CHUNK):
        chunk = rest[start : start + _CHUNK]
        _names(session.execute(select(*columns).where(Member.id.in_(chunk))), found)
    return found


def campaign_participants(
    session: Session,
    campaign_id: int,
    now: datetime | None = None,
    shared: SharedDecisions | None = None,
) -> list[Participant]:
    """Every participant, most converted invites first (then by member number); `shared`: as
    for live.campaign_decisions."""
    with gc_paused():  # one pause over the whole read (as live.campaign_live)
        return _campaign_participants(session, campaign_id, now, shared)


def _campaign_participants(
    session: Session, campaign_id: int, now: datetime | None, shared: SharedDecisions | None
) -> list[Participant]:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise UserError(msg("没有编号或名称为「{text}」的活动", text=str(campaign_id)))
    now = now or datetime.now()
    holders = set(
        session.scalars(
            select(InviteCode.member_id).where(InviteCode.campaign_id == campaign.id).distinct()
        )
    )
    settings, facts, decisions, _ = campaign_decisions(session, campaign, now, shared)
    # the facts hold every edge already: counted there, not read again (settings that do
    # not pass their check load no facts)
    edges = _counts_of(facts.edges) if facts is not None else _edge_counts(session, campaign.id)
    rewards: dict[int, dict[str, int]] = {}
    for decision in decisions:
        held = rewards.get(decision.member_id)
        if held is None:
            held = rewards[decision.member_id] = {}
        held[decision.status] = held.get(decision.status, 0) + 1
    ids = sorted(set(edges) | holders | set(rewards))
    people = _members(session, campaign.id, ids)
    rows = {}
    nobody, none = ("", ""), (0, 0)
    for member_id in ids:
        name, search_text = people.get(member_id, nobody)
        converted, pending = edges.get(member_id, none)
        rows[member_id] = Participant(
            member_id,
            name,
            search_text,
            converted=converted,
            pending=pending,
            rewards=rewards.get(member_id, {}),
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
