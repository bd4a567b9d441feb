"""Merging members and the ledger: after the members' merge, `hand_over_points` hands every
entry and redemption to the kept member, recording their ids in the merge's record beside the
members' own rows; `hand_back_points` hands back exactly those before the merge is undone
(core.workflows.merging runs both steps). That is only
sound while no entry written after the merge ties the two members' entries together (a spend of
points that came from the merged member, a reversal of one of them): undoing then would leave an
allocation across two members and a negative balance (reversing the spend does not help: the
reversal is tied to the same awards). `undo_blocker` says so, in words; `merge_blocker` says
when the two members' points together would pass the balance bound.

The database lets an entry change member only along a merge recorded in `member_merges` and
not undone, so merging writes its record before it moves anything.
"""

from __future__ import annotations

from sqlalchemy import Table, func, or_, select
from sqlalchemy.orm import Session

from core.common.joins import joined_some
from core.common.text import msg
from core.ledger.entries import ALLOCATION, ENTRY
from core.members.merging.records import Merged, chunks, hand_back, hand_over
from db.bounds import MAX_BALANCE_POINTS
from db.ledger_models import LedgerRedemption
from db.models import MemberMerge

# The ledger's rows that belong to a member through one column, under their keys in the merge
# record's `moved["rows"]` (the keys merges recorded before this step existed use too).
# Append-only, but the triggers allow handing them to another member along a recorded merge.
REASSIGNED: dict[str, tuple[Table, str]] = {
    "ledger_entries": (ENTRY, "member_id"),
    "ledger_invitees": (ENTRY, "related_member_id"),
    "ledger_redemptions": (LedgerRedemption.__table__, "member_id"),
}
REASSIGNED_LABELS = {
    "ledger_entries": msg("积分流水"),
    "ledger_invitees": msg("作为被邀请人的积分奖励"),
    "ledger_redemptions": msg("积分兑换"),
}


def merge_blocker(session: Session, kept_id: int, merged_id: int) -> str | None:
    """Why these two members' points can't become one balance, or None when they can."""
    total = session.scalar(
        select(func.coalesce(func.sum(ENTRY.c.points), 0)).where(
            ENTRY.c.member_id.in_((kept_id, merged_id))
        )
    )
    if total > MAX_BALANCE_POINTS:
        return msg(
            "两人的积分合计 {points:,} 分，超过单人上限 {limit:,} 分，不能合并",
            points=total,
            limit=MAX_BALANCE_POINTS,
        )
    return None


def undo_blocker(session: Session, merge_id: int) -> str | None:
    """Why undoing this merge would break the ledger, or None when it is safe."""
    record = session.get(MemberMerge, merge_id)
    if record is None:
        return None
    moved = set((record.moved or {}).get("rows", {}).get("ledger_entries", []))
    if not moved:
        return None
    ids = sorted(moved)
    crossing: set[int] = set()
    for chunk in chunks(ids):
        for entry_id, credit_id in session.execute(
            select(ALLOCATION.c.entry_id, ALLOCATION.c.credit_id).where(
                or_(ALLOCATION.c.entry_id.in_(chunk), ALLOCATION.c.credit_id.in_(chunk))
            )
        ):
            if (entry_id in moved) != (credit_id in moved):
                crossing.add(entry_id if entry_id not in moved else credit_id)
        for entry_id, target in session.execute(
            select(ENTRY.c.id, ENTRY.c.reverses_id).where(
                or_(ENTRY.c.id.in_(chunk), ENTRY.c.reverses_id.in_(chunk))
            )
        ):
            if target is not None and (entry_id in moved) != (target in moved):
                crossing.add(entry_id if entry_id not in moved else target)
    if not crossing:
        return None
    shown = joined_some([str(i) for i in sorted(crossing)])
    return msg(
        "合并后已有 {count} 笔积分流水用到了合并进来的积分（流水 {entries}），"
        "撤销合并会让两人的积分对不上，因此不能撤销",
        count=len(crossing),
        entries=shown,
    )


def hand_over_points(session: Session, merged: Merged) -> None:
    """The merged member's entries and redemptions go to the kept member, recorded in the merge
    (`merge_blocker` said first that their points fit in one balance)."""
    rows = {
        key: hand_over(session, table, column, merged.merged_id, merged.kept_id)
        for key, (table, column) in REASSIGNED.items()
    }
    record = session.get(MemberMerge, merged.merge_id)
    moved = dict(record.moved or {})
    moved["rows"] = {**moved.get("rows", {}), **rows}
    record.moved = moved  # a new dict: the JSON column sees the change
    session.flush()


def hand_back_points(session: Session, merge_id: int) -> None:
    """Exactly the rows `hand_over_points` moved go back, while the merge still stands (the
    triggers allow it only then); `undo_blocker` said first that this is sound."""
    record = session.get(MemberMerge, merge_id)
    rows = (record.moved or {}).get("rows", {})
    for key, (table, column) in REASSIGNED.items():
        hand_back(session, table, column, rows.get(key, []), record.kept_id, record.merged_id)
