"""常青 (evergreen) content: an item marked evergreen — a guide, a FAQ, a favourite recipe — can
be planned again once it was sent, as a new item that remembers where it came from
(`recycled_from_id`) and is evergreen too.

Where the copy goes:
- N days after the original was sent, at the time of day it was planned for (if that moment
  has passed, the same time on the first day still ahead);
- or into the next free slot of a recurring SOP: the first occurrence from now on with no item
  and no exception (skipped or edited). The copy takes that occurrence (its template and
  occurrence are set), so generating the SOP later sees the slot filled and adds nothing
  there; it goes to the SOP's communities.
The copy is scheduled like generated content (待审核 when approval is on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.calendar.items import add_item, community_ids_of, find_item
from core.calendar.recurrence import occurrences
from core.calendar.settings import approval_required
from core.calendar.sop import MAX_WEEKS, _recurring, find_template, rule_of, template_community_ids
from core.common.errors import UserError
from core.common.operator import operator_name
from core.common.text import msg
from db.calendar_models import SENT_STATUSES, ContentItem, SopException

DEFAULT_AFTER_DAYS = 30
MAX_AFTER_DAYS = 3650


@dataclass
class Recycled:
    item_id: int  # the new item
    from_id: int
    title: str
    planned_at: datetime
    status: str
    template: str | None  # the SOP whose slot it took
    communities: list[int]


def _check(item: ContentItem) -> None:
    if not item.evergreen:
        raise UserError(
            msg("内容 #{id}「{title}」不是常青内容：先标记为常青", id=item.id, title=item.title)
        )
    if item.status not in SENT_STATUSES:
        raise UserError(
            msg("内容 #{id}「{title}」还没有发送：发送后才能再利用", id=item.id, title=item.title)
        )


def _after(item: ContentItem, days: int, now: datetime) -> datetime:
    if not 1 <= days <= MAX_AFTER_DAYS:
        raise UserError(msg("天数应在 1 到 {limit} 之间", limit=MAX_AFTER_DAYS))
    when = datetime.combine(
        (item.sent_at + timedelta(days=days)).date(), item.planned_at.time()
    ).replace(second=0, microsecond=0)
    while when <= now:  # long ago: the first day still ahead, at the same time
        when = datetime.combine(now.date() + timedelta(days=1), when.time())
    return when


def free_slot(session: Session, template_text: str, now: datetime) -> tuple[int, datetime]:
    """(template id, occurrence): the SOP's first occurrence from `now` on with no item and no
    exception, within MAX_WEEKS weeks."""
    template = find_template(session, template_text)
    _recurring(template)
    if template.archived:
        raise UserError(msg("SOP 模板「{name}」已停用", name=template.name))
    end = now + timedelta(weeks=MAX_WEEKS)
    taken = set(
        session.scalars(
            select(ContentItem.sop_occurrence).where(
                ContentItem.sop_template_id == template.id,
                ContentItem.sop_occurrence >= now,
                ContentItem.sop_occurrence < end,
            )
        )
    ) | set(
        session.scalars(
            select(SopException.occurrence).where(
                SopException.template_id == template.id,
                SopException.occurrence >= now,
                SopException.occurrence < end,
            )
        )
    )
    for occurrence in occurrences(rule_of(template), template.starts_at, now, end):
        if occurrence not in taken:
            return template.id, occurrence
    raise UserError(
        msg("SOP 模板「{name}」今后 {weeks} 周没有空位", name=template.name, weeks=MAX_WEEKS)
    )


def recycle(
    session: Session,
    item_id: int | str,
    *,
    after_days: int | None = None,
    sop: str | None = None,
    now: datetime | None = None,
) -> Recycled:
    """Plan a sent evergreen item again: `after_days` after it was sent (default 30), or into
    the next free slot of the SOP `sop`."""
    now = (now or datetime.now()).replace(second=0, microsecond=0)
    original = find_item(session, item_id)
    _check(original)
    if after_days is not None and sop:
        raise UserError(msg("再利用的时间只能选一种：几天后，或 SOP 的下一个空位"))
    template_id = occurrence = None
    template_name = None
    if sop:
        template_id, occurrence = free_slot(session, sop, now)
        planned_at = occurrence
        communities = template_community_ids(session, template_id)
        template_name = find_template(session, str(template_id)).name
    else:
        planned_at = _after(original, DEFAULT_AFTER_DAYS if after_days is None else after_days, now)
        communities = community_ids_of(session, original.id)
    who = operator_name()
    copy = ContentItem(
        title=original.title,
        kind=original.kind,
        body=original.body,
        planned_at=planned_at,
        owner=original.owner,
        status="pending_review" if approval_required(session) else "scheduled",
        promotional=original.promotional,
        notes=str(msg("常青内容再利用：来自 #{id}", id=original.id)),
        evergreen=True,
        recycled_from_id=original.id,
        sop_template_id=template_id,
        sop_occurrence=occurrence,
        created_at=now,
        created_by=who,
        updated_at=now,
    )
    add_item(session, copy, communities, str(msg("常青内容再利用：来自 #{id}", id=original.id)))
    session.flush()
    return Recycled(
        copy.id, original.id, copy.title, copy.planned_at, copy.status, template_name, communities
    )


def set_evergreen(session: Session, item_id: int | str, evergreen: bool = True) -> ContentItem:
    item = find_item(session, item_id)
    item.evergreen = evergreen
    return item
