"""What a period's content did: items planned and sent, and the results recorded on sent items
(replies, joins, sales), for the reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.calendar.items import planned_in
from db.calendar_models import SENT_STATUSES, ContentItem


@dataclass(frozen=True)
class ItemResult:
    id: int
    title: str
    planned_at: datetime
    status: str
    sent: bool
    replies: int | None
    joins: int | None
    sales_cents: int | None


def item_results(
    session: Session, start: datetime, end: datetime, *, community_id: int | None = None
) -> list[ItemResult]:
    """Items planned in [start, end) (for one community when given), oldest first, with their
    status and recorded results."""
    query = select(
        ContentItem.id,
        ContentItem.title,
        ContentItem.planned_at,
        ContentItem.status,
        ContentItem.replies,
        ContentItem.joins,
        ContentItem.sales_cents,
    ).order_by(ContentItem.planned_at, ContentItem.id)
    query = planned_in(query, start, end, community_id)
    return [
        ItemResult(iid, title, planned, status, status in SENT_STATUSES, replies, joins, sales)
        for iid, title, planned, status, replies, joins, sales in session.execute(query)
    ]
