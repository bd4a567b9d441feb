"""Status moves of a content item, the legal steps only:

    草稿 → (待审核 →) 已排期 → 已发送 → 已复盘

With approval on (setting `calendar.approval_required`), 排期 sends a draft to 待审核; the
reviewer approves (→ 已排期) or rejects with a required reason (→ 草稿). Reviewer notes go to
`reviewer_notes`, never into the body that is sent. An item still waiting for review when its
time comes goes back to 草稿 with a note. Every move is kept with who and when (history.py).
Marking sent is today.py's (per community).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.calendar.history import record
from core.calendar.items import find_item
from core.calendar.labels import STATUS_LABELS, status_key
from core.calendar.settings import approval_required
from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.operator import operator_name
from core.common.text import msg
from db.calendar_models import ContentItem

MAX_REASON_CHARS = 500

# Where each status may go next, and the history action of the step.
TRANSITIONS: dict[str, dict[str, str]] = {
    "draft": {"pending_review": "submitted", "scheduled": "scheduled"},
    "pending_review": {"scheduled": "approved", "draft": "rejected"},
    "scheduled": {"draft": "unscheduled", "sent": "sent"},
    "sent": {"reviewed": "reviewed"},
    "reviewed": {},
}
assert set(TRANSITIONS) == set(STATUS_LABELS)


def _move(
    session: Session,
    item: ContentItem,
    to: str,
    *,
    now: datetime,
    reason: str = "",
    who: str | None = None,
    action: str | None = None,
) -> ContentItem:
    allowed = TRANSITIONS[item.status]
    if to not in allowed:
        raise UserError(
            msg(
                "内容 #{id} 现在是「{current}」，不能改为「{target}」；可改为：{choices}",
                id=item.id,
                current=STATUS_LABELS[item.status],
                target=STATUS_LABELS[to],
                choices=joined_list([STATUS_LABELS[s] for s in allowed]) or msg("（无）"),
            )
        )
    before = item.status
    item.status = to
    item.updated_at = now
    record(
        session, item, action or allowed[to], now=now, who=who, from_status=before, reason=reason
    )
    return item


def _reason(reason: str | None, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise UserError(msg("驳回须写明原因"))
    if len(reason) > MAX_REASON_CHARS:
        raise UserError(msg("原因太长（最多 {limit} 个字）", limit=MAX_REASON_CHARS))
    return reason


def _note(item: ContentItem, line: str, now: datetime, who: str) -> None:
    entry = f"[{now:%Y-%m-%d %H:%M} {who}] {line}"
    item.reviewer_notes = f"{item.reviewer_notes}\n{entry}" if item.reviewer_notes else entry


def schedule(session: Session, item_id: int, now: datetime | None = None) -> ContentItem:
    """排期: a draft goes to 已排期, or to 待审核 when approval is on."""
    item = find_item(session, item_id)
    to = "pending_review" if approval_required(session) else "scheduled"
    return _move(session, item, to, now=now or datetime.now())


def _waiting(item: ContentItem) -> None:
    """Approve and reject decide on an item waiting for review, nothing else: approving a draft
    would schedule it past the review, rejecting a scheduled one would unschedule it."""
    if item.status != "pending_review":
        raise UserError(
            msg(
                "内容 #{id} 现在是「{current}」，不在待审核中",
                id=item.id,
                current=STATUS_LABELS[item.status],
            )
        )


def approve(
    session: Session, item_id: int, note: str = "", now: datetime | None = None
) -> ContentItem:
    now = now or datetime.now()
    item = find_item(session, item_id)
    _waiting(item)
    note = _reason(note, required=False)
    _move(session, item, "scheduled", now=now, reason=note)
    if note:
        _note(item, note, now, operator_name())
    return item


def reject(session: Session, item_id: int, reason: str, now: datetime | None = None) -> ContentItem:
    now = now or datetime.now()
    item = find_item(session, item_id)
    reason = _reason(reason, required=True)
    _waiting(item)
    _move(session, item, "draft", now=now, reason=reason)
    _note(item, reason, now, operator_name())
    return item


def unschedule(session: Session, item_id: int, now: datetime | None = None) -> ContentItem:
    return _move(session, find_item(session, item_id), "draft", now=now or datetime.now())


def mark_reviewed(session: Session, item_id: int, now: datetime | None = None) -> ContentItem:
    """复盘 done (results and notes are set with items.set_results / edit_item)."""
    return _move(session, find_item(session, item_id), "reviewed", now=now or datetime.now())


def set_status(
    session: Session, item_id: int, status: str, *, reason: str = "", now: datetime | None = None
) -> ContentItem:
    """One legal step, named by key or label (the command line's and the list's way)."""
    to = status_key(status)
    item = find_item(session, item_id)
    if to == "sent":
        raise UserError(msg("标记已发送请用「标记已发送」（按社群记录发送时间）"))
    if item.status == "pending_review" and to == "draft":
        return reject(session, item.id, reason, now)
    if item.status == "draft" and to == "scheduled" and approval_required(session):
        raise UserError(msg("需要审核：请先提交审核，通过后才排期"))
    return _move(session, item, to, now=now or datetime.now(), reason=reason)


def return_unreviewed(session: Session, now: datetime | None = None) -> list[int]:
    """Items still 待审核 at their time go back to 草稿, with a note; returns their ids."""
    now = now or datetime.now()
    items = session.scalars(
        select(ContentItem)
        .where(ContentItem.status == "pending_review", ContentItem.planned_at <= now)
        .order_by(ContentItem.id)
    ).all()
    why = msg("到计划时间仍未审核，已退回草稿")
    for item in items:
        _move(session, item, "draft", now=now, reason=why, who="", action="returned")
        line = f"[{now:%Y-%m-%d %H:%M}] {why}"
        item.notes = f"{item.notes}\n{line}" if item.notes else line
    return [item.id for item in items]
