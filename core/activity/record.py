"""Record activity (行为记录) — from quick entry, a pasted 接龙 or an import.

Every way in ends here, so the rules hold for all of them: each event names a member who
exists, a kind we know and a time; an event that carries a `source_ref` already recorded is
skipped (pasting the same 接龙 twice adds nothing); members' "last active" moves forward.
What follows from new activity in other features (the earn rules' points, then the levels of
the members touched) is core/workflows/activity.py's: this returns what it recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, case, insert, or_, select, update
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.text import msg
from db.bounds import MAX_MONEY_CENTS
from db.models import ACTIVITY_KINDS, ActivityEvent, Community, Member

MAX_AMOUNT_CENTS = MAX_MONEY_CENTS  # 1000 万元: more is a typing mistake (a CHECK constraint)


@dataclass(frozen=True)
class NewEvent:
    member_id: int
    kind: str
    occurred_at: datetime
    community_id: int | None = None
    amount_cents: int = 0
    source_ref: str | None = None  # the same ref twice is recorded once


@dataclass
class RecordResult:
    added: int = 0
    skipped: int = 0  # already recorded (same source_ref)
    member_ids: list[int] = field(default_factory=list)  # the members with new activity
    event_ids: list[int] = field(default_factory=list)  # the records just added


def _check(session: Session, events: list[NewEvent]) -> None:
    latest = datetime.now().replace(hour=23, minute=59, second=59)  # once, not per event
    for event in events:
        if event.kind not in ACTIVITY_KINDS:
            raise UserError(msg("未知的行为类型：{kind}", kind=event.kind))
        if event.amount_cents < 0 or event.amount_cents > MAX_AMOUNT_CENTS:
            raise UserError(msg("金额必须在 0 到 1000 万元之间"))
        if event.occurred_at > latest:
            raise UserError(
                msg(
                    "行为时间 {date} 在将来，请检查日期",
                    date=event.occurred_at.date().isoformat(),
                )
            )
    member_ids = {event.member_id for event in events}
    found = set(
        session.scalars(
            select(Member.id).where(Member.id.in_(member_ids), Member.merged_into_id.is_(None))
        )
    )
    if missing := member_ids - found:
        raise UserError(
            msg("有 {count} 个成员不存在或已被合并，没有记录任何行为", count=len(missing))
        )
    community_ids = {e.community_id for e in events if e.community_id is not None}
    live = set(
        session.scalars(
            select(Community.id).where(
                Community.id.in_(community_ids), Community.deleted_at.is_(None)
            )
        )
    )
    if community_ids - live:
        raise UserError(msg("所选社群不存在或已删除，没有记录任何行为"))


def _already_recorded(session: Session, refs: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(refs), 5000):
        chunk = refs[start : start + 5000]
        found.update(
            session.scalars(
                select(ActivityEvent.source_ref).where(ActivityEvent.source_ref.in_(chunk))
            )
        )
    return found


def record_events(session: Session, events: list[NewEvent], *, source: str) -> RecordResult:
    """Add the events (all or none: the caller commits); return what was added."""
    _check(session, events)
    refs = [e.source_ref for e in events if e.source_ref]
    done = _already_recorded(session, refs)
    result = RecordResult()
    rows, seen = [], set()
    for event in events:
        ref = event.source_ref
        if ref and (ref in done or ref in seen):
            result.skipped += 1
            continue
        if ref:
            seen.add(ref)
        rows.append(
            {
                "member_id": event.member_id,
                "community_id": event.community_id,
                "kind": event.kind,
                "occurred_at": event.occurred_at,
                "amount_cents": event.amount_cents,
                "source": source,
                "source_ref": ref,
            }
        )
    result.added = len(rows)
    if not rows:
        return result
    table = ActivityEvent.__table__
    result.event_ids = list(session.scalars(insert(table).returning(table.c.id), rows))
    result.member_ids = sorted({row["member_id"] for row in rows})
    _move_last_active(session, rows)
    return result


def _move_last_active(session: Session, rows: list[dict]) -> None:
    """members.last_active_at = their latest non-violation event (never moves backwards).

    Taken from the rows just added, not from all of a member's events: an import that records
    in batches would otherwise read every earlier event again at each batch."""
    latest: dict[int, datetime] = {}
    for row in rows:
        if row["kind"] == "violation":
            continue
        member_id, at = row["member_id"], row["occurred_at"]
        if member_id not in latest or at > latest[member_id]:
            latest[member_id] = at
    if not latest:
        return
    moved = case(
        (
            or_(Member.last_active_at.is_(None), Member.last_active_at < bindparam("at")),
            bindparam("at"),
        ),
        else_=Member.last_active_at,
    )
    session.execute(
        update(Member.__table__)
        .where(Member.__table__.c.id == bindparam("member"))
        .values(last_active_at=moved),
        [{"member": member_id, "at": at} for member_id, at in latest.items()],
    )
