"""A member list imported, and what follows from it: write the import (members), the opening
balances its points column brings (ledger), the inviters it names as referral edges
(referrals), then recalculate the levels its joins and leaves can change (tiers), all in the
caller's one transaction: if a later step fails, nothing of the import is written either.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from core.common.operator import operator_name
from core.common.progress import CancelCheck, Progress, never_cancelled, no_progress
from core.members.importing.apply import apply_import, forget_applied
from core.members.importing.model import ImportPlan, ImportResult
from core.members.importing.plan import gc_paused, plan_import
from core.referrals.edges import RecordResult
from core.tiers.moves import LevelsAfterMoves, cold_start_states, recompute_after_moves
from core.workflows.import_referrals import inviters_become_edges
from core.workflows.opening_balance import members_with_opening, record_opening_balances


@dataclass
class MembersImported:
    """What the import did, with the level changes that followed."""

    imported: ImportResult
    levels: LevelsAfterMoves
    referrals: RecordResult  # the inviters' edges, with any first-referrer conflicts


def plan_member_import(session: Session | Connection, source: str | Path, **options) -> ImportPlan:
    """The preview of `main.py import` and the 导入成员名单 window: plan_import (its options),
    told by the ledger who already holds an opening balance from an import."""
    return plan_import(session, source, opened=members_with_opening, **options)


def import_members(
    session: Session,
    plan: ImportPlan,
    *,
    operator: str | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> MembersImported:
    """`main.py import` and the 导入成员名单 window: apply the plan, the opening balances, the
    referral edges, then the levels.

    Raises what apply_import raises (UserError for a stale plan, Cancelled); the caller's
    rollback then leaves no trace.
    """
    operator = operator if operator is not None else operator_name()
    applied_here = False
    try:
        with gc_paused():  # one pause over both steps: the import's objects stay until the end
            # The groups' cold start before the import: one that crosses the line lifts or
            # lowers everyone in it.
            existing = [c.community_id for c in plan.communities if c.community_id is not None]
            cold_before = cold_start_states(session, existing)
            imported = apply_import(
                session, plan, operator=operator, progress=progress, cancelled=cancelled
            )
            applied_here = True
            imported = record_opening_balances(session, plan, imported, operator=operator)
            referrals = inviters_become_edges(session, imported, operator=operator)
            levels = recompute_after_moves(
                session, imported.moved_member_ids, cold_before, operator=operator
            )
    except BaseException:
        if (
            applied_here
        ):  # a later step failed and the caller rolls back: the preview may be tried again
            forget_applied(plan)
        raise
    return MembersImported(imported, levels, referrals)
