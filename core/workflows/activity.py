"""New activity, and what follows from it: record the events (activity), apply the earn
rules to them (ledger), then recalculate the levels of the members touched (tiers), all in
the caller's transaction. Points come before levels, which may count the points just earned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from core.activity.importing import ActivityImportPlan, apply_activity_import
from core.activity.paste import PastePlan, apply_paste
from core.activity.record import NewEvent, RecordResult, record_events
from core.ledger.awards import award_for_activities
from core.tiers.recompute import RecomputeResult, recompute_levels


@dataclass
class ActivityRecorded:
    """What recording did, with the points and level changes that followed."""

    recorded: RecordResult
    points_entries: int = 0  # ledger entries the earn rules wrote
    levels: RecomputeResult = field(default_factory=RecomputeResult)

    @property
    def added(self) -> int:
        return self.recorded.added

    @property
    def skipped(self) -> int:
        return self.recorded.skipped

    @property
    def member_ids(self) -> list[int]:
        return self.recorded.member_ids


def points_and_levels_follow(
    session: Session, recorded: RecordResult, *, now: datetime | None = None
) -> ActivityRecorded:
    """Apply the earn rules to the new records, then recalculate the touched levels."""
    if not recorded.event_ids:
        return ActivityRecorded(recorded)
    points = award_for_activities(session, recorded.event_ids, now=now)
    levels = recompute_levels(session, recorded.member_ids, now=now)
    return ActivityRecorded(recorded, points, levels)


def record_activity(
    session: Session, events: list[NewEvent], *, source: str, now: datetime | None = None
) -> ActivityRecorded:
    """Quick entry (记录行为) and every other list of events."""
    recorded = record_events(session, events, source=source)
    return points_and_levels_follow(session, recorded, now=now)


def record_paste(
    session: Session, plan: PastePlan, *, now: datetime | None = None
) -> ActivityRecorded:
    """A pasted 接龙's check-ins."""
    return points_and_levels_follow(session, apply_paste(session, plan), now=now)


def record_activity_import(
    session: Session, plan: ActivityImportPlan, *, now: datetime | None = None
) -> ActivityRecorded:
    """An activity spreadsheet's records."""
    return points_and_levels_follow(session, apply_activity_import(session, plan), now=now)
