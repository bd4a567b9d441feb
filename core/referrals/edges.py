"""Referral edges: who brought whom, and the member's single inviter derived from them.

An edge is (inviter, invitee, campaign or none, community or none). Recording a claim:
- the invitee inviting themself is refused;
- the same inviter again (from another source, or the same one twice) is the same edge:
  it gains the source, nothing else changes;
- an invitee who already has a live (pending or verified) edge in the same campaign and
  community from another inviter: first referrer wins. The second claim is kept as a
  rejected edge with the reason `first_referrer` and reported as a conflict, never dropped;
- otherwise a new edge: pending inside a campaign (its reward is still to be reviewed),
  verified outside one (nothing to review: a record of what happened).
The database enforces the same with the UNIQUE `live_key` (db/referral_models.py).

`members.inviter_id` is derived, kept for what reads it (the member detail, the merge
suggestions): the inviter of the member's verified edge that happened first, else of the
pending one that did, else none. Every write here refreshes it for the invitees it touched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.operator import operator_name
from core.common.text import msg
from db.models import Member
from db.referral_models import (
    EDGE_HOWS,
    EDGE_SOURCES,
    EDGE_STATUSES,
    LIVE_STATUSES,
    ReferralEdge,
)

FIRST_REFERRER = "first_referrer"
CHUNK = 500


def source_bit(source: str) -> int:
    if source not in EDGE_SOURCES:
        raise UserError(msg("未知的邀请来源：{source}", source=source[:40]))
    return 1 << EDGE_SOURCES.index(source)


def source_names(bits: int) -> list[str]:
    return [name for index, name in enumerate(EDGE_SOURCES) if bits & (1 << index)]


def live_key(invitee_id: int, campaign_id: int | None, community_id: int | None) -> str:
    return f"{invitee_id}:{'' if campaign_id is None else campaign_id}:" + (
        "" if community_id is None else str(community_id)
    )


@dataclass(frozen=True)
class Claim:
    """Someone says `inviter_id` brought `invitee_id`."""

    inviter_id: int
    invitee_id: int
    how: str  # code / group_qr / direct_invite / manual
    source: str  # typed / scanned / member_import / tool_export / chat_history
    campaign_id: int | None = None
    community_id: int | None = None
    occurred_at: datetime | None = None
    invite_code_id: int | None = None


@dataclass(frozen=True)
class Recorded:
    """What became of one claim."""

    claim: Claim
    outcome: str  # added / merged (a new source) / unchanged / conflict / refused
    edge_id: int | None = None
    first_inviter_id: int | None = None  # conflict: whose edge came first
    first_edge_id: int | None = None
    reason: str = ""  # refused: why


@dataclass
class RecordResult:
    results: list[Recorded] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def conflicts(self) -> list[Recorded]:
        return [r for r in self.results if r.outcome == "conflict"]


def record_edge(
    session: Session,
    claim: Claim,
    *,
    operator: str | None = None,
    now: datetime | None = None,
) -> Recorded:
    """Record one claim; refused (UserError) when the invitee would invite themself, or a
    member is unknown or merged into another."""
    result = record_edges(session, [claim], operator=operator, now=now).results[0]
    if result.outcome == "refused":
        raise UserError(result.reason)
    return result


def record_edges(
    session: Session,
    claims: Sequence[Claim],
    *,
    operator: str | None = None,
    now: datetime | None = None,
) -> RecordResult:
    """Record many claims in the caller's transaction (in order: the first wins). A claim
    that can't be an edge is `refused` with the reason; the others still go in."""
    now = now or datetime.now()
    operator = (operator if operator is not None else operator_name())[:100]
    for claim in claims:
        if claim.how not in EDGE_HOWS:
            raise UserError(msg("未知的邀请方式：{how}", how=str(claim.how)[:40]))
        source_bit(claim.source)
    problems = _member_problems(
        session, {c.inviter_id for c in claims} | {c.invitee_id for c in claims}
    )
    # Every edge of the invitees, by scope (invitee, campaign, community).
    by_scope: dict[tuple, list[ReferralEdge]] = defaultdict(list)
    invitees = sorted({c.invitee_id for c in claims})
    for start in range(0, len(invitees), CHUNK):
        for edge in session.scalars(
            select(ReferralEdge)
            .where(ReferralEdge.invitee_id.in_(invitees[start : start + CHUNK]))
            .order_by(ReferralEdge.id)
        ):
            by_scope[(edge.invitee_id, edge.campaign_id, edge.community_id)].append(edge)

    result = RecordResult()
    pending: list[tuple[int, ReferralEdge, Claim, ReferralEdge | None]] = []
    for claim in claims:
        if claim.inviter_id == claim.invitee_id:
            result.results.append(Recorded(claim, "refused", reason=msg("成员不能邀请自己")))
            continue
        problem = problems.get(claim.inviter_id) or problems.get(claim.invitee_id)
        if problem:
            result.results.append(Recorded(claim, "refused", reason=problem))
            continue
        scope = (claim.invitee_id, claim.campaign_id, claim.community_id)
        edges = by_scope[scope]
        bit = source_bit(claim.source)
        same = next((e for e in edges if e.inviter_id == claim.inviter_id), None)
        live = next((e for e in edges if e.status in LIVE_STATUSES), None)
        if same is not None:
            outcome = "unchanged" if same.sources & bit else "merged"
            same.sources |= bit
            if same.status_reason == FIRST_REFERRER and live is not None:
                result.results.append(
                    Recorded(claim, "conflict", same.id, live.inviter_id, live.id)
                )
            else:
                result.results.append(Recorded(claim, outcome, same.id))
            continue
        edge = ReferralEdge(
            inviter_id=claim.inviter_id,
            invitee_id=claim.invitee_id,
            campaign_id=claim.campaign_id,
            community_id=claim.community_id,
            occurred_at=claim.occurred_at or now,
            how=claim.how,
            sources=bit,
            status_changed_at=now,
            status_changed_by=operator,
            recorded_at=now,
            invite_code_id=claim.invite_code_id,
        )
        if live is not None:
            edge.status, edge.status_reason, edge.live_key = "rejected", FIRST_REFERRER, None
        else:
            edge.status = "pending" if claim.campaign_id is not None else "verified"
            edge.live_key = live_key(*scope)
        session.add(edge)
        edges.append(edge)
        pending.append((len(result.results), edge, claim, live))
        result.results.append(Recorded(claim, "added"))
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:  # another writer recorded the same invitee just now
        raise UserError(msg("同时有人在记录同一位成员的邀请关系，请重试")) from error
    for position, edge, claim, live in pending:
        if live is None:
            result.results[position] = Recorded(claim, "added", edge.id)
        else:
            result.results[position] = Recorded(
                claim, "conflict", edge.id, live.inviter_id, live.id
            )
    refresh_inviters(session, {r.claim.invitee_id for r in result.results if r.edge_id})
    return result


def _member_problems(session: Session, member_ids: set[int]) -> dict[int, str]:
    """member → why no edge can name them (unknown, or merged into another)."""
    ids = sorted(member_ids)
    known = _member_column(session, Member.merged_into_id, ids)
    problems = {}
    for member_id in ids:
        if member_id not in known:
            problems[member_id] = msg("没有编号为 {id} 的成员", id=member_id)
        elif known[member_id] is not None:
            problems[member_id] = msg(
                "成员 {member} 已合并到成员 {kept}", member=member_id, kept=known[member_id]
            )
    return problems


def _member_column(session: Session, column, ids: list[int]) -> dict[int, int | None]:
    """member → `column` of members, for those of `ids` that exist (read in chunks)."""
    found: dict[int, int | None] = {}
    for start in range(0, len(ids), CHUNK):
        found.update(
            session.execute(
                select(Member.id, column).where(Member.id.in_(ids[start : start + CHUNK]))
            ).all()
        )
    return found


def set_edge_status(
    session: Session,
    edge_id: int,
    status: str,
    *,
    reason: str = "",
    operator: str | None = None,
    now: datetime | None = None,
) -> ReferralEdge:
    """Verify, reject, void or reopen an edge, keeping who, when and why. Making an edge live
    again is refused while the invitee has another live edge in its scope."""
    if status not in EDGE_STATUSES:
        raise UserError(msg("未知的邀请关系状态：{status}", status=str(status)[:40]))
    edge = session.get(ReferralEdge, edge_id)
    if edge is None:
        raise UserError(msg("没有编号为 {id} 的邀请关系", id=edge_id))
    if edge.status == status:
        return edge
    key = live_key(edge.invitee_id, edge.campaign_id, edge.community_id)
    if status in LIVE_STATUSES and edge.live_key is None:
        other = session.scalar(select(ReferralEdge).where(ReferralEdge.live_key == key))
        if other is not None:
            raise UserError(
                msg(
                    "成员 {invitee} 在这里已有邀请人（成员 {inviter}），先作废那条邀请关系",
                    invitee=edge.invitee_id,
                    inviter=other.inviter_id,
                )
            )
    edge.status = status
    edge.live_key = key if status in LIVE_STATUSES else None
    edge.status_reason = (reason or "").strip()[:50]
    edge.status_changed_at = now or datetime.now()
    edge.status_changed_by = (operator if operator is not None else operator_name())[:100]
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise UserError(msg("同时有人在修改这位成员的邀请关系，请重试")) from error
    refresh_inviters(session, [edge.invitee_id])
    return edge


def derived_inviters(session: Session, member_ids: Iterable[int]) -> dict[int, int | None]:
    """member → their inviter by the edges (the first verified, else the first pending)."""
    ids = sorted(set(member_ids))
    best: dict[int, tuple] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(
                ReferralEdge.invitee_id,
                ReferralEdge.inviter_id,
                ReferralEdge.status,
                ReferralEdge.occurred_at,
                ReferralEdge.id,
            ).where(
                ReferralEdge.invitee_id.in_(ids[start : start + CHUNK]),
                ReferralEdge.status.in_(LIVE_STATUSES),
            )
        )
        for invitee, inviter, status, occurred_at, edge_id in rows:
            rank = (status != "verified", occurred_at, edge_id, inviter)
            if invitee not in best or rank < best[invitee]:
                best[invitee] = rank
    return {member_id: best[member_id][3] if member_id in best else None for member_id in ids}


def refresh_inviters(session: Session, member_ids: Iterable[int]) -> int:
    """Write the derived inviter to members.inviter_id where it changed; how many changed."""
    derived = derived_inviters(session, member_ids)
    if not derived:
        return 0
    current = _member_column(session, Member.inviter_id, sorted(derived))
    changed = [
        {"b_id": member_id, "v_inviter": inviter}
        for member_id, inviter in derived.items()
        if member_id in current and current[member_id] != inviter
    ]
    if changed:
        table = Member.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(inviter_id=bindparam("v_inviter")),
            changed,
        )
        session.expire_all()
    return len(changed)


def edges_of(session: Session, member_id: int) -> list[ReferralEdge]:
    """Every edge a member is in, either side, oldest first."""
    return list(
        session.scalars(
            select(ReferralEdge)
            .where((ReferralEdge.invitee_id == member_id) | (ReferralEdge.inviter_id == member_id))
            .order_by(ReferralEdge.occurred_at, ReferralEdge.id)
        )
    )
