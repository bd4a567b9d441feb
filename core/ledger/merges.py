"""Merging members and the ledger: merging hands every entry to the kept member (see
REASSIGNED in core.members.merging); undoing hands back exactly those entries. That is only
sound while no entry written after the merge ties the two members' entries together (a spend of
points that came from the merged member, a reversal of one of them): undoing then would leave an
allocation across two members and a negative balance (reversing the spend does not help: the
reversal is tied to the same awards). `undo_blocker` says so, in words; `merge_blocker` says
when the two members' points together would pass the balance bound.

The database lets an entry change member only along a merge recorded in `member_merges` and
not undone, so merging writes its record before it moves anything.
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from core.common.text import msg
from core.ledger.entries import ALLOCATION, ENTRY
from db.bounds import MAX_BALANCE_POINTS
from db.models import MemberMerge


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
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for entry_id, credit_id in session.execute(
            select(ALLOCATION.c.entry_id, ALLOCATION.c.credit_id).where(
                or_(ALLOCATION.c.entry_id.in_(chunk), ALLOCATION.c.credit_id.in_(chunk))
            )
        ):
            if (entry_id in moved) != (credit_id in moved):
                crossing.add(entry_id if entry_id not in moved else credit_id)
        for entry_id, target in session.execute(
            select(ENTRY.c.id, ENTRY.c.reverses_id).where(
                or_(ENTRY.c.id.in_(chunk), and_(ENTRY.c.reverses_id.in_(chunk)))
            )
        ):
            if target is not None and (entry_id in moved) != (target in moved):
                crossing.add(entry_id if entry_id not in moved else target)
    if not crossing:
        return None
    shown = "、".join(str(i) for i in sorted(crossing)[:5])
    return msg(
        "合并后已有 {count} 笔积分流水用到了合并进来的积分（流水 {entries}），"
        "撤销合并会让两人的积分对不上，因此不能撤销",
        count=len(crossing),
        entries=shown,
    )
