"""Merging two members, and what follows in the ledger and the referral edges: the members'
merge (members), then the points and redemptions handed to the kept member (ledger), then the
referral edges (referrals), in the caller's one transaction; undo likewise, the ledger's rows
and the edges first (the ledger's triggers let its rows move back only while the merge stands),
then the members, then every touched member's derived inviter. Each feature checks first, in
that order, so a refusal changes nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.operator import operator_name
from core.ledger import merges as ledger
from core.members.merging import history, merge, undo
from core.members.merging.history import MergeRecord
from core.referrals import merges as referrals
from core.referrals.edges import refresh_inviters


def merge_members(session: Session, kept_id: int, merged_id: int) -> int:
    """Fold `merged_id` into `kept_id` with their points; return the merge's id (for undo)."""
    merge.check_merge(session, kept_id, merged_id)
    if (blocker := ledger.merge_blocker(session, kept_id, merged_id)) is not None:
        raise UserError(blocker)
    merged = merge.merge_members(session, kept_id, merged_id)
    ledger.hand_over_points(session, merged)
    referrals.hand_over_edges(session, merged.merge_id, operator=operator_name())
    return merged.merge_id


def undo_merge(session: Session, merge_id: int) -> None:
    """Put back exactly what `merge_members` did, points included."""
    undo.undoable_merge(session, merge_id, restored_elsewhere=ledger.REASSIGNED)
    for blocker in (ledger.undo_blocker, referrals.undo_blocker):
        if (reason := blocker(session, merge_id)) is not None:
            raise UserError(reason)
    ledger.hand_back_points(session, merge_id)
    invitees = referrals.hand_back_edges(session, merge_id)
    undo.undo_merge(session, merge_id, restored_elsewhere=ledger.REASSIGNED)
    refresh_inviters(session, invitees)


def merge_history(session: Session, limit: int = 20) -> list[MergeRecord]:
    """The latest merges, with what each moved in words, the ledger's rows included."""
    return history.merge_history(session, limit, labels=ledger.REASSIGNED_LABELS)
