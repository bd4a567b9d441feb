"""Merging two members, and what follows in the ledger: the members' merge (members), then the
points and redemptions handed to the kept member (ledger), in the caller's one transaction;
undo likewise, the ledger's rows first (its triggers let them move back only while the merge
stands). Each feature checks first, in that order, so a refusal changes nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.ledger import merges as ledger
from core.members.merging import history, merge, undo
from core.members.merging.history import MergeRecord


def merge_members(session: Session, kept_id: int, merged_id: int) -> int:
    """Fold `merged_id` into `kept_id` with their points; return the merge's id (for undo)."""
    merge.check_merge(session, kept_id, merged_id)
    if (blocker := ledger.merge_blocker(session, kept_id, merged_id)) is not None:
        raise UserError(blocker)
    merged = merge.merge_members(session, kept_id, merged_id)
    ledger.hand_over_points(session, merged)
    return merged.merge_id


def undo_merge(session: Session, merge_id: int) -> None:
    """Put back exactly what `merge_members` did, points included."""
    undo.undoable_merge(session, merge_id, restored_elsewhere=ledger.REASSIGNED)
    if (blocker := ledger.undo_blocker(session, merge_id)) is not None:
        raise UserError(blocker)
    ledger.hand_back_points(session, merge_id)
    undo.undo_merge(session, merge_id, restored_elsewhere=ledger.REASSIGNED)


def merge_history(session: Session, limit: int = 20) -> list[MergeRecord]:
    """The latest merges, with what each moved in words, the ledger's rows included."""
    return history.merge_history(session, limit, labels=ledger.REASSIGNED_LABELS)
