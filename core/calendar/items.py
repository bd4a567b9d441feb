"""Content items: create, edit, move, delete (with what undo needs), results, and the list of
a date range.

An item is planned for one or more communities; status moves live in status.py. Sent items
keep what was sent: their title, body, type and time no longer change (results and notes do).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.calendar.history import record
from core.calendar.labels import KIND_LABELS, STATUS_LABELS, default_promotional, kind_key
from core.calendar.settings import approval_required
from core.common.dates import check_year
from core.common.errors import UserError
from core.common.ids import is_row_id
from core.common.operator import operator_name
from core.common.text import msg
from db.bounds import MAX_MONEY_CENTS
from db.calendar_models import (
    MAX_COUNT,
    MAX_TITLE_CHARS,
    SENT_STATUSES,
    ContentItem,
    ContentItemCommunity,
    SopException,
)
from db.material_models import ContentItemMaterial, Material
from db.models import Community
from db.referral_models import Campaign

MAX_BODY_CHARS = 20_000
MAX_NOTES_CHARS = 5_000


class _Unchanged:
    """edit_item's default for a field whose None is a value (campaign_id=None: no campaign)."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()


@dataclass
class ItemRow:
    """An item as lists and the CLI show it (reviewer notes stay out: they are never sent)."""

    id: int
    title: str
    kind: str
    kind_label: str
    body: str
    planned_at: datetime
    owner: str
    status: str
    status_label: str
    promotional: bool
    campaign_id: int | None
    sop_template_id: int | None
    sent_at: datetime | None
    sent_by: str | None
    overdue: bool
    community_ids: list[int] = field(default_factory=list)
    communities: list[str] = field(default_factory=list)
    evergreen: bool = False  # 常青: may be planned again once sent (evergreen.py)


def find_item(session: Session, text: str | int) -> ContentItem:
    text = str(text).strip().removeprefix("#")
    item = session.get(ContentItem, int(text)) if is_row_id(text) else None
    if item is None:
        raise UserError(msg("没有编号为「{text}」的内容", text=text[:40]))
    return item


def _title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise UserError(msg("请写内容标题"))
    if len(title) > MAX_TITLE_CHARS:
        raise UserError(msg("内容标题太长（最多 {limit} 个字）", limit=MAX_TITLE_CHARS))
    return title


def _text(value: str | None, limit: int, what: str) -> str:
    value = value or ""
    if len(value) > limit:
        raise UserError(msg("{what}太长（最多 {limit} 个字）", what=what, limit=limit))
    return value


def _communities(session: Session, ids: Iterable[int]) -> list[int]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = set(
        session.scalars(
            select(Community.id).where(Community.id.in_(ids), Community.deleted_at.is_(None))
        )
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise UserError(msg("没有编号为 {id} 的社群", id=missing[0]))
    return ids


def _campaign(session: Session, campaign_id: int | None) -> int | None:
    if campaign_id is not None and session.get(Campaign, campaign_id) is None:
        raise UserError(msg("没有编号为 {id} 的活动", id=campaign_id))
    return campaign_id


def _not_sent(item: ContentItem, what: str) -> None:
    if item.status in SENT_STATUSES:
        raise UserError(
            msg(
                "内容 #{id}「{title}」已发送，不能再{what}", id=item.id, title=item.title, what=what
            )
        )


def create_item(
    session: Session,
    title: str,
    *,
    planned_at: datetime,
    kind: str = "text",
    body: str = "",
    community_ids: Iterable[int] = (),
    owner: str | None = None,
    promotional: bool | None = None,
    campaign_id: int | None = None,
    notes: str = "",
    evergreen: bool = False,
    now: datetime | None = None,
) -> ContentItem:
    """A new item, as 草稿 (status.py moves it on)."""
    now = now or datetime.now()
    kind = kind_key(kind)
    title = _title(title)
    body = _text(body, MAX_BODY_CHARS, msg("正文"))
    if planned_at is None:
        raise UserError(msg("请给出计划发送时间"))
    check_year(planned_at)
    ids = _communities(session, community_ids)
    who = operator_name()
    item = ContentItem(
        title=title,
        kind=kind,
        body=body,
        planned_at=planned_at.replace(microsecond=0),
        owner=(owner or who).strip()[:100],
        status="draft",
        promotional=default_promotional(kind, title, body) if promotional is None else promotional,
        notes=_text(notes, MAX_NOTES_CHARS, msg("备注")),
        campaign_id=_campaign(session, campaign_id),
        evergreen=evergreen,
        created_at=now,
        created_by=who,
        updated_at=now,
    )
    return add_item(session, item, ids)


def add_item(
    session: Session, item: ContentItem, community_ids: Iterable[int], reason: str = ""
) -> ContentItem:
    """A new item written, sent to its communities, and its history begun (created by its
    creator, at its creation time)."""
    session.add(item)
    session.flush()
    session.add_all(ContentItemCommunity(item_id=item.id, community_id=c) for c in community_ids)
    record(session, item, "created", now=item.created_at, who=item.created_by, reason=reason)
    return item


def community_ids_of(session: Session, item_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ContentItemCommunity.community_id)
            .where(ContentItemCommunity.item_id == item_id)
            .order_by(ContentItemCommunity.community_id)
        )
    )


def edit_item(
    session: Session,
    item_id: int,
    *,
    title: str | None = None,
    kind: str | None = None,
    body: str | None = None,
    community_ids: Iterable[int] | None = None,
    owner: str | None = None,
    promotional: bool | None = None,
    campaign_id: int | _Unchanged | None = UNCHANGED,
    notes: str | None = None,
    evergreen: bool | None = None,
    now: datetime | None = None,
) -> ContentItem:
    """Change what is given (None leaves a field as it is, except campaign_id: None takes the
    item out of its campaign). Content an approver saw goes back to 待审核 when it changes."""
    now = now or datetime.now()
    item = find_item(session, item_id)
    changes_content = any(v is not None for v in (title, kind, body, community_ids))
    if changes_content:
        _not_sent(item, msg("修改内容"))
    if title is not None:
        item.title = _title(title)
    if kind is not None:
        item.kind = kind_key(kind)
    if body is not None:
        item.body = _text(body, MAX_BODY_CHARS, msg("正文"))
    if owner is not None:
        item.owner = owner.strip()[:100]
    if promotional is not None:
        item.promotional = promotional
    if campaign_id is not UNCHANGED:
        item.campaign_id = _campaign(session, campaign_id)
    if notes is not None:
        item.notes = _text(notes, MAX_NOTES_CHARS, msg("备注"))
    if evergreen is not None:
        item.evergreen = evergreen
    if community_ids is not None:
        ids = _communities(session, community_ids)
        session.execute(
            delete(ContentItemCommunity).where(
                ContentItemCommunity.item_id == item.id,
                ContentItemCommunity.community_id.not_in(ids),
            )
        )
        have = set(community_ids_of(session, item.id))
        session.add_all(
            ContentItemCommunity(item_id=item.id, community_id=c) for c in ids if c not in have
        )
    before = item.status
    if changes_content and item.status == "scheduled" and approval_required(session):
        item.status = "pending_review"
    item.updated_at = now
    record(session, item, "edited", now=now, from_status=before)
    return item


def move_item(
    session: Session, item_id: int, planned_at: datetime, now: datetime | None = None
) -> datetime:
    """Reschedule an item; returns the old time, so undo moves it back."""
    now = now or datetime.now()
    item = find_item(session, item_id)
    _not_sent(item, msg("改时间"))
    if planned_at is None:
        raise UserError(msg("请给出计划发送时间"))
    check_year(planned_at)
    old = item.planned_at
    item.planned_at = planned_at.replace(microsecond=0)
    item.updated_at = now
    record(
        session,
        item,
        "moved",
        now=now,
        from_status=item.status,
        reason=f"{old:%Y-%m-%d %H:%M} → {item.planned_at:%Y-%m-%d %H:%M}",
    )
    return old


@dataclass
class DeletedItem:
    """What undo needs to put a deleted item back as it was."""

    values: dict
    community_ids: list[int]
    material_ids: list[int] = field(default_factory=list)  # its attachments, in order


_KEPT = (
    "title", "kind", "body", "planned_at", "owner", "status", "promotional", "replies", "joins",
    "sales_cents", "notes", "reviewer_notes", "campaign_id", "sop_template_id", "sop_occurrence",
    "created_at", "created_by", "evergreen", "recycled_from_id",
)  # fmt: skip


def delete_item(session: Session, item_id: int, now: datetime | None = None) -> DeletedItem:
    """Delete an unsent item. One made by an SOP is remembered as skipped, so generating the
    plan again does not bring it back."""
    now = now or datetime.now()
    item = find_item(session, item_id)
    _not_sent(item, msg("删除这条内容"))
    kept = DeletedItem(
        {name: getattr(item, name) for name in _KEPT},
        community_ids_of(session, item.id),
        list(
            session.scalars(
                select(ContentItemMaterial.material_id)
                .where(ContentItemMaterial.item_id == item.id)
                .order_by(ContentItemMaterial.position)
            )
        ),
    )
    if item.sop_template_id is not None:
        key = (item.sop_template_id, item.sop_occurrence)
        exception = session.get(SopException, key)
        if exception is None:
            session.add(
                SopException(
                    template_id=key[0], occurrence=key[1], action="skip", at=now,
                    who=operator_name(),
                )
            )  # fmt: skip
        else:
            exception.action, exception.planned_at = "skip", None
            exception.title = exception.body = None
    session.delete(item)
    session.flush()
    return kept


def restore_item(session: Session, kept: DeletedItem, now: datetime | None = None) -> ContentItem:
    """Undo of delete_item: the item back (a new number), its SOP occurrence no longer skipped."""
    now = now or datetime.now()
    values = kept.values
    if values["sop_template_id"] is not None:
        exception = session.get(SopException, (values["sop_template_id"], values["sop_occurrence"]))
        if exception is not None and exception.action == "skip":
            session.delete(exception)
    item = ContentItem(**values, updated_at=now)
    session.add(item)
    session.flush()
    ids = _communities(session, kept.community_ids)
    session.add_all(ContentItemCommunity(item_id=item.id, community_id=c) for c in ids)
    # Attachments back too, those still in the 素材库.
    there = set(session.scalars(select(Material.id).where(Material.id.in_(kept.material_ids))))
    session.add_all(
        ContentItemMaterial(item_id=item.id, material_id=mid, position=n)
        for n, mid in enumerate(m for m in kept.material_ids if m in there)
    )
    record(session, item, "created", now=now, reason="undo")
    return item


def set_results(
    session: Session,
    item_id: int,
    *,
    replies: int | None = None,
    joins: int | None = None,
    sales_cents: int | None = None,
    now: datetime | None = None,
) -> ContentItem:
    """Results of a sent item: replies, joins and sales (fen)."""
    item = find_item(session, item_id)
    if item.status not in SENT_STATUSES:
        raise UserError(msg("内容 #{id} 还没有发送，没有结果可记", id=item.id))
    for value, limit, what in (
        (replies, MAX_COUNT, msg("回复数")),
        (joins, MAX_COUNT, msg("进群人数")),
        (sales_cents, MAX_MONEY_CENTS, msg("销售额（分）")),
    ):
        if value is not None and not 0 <= value <= limit:
            raise UserError(msg("{what}应在 0 到 {limit} 之间", what=what, limit=limit))
    if replies is not None:
        item.replies = replies
    if joins is not None:
        item.joins = joins
    if sales_cents is not None:
        item.sales_cents = sales_cents
    item.updated_at = now or datetime.now()
    return item


def planned_in(query, start: datetime | None, end: datetime | None, community_id: int | None):
    """`query` narrowed to the items planned in [start, end) (None: open) for one community
    (None: all): the list, the .ics, the .csv export and the results (reports) read the same
    items."""
    if start is not None:
        query = query.where(ContentItem.planned_at >= start)
    if end is not None:
        query = query.where(ContentItem.planned_at < end)
    if community_id is not None:
        query = query.where(
            ContentItem.id.in_(
                select(ContentItemCommunity.item_id).where(
                    ContentItemCommunity.community_id == community_id
                )
            )
        )
    return query


def list_items(
    session: Session,
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    community_id: int | None = None,
    now: datetime | None = None,
) -> list[ItemRow]:
    """Items planned in [start, end), oldest first, each with its communities: one query, a
    row per item and community (the month view's read, bench/calendar_sop.py)."""
    now = now or datetime.now()
    query = (
        select(
            ContentItem.id,
            ContentItem.title,
            ContentItem.kind,
            ContentItem.body,
            ContentItem.planned_at,
            ContentItem.owner,
            ContentItem.status,
            ContentItem.promotional,
            ContentItem.campaign_id,
            ContentItem.sop_template_id,
            ContentItem.sent_at,
            ContentItem.sent_by,
            ContentItem.evergreen,
            Community.id,
            Community.name,
        )
        .outerjoin(ContentItemCommunity, ContentItemCommunity.item_id == ContentItem.id)
        .outerjoin(Community, Community.id == ContentItemCommunity.community_id)
        .order_by(ContentItem.planned_at, ContentItem.id, Community.id)
    )
    query = planned_in(query, start, end, community_id)
    found: list[ItemRow] = []
    last = None
    for (
        iid, title, kind, body, planned_at, owner, status, promotional, campaign_id,
        template_id, sent_at, sent_by, evergreen, cid, name,
    ) in session.execute(query):  # fmt: skip
        if last is None or last.id != iid:
            last = ItemRow(
                iid, title, kind, KIND_LABELS[kind], body, planned_at, owner, status,
                STATUS_LABELS[status], promotional, campaign_id, template_id, sent_at, sent_by,
                status not in SENT_STATUSES and planned_at < now, [], [], evergreen,
            )  # fmt: skip
            found.append(last)
        if cid is not None:
            last.community_ids.append(cid)
            last.communities.append(name)
    return found
