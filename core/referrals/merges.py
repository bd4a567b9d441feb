"""Merging members and their referral edges: when B is merged into A, B's edges (as inviter
and as invitee) become A's, in the merge's own transaction (core.workflows.merging):
- an edge that would make A invite A (A brought B, or B brought A) keeps its two members and
  is voided with the reason `merged_self` (the database refuses an edge to oneself);
- two live edges that now clash on the first-referrer key (A's scope: invitee, campaign,
  community) keep the earlier and void the other: `first_referrer`, or `merged_duplicate` when
  both name the same inviter (the kept one gains the other's sources);
- `members.inviter_id` is derived again for every invitee touched;
- B's invite codes stay B's rows: resolving follows the merge to A (core.referrals.resolving).

Every edge changed is recorded in the merge's record (`moved["referral_edges"]`, its columns
before), so `hand_back_edges` restores exactly those values when the merge is undone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.common.text import msg
from core.members.merging.records import decode_row, encode_row
from core.referrals.edges import FIRST_REFERRER, live_key, refresh_inviters
from db.models import MemberMerge
from db.referral_models import LIVE_STATUSES, ReferralEdge

MERGED_SELF = "merged_self"
MERGED_DUPLICATE = "merged_duplicate"
RECORD_KEY = "referral_edges"
# What a merge may change of an edge, and so what undo puts back.
COLUMNS = (
    "inviter_id",
    "invitee_id",
    "sources",
    "status",
    "status_reason",
    "status_changed_at",
    "status_changed_by",
    "live_key",
)


def _snapshot(edge: ReferralEdge) -> dict:
    return {name: getattr(edge, name) for name in COLUMNS}


def _void(edge: ReferralEdge, reason: str, operator: str, now: datetime) -> None:
    edge.status, edge.live_key, edge.status_reason = "void", None, reason
    edge.status_changed_at, edge.status_changed_by = now, operator


def hand_over_edges(
    session: Session, merge_id: int, *, operator: str = "", now: datetime | None = None
) -> int:
    """Hand the merged member's edges to the kept one (see the module's docstring), recorded
    in the merge; how many edges changed."""
    record = session.get(MemberMerge, merge_id)
    kept, merged = record.kept_id, record.merged_id
    now = now or datetime.now()
    operator = (operator or "")[:100]
    pair = (kept, merged)
    edges = list(
        session.scalars(
            select(ReferralEdge)
            .where(or_(ReferralEdge.inviter_id.in_(pair), ReferralEdge.invitee_id.in_(pair)))
            .order_by(ReferralEdge.occurred_at, ReferralEdge.id)
        )
    )
    before = {edge.id: _snapshot(edge) for edge in edges}
    touched_invitees = {edge.invitee_id for edge in edges}

    # 1. Voids first (their live keys freed), so no two live edges ever share a key.
    moves: list[tuple[ReferralEdge, int, int]] = []
    for edge in edges:
        inviter = kept if edge.inviter_id == merged else edge.inviter_id
        invitee = kept if edge.invitee_id == merged else edge.invitee_id
        if inviter == invitee:
            if edge.status in LIVE_STATUSES:
                _void(edge, MERGED_SELF, operator, now)
            continue  # the database refuses an edge to oneself: it keeps its members
        if (inviter, invitee) != (edge.inviter_id, edge.invitee_id):
            moves.append((edge, inviter, invitee))
    winners: dict[str, ReferralEdge] = {}
    for edge in edges:  # oldest first: the earlier edge wins its scope
        if edge.status not in LIVE_STATUSES:
            continue
        invitee = kept if edge.invitee_id == merged else edge.invitee_id
        inviter = kept if edge.inviter_id == merged else edge.inviter_id
        key = live_key(invitee, edge.campaign_id, edge.community_id)
        first = winners.get(key)
        if first is None:
            winners[key] = edge
            continue
        first_inviter = kept if first.inviter_id == merged else first.inviter_id
        if first_inviter == inviter:
            first.sources |= edge.sources
            _void(edge, MERGED_DUPLICATE, operator, now)
        else:
            _void(edge, FIRST_REFERRER, operator, now)
    session.flush()

    # 2. Then the moves, with the live keys of their new scopes.
    for edge, inviter, invitee in moves:
        edge.inviter_id, edge.invitee_id = inviter, invitee
        if edge.status in LIVE_STATUSES:
            edge.live_key = live_key(invitee, edge.campaign_id, edge.community_id)
    session.flush()

    changed = [
        {"id": edge.id, "before": encode_row(before[edge.id])}
        for edge in edges
        if _snapshot(edge) != before[edge.id]
    ]
    moved = dict(record.moved or {})
    moved[RECORD_KEY] = changed
    record.moved = moved  # a new dict: the JSON column sees the change
    session.flush()
    # Only members an edge names: a member's inviter kept without any edge stays as it is.
    refresh_inviters(session, touched_invitees | {edge.invitee_id for edge in edges})
    return len(changed)


def undo_blocker(session: Session, merge_id: int) -> str | None:
    """Why the merge's edges can't be put back (an edge recorded since holds the place one of
    them had), or None."""
    record = session.get(MemberMerge, merge_id)
    changed = (record.moved or {}).get(RECORD_KEY, []) if record is not None else []
    ids = {item["id"] for item in changed}
    keys = [decode_row(item["before"])["live_key"] for item in changed]
    keys = [key for key in keys if key is not None]
    if not keys:
        return None
    holder = session.execute(
        select(ReferralEdge.id, ReferralEdge.invitee_id).where(
            ReferralEdge.live_key.in_(keys), ReferralEdge.id.not_in(ids)
        )
    ).first()
    if holder is None:
        return None
    return msg(
        "合并后又为成员 {member} 记录了邀请关系（编号 {edge}），撤销合并前请先作废它",
        member=holder.invitee_id,
        edge=holder.id,
    )


def hand_back_edges(session: Session, merge_id: int) -> set[int]:
    """Put the merge's edges back exactly as they were (`undo_blocker` said first that their
    places are free); the invitees whose derived inviter to refresh once the merge is undone."""
    record = session.get(MemberMerge, merge_id)
    changed = (record.moved or {}).get(RECORD_KEY, [])
    if not changed:
        return set()
    by_id = {item["id"]: decode_row(item["before"]) for item in changed}
    edges = list(session.scalars(select(ReferralEdge).where(ReferralEdge.id.in_(by_id))))
    invitees = {edge.invitee_id for edge in edges}
    for edge in edges:  # free every key first, then put the old ones back
        edge.status, edge.live_key = "void", None
    session.flush()
    for edge in edges:
        for name, value in by_id[edge.id].items():
            setattr(edge, name, value)
    session.flush()
    return invitees | {values["invitee_id"] for values in by_id.values()}
