"""A chat history imported, and what follows from it: write the import (chat: members,
memberships, activity, referral edges), apply the earn rules to the new activity (ledger), then
recalculate the levels of everyone it touched (tiers) — the same steps every activity takes,
in the caller's one transaction: if a later step fails, nothing of the import is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from core.chat.importing.apply import ChatImportResult, apply_chat_import
from core.chat.importing.plan import ChatImportPlan
from core.common.progress import CancelCheck, Progress, never_cancelled, no_progress
from core.ledger.awards import award_for_activities
from core.tiers.recompute import RecomputeResult, recompute_levels


@dataclass
class ChatsImported:
    imported: ChatImportResult
    points_entries: int = 0
    levels: RecomputeResult = field(default_factory=RecomputeResult)


def points_and_levels_after_chat(
    session: Session,
    imported: ChatImportResult,
    *,
    now: datetime | None = None,
    cancelled: CancelCheck = never_cancelled,
) -> ChatsImported:
    """The earn rules on the new activity (a chunk at a time: cancel is heard between
    chunks), then the levels of the members touched."""
    recorded = imported.recorded
    points = (
        award_for_activities(session, recorded.event_ids, now=now, cancelled=cancelled)
        if recorded.event_ids
        else 0
    )
    touched = set(recorded.member_ids) | imported.member_ids
    levels = recompute_levels(session, touched, now=now) if touched else RecomputeResult()
    return ChatsImported(imported, points, levels)


def import_chats(
    session: Session,
    plan: ChatImportPlan,
    *,
    operator: str | None = None,
    now: datetime | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> ChatsImported:
    """`main.py chat import` (and later its window): apply the plan, the points, the levels."""
    imported = apply_chat_import(
        session, plan, operator=operator, now=now, progress=progress, cancelled=cancelled
    )
    return points_and_levels_after_chat(session, imported, now=now, cancelled=cancelled)
