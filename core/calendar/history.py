"""The item history (content_item_history): who did what, when, from which status, and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.operator import operator_name
from db.calendar_models import ContentItem, ContentItemHistory


def record(
    session: Session,
    item: ContentItem,
    action: str,
    *,
    now: datetime,
    who: str | None = None,
    from_status: str | None = None,
    reason: str = "",
) -> None:
    session.add(
        ContentItemHistory(
            item_id=item.id,
            at=now,
            who=operator_name() if who is None else who,
            action=action,
            from_status=from_status,
            to_status=item.status,
            reason=reason,
        )
    )


def history_of(session: Session, item_id: int) -> list[ContentItemHistory]:
    return list(
        session.scalars(
            select(ContentItemHistory)
            .where(ContentItemHistory.item_id == item_id)
            .order_by(ContentItemHistory.id)
        )
    )
