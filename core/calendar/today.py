"""Today's due list per community, and marking an item sent (per community: the operator
sends by hand, group after group; the item is 已发送 once every group has it).

An item shows under each community it is still unsent in: due today, or overdue from an
earlier day (those stand out). Items waiting for review show too, marked so, since they
cannot be sent yet. Relative SOPs add their one line per community and step (relative.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.calendar.history import record
from core.calendar.items import find_item
from core.calendar.labels import KIND_LABELS, STATUS_LABELS
from core.calendar.relative import RelativeLine, relative_lines
from core.common.errors import UserError
from core.common.operator import operator_name
from core.common.text import msg
from db.calendar_models import ContentItem, ContentItemCommunity
from db.models import Community

DUE_STATUSES = ("pending_review", "scheduled")


@dataclass
class DueItem:
    id: int
    title: str
    kind: str
    kind_label: str
    body: str  # what is copied: never the reviewer's notes
    planned_at: datetime
    status: str
    status_label: str
    promotional: bool
    overdue: bool
    can_send: bool


@dataclass
class CommunityDay:
    community_id: int
    community: str
    items: list[DueItem] = field(default_factory=list)
    lines: list[RelativeLine] = field(default_factory=list)


def due_today(
    session: Session,
    day: date | None = None,
    *,
    community_id: int | None = None,
    now: datetime | None = None,
) -> list[CommunityDay]:
    """What each community has due on `day` (default today), overdue items first."""
    now = now or datetime.now()
    day = day or now.date()
    end = datetime.combine(day + timedelta(days=1), time.min)
    query = (
        select(
            ContentItemCommunity.community_id,
            Community.name,
            ContentItem.id,
            ContentItem.title,
            ContentItem.kind,
            ContentItem.body,
            ContentItem.planned_at,
            ContentItem.status,
            ContentItem.promotional,
        )
        .join(ContentItem, ContentItem.id == ContentItemCommunity.item_id)
        .join(Community, Community.id == ContentItemCommunity.community_id)
        .where(
            ContentItemCommunity.sent_at.is_(None),
            ContentItem.status.in_(DUE_STATUSES),
            ContentItem.planned_at < end,
            Community.deleted_at.is_(None),
        )
        .order_by(ContentItemCommunity.community_id, ContentItem.planned_at, ContentItem.id)
    )
    if community_id is not None:
        query = query.where(ContentItemCommunity.community_id == community_id)
    days: dict[int, CommunityDay] = {}
    for cid, name, iid, title, kind, body, planned_at, status, promo in session.execute(query):
        entry = days.setdefault(cid, CommunityDay(cid, name))
        entry.items.append(
            DueItem(
                id=iid,
                title=title,
                kind=kind,
                kind_label=KIND_LABELS[kind],
                body=body,
                planned_at=planned_at,
                status=status,
                status_label=STATUS_LABELS[status],
                promotional=promo,
                overdue=planned_at < now,
                can_send=status == "scheduled",
            )
        )
    for line in relative_lines(session, day, community_id):
        days.setdefault(line.community_id, CommunityDay(line.community_id, line.community))
        days[line.community_id].lines.append(line)
    return sorted(days.values(), key=lambda d: d.community_id)


@dataclass
class SentResult:
    item_id: int
    title: str
    communities: list[int]
    status: str
    sent_at: datetime
    remaining: int


def mark_sent(
    session: Session,
    item_id: int | str,
    community_ids: list[int] | None = None,
    *,
    now: datetime | None = None,
) -> SentResult:
    """Record that the item went out to these communities (default: every one left). The item
    becomes 已发送 when no community is left."""
    now = (now or datetime.now()).replace(microsecond=0)
    who = operator_name()
    item = find_item(session, item_id)
    if item.status != "scheduled":
        raise UserError(
            msg(
                "内容 #{id} 现在是「{status}」，只有已排期的内容能标记已发送",
                id=item.id,
                status=STATUS_LABELS[item.status],
            )
        )
    links = {
        link.community_id: link
        for link in session.scalars(
            select(ContentItemCommunity).where(ContentItemCommunity.item_id == item.id)
        )
    }
    unsent = [cid for cid, link in links.items() if link.sent_at is None]
    targets = unsent if community_ids is None else list(dict.fromkeys(community_ids))
    for cid in targets:
        if cid not in links:
            name = session.scalar(select(Community.name).where(Community.id == cid))
            raise UserError(msg("内容 #{id} 不发往社群「{community}」", id=item.id,
                                community=name or f"#{cid}"))  # fmt: skip
        if links[cid].sent_at is not None:
            raise UserError(msg("内容 #{id} 在这个社群已标记发送过", id=item.id))
        links[cid].sent_at, links[cid].sent_by = now, who
    remaining = len(unsent) - len(targets)
    if remaining == 0:
        item.status, item.sent_at, item.sent_by = "sent", now, who
        item.updated_at = now
        record(session, item, "sent", now=now, who=who, from_status="scheduled")
    session.flush()
    return SentResult(item.id, item.title, sorted(targets), item.status, now, remaining)
