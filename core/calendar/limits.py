"""Daily limits on promotional items per community: warn before a plan exceeds them.

Too many 广告 a day is how groups go quiet or get reported; the limit is a setting (default 1
a day, a community may have its own, settings.py). Every planned item counts, sent or not,
since the warning is about the plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.calendar.settings import promo_limits
from core.common.text import msg
from db.calendar_models import ContentItem, ContentItemCommunity
from db.models import Community


@dataclass(frozen=True)
class Overrun:
    community_id: int
    community: str
    day: date
    count: int
    limit: int

    @property
    def message(self) -> str:
        return msg(
            "「{community}」{day} 有 {count} 条推广内容，超过每天 {limit} 条的上限",
            community=self.community,
            day=self.day.isoformat(),
            count=self.count,
            limit=self.limit,
        )


def _counts(
    session: Session, community_ids: Iterable[int], start: date, end: date, skip: int | None
) -> Counter:
    """Promotional items per (community, day) in [start, end]."""
    query = (
        select(ContentItemCommunity.community_id, ContentItem.planned_at)
        .join(ContentItem, ContentItem.id == ContentItemCommunity.item_id)
        .where(
            ContentItem.promotional.is_(True),
            ContentItem.planned_at >= datetime.combine(start, time.min),
            ContentItem.planned_at < datetime.combine(end + timedelta(days=1), time.min),
            ContentItemCommunity.community_id.in_(list(community_ids)),
        )
    )
    if skip is not None:
        query = query.where(ContentItem.id != skip)
    return Counter((cid, when.date()) for cid, when in session.execute(query))


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    query = select(Community.id, Community.name).where(Community.id.in_(list(ids)))
    return {cid: name for cid, name in session.execute(query)}


def check_plan(
    session: Session,
    planned_at: datetime,
    community_ids: Iterable[int],
    *,
    item_id: int | None = None,
) -> list[Overrun]:
    """Would one more promotional item at `planned_at` (or item `item_id` moved there) go past
    a community's limit that day? The overruns it would cause; empty when it fits."""
    ids = list(community_ids)
    if not ids:
        return []
    default, own = promo_limits(session)
    day = planned_at.date()
    counts = _counts(session, ids, day, day, item_id)
    names = _names(session, ids)
    found = []
    for cid in ids:
        limit, count = own.get(cid, default), counts[(cid, day)] + 1
        if count > limit:
            found.append(Overrun(cid, names.get(cid, ""), day, count, limit))
    return found


def overruns(
    session: Session, start: date, end: date, community_ids: Iterable[int] | None = None
) -> list[Overrun]:
    """Every (community, day) in [start, end] already past its limit."""
    if community_ids is None:
        community_ids = session.scalars(select(Community.id))
    ids = list(community_ids)
    default, own = promo_limits(session)
    counts = _counts(session, ids, start, end, None)
    names = _names(session, {cid for cid, _ in counts})
    return [
        Overrun(cid, names.get(cid, ""), day, count, own.get(cid, default))
        for (cid, day), count in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if count > own.get(cid, default)
    ]
