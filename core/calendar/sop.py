"""SOP templates: recurring plans generated into content items some weeks ahead, one occurrence
skipped or edited, and relative plans (steps after a join or a new group; relative.py reads
those into today's lines).

Generating is idempotent: an item remembers its template and the occurrence it stands for
(UNIQUE in the database), an occurrence deleted or skipped is remembered as an exception, so
generating the same weeks twice adds nothing and never brings back what the operator removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import DateTime, String, cast, func, insert, null, select
from sqlalchemy.orm import Session

from core.calendar.items import _communities, _text, _title
from core.calendar.labels import default_promotional, kind_key, sop_kind_key
from core.calendar.limits import Overrun, overruns
from core.calendar.recurrence import Rule, is_occurrence, occurrences, parse_rule
from core.calendar.settings import approval_required
from core.common.errors import UserError
from core.common.ids import is_row_id
from core.common.operator import operator_name
from core.common.text import msg
from db.bulk import insert_tuples
from db.calendar_models import (
    MAX_STEP_DAY,
    MAX_TITLE_CHARS,
    MINUTES_PER_DAY,
    SENT_STATUSES,
    ContentItem,
    ContentItemCommunity,
    SopException,
    SopStep,
    SopTemplate,
    SopTemplateCommunity,
)

MAX_WEEKS = 104


@dataclass(frozen=True)
class StepSpec:
    """One day of a relative SOP: day N after the anchor, inside a send window (minutes)."""

    day: int
    title: str
    kind: str = "text"
    body: str = ""
    window_start: int = 9 * 60
    window_end: int = 21 * 60


def find_template(session: Session, text: str) -> SopTemplate:
    text = (text or "").strip().removeprefix("#")
    if not text:
        raise UserError(msg("请给出 SOP 模板编号或名称"))
    template = session.get(SopTemplate, int(text)) if is_row_id(text) else None
    if template is None:
        template = session.scalar(select(SopTemplate).where(SopTemplate.name == text))
    if template is None:
        raise UserError(msg("没有编号或名称为「{text}」的 SOP 模板", text=text[:40]))
    return template


def rule_of(template: SopTemplate) -> Rule:
    return Rule(template.rrule or "", template.end_count, template.end_on)


def template_community_ids(session: Session, template_id: int) -> list[int]:
    return list(
        session.scalars(
            select(SopTemplateCommunity.community_id)
            .where(SopTemplateCommunity.template_id == template_id)
            .order_by(SopTemplateCommunity.community_id)
        )
    )


def add_communities(session: Session, template: SopTemplate, community_ids: Iterable[int]) -> None:
    have = set(template_community_ids(session, template.id))
    for cid in _communities(session, community_ids):
        if cid not in have:
            session.add(SopTemplateCommunity(template_id=template.id, community_id=cid))
    session.flush()


def _step(spec: StepSpec) -> StepSpec:
    if not 0 <= spec.day <= MAX_STEP_DAY:
        raise UserError(msg("第几天应在 0 到 {limit} 之间", limit=MAX_STEP_DAY))
    if not 0 <= spec.window_start < spec.window_end <= MINUTES_PER_DAY:
        raise UserError(msg("发送时段应在一天之内，且开始早于结束"))
    return spec


def create_template(
    session: Session,
    name: str,
    *,
    sop_kind: str = "periodic",
    rule: str | None = None,
    starts_at: datetime | None = None,
    end_count: int | None = None,
    end_on: date | None = None,
    anchor: str | None = None,
    steps: Iterable[StepSpec] = (),
    title: str = "",
    content_kind: str = "text",
    body: str = "",
    promotional: bool | None = None,
    community_ids: Iterable[int] = (),
    owner: str | None = None,
    notes: str = "",
    builtin: bool = False,
    now: datetime | None = None,
) -> SopTemplate:
    """A recurring template (rule + starts_at) or, with `anchor`, a relative one (steps)."""
    now = now or datetime.now()
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise UserError(msg("SOP 模板名称应为 1 到 100 个字"))
    if session.scalar(select(SopTemplate.id).where(SopTemplate.name == name)) is not None:
        raise UserError(msg("已有名为「{name}」的 SOP 模板", name=name))
    content_kind = kind_key(content_kind)
    template = SopTemplate(
        name=name,
        sop_kind=sop_kind_key(sop_kind),
        content_kind=content_kind,
        body=_text(body, 20_000, msg("正文")),
        owner=(owner or operator_name()).strip()[:100],
        notes=notes,
        builtin=builtin,
        archived=False,
        created_at=now,
    )
    if anchor is None:
        if starts_at is None:
            raise UserError(msg("请给出第一次的时间（开始时间）"))
        checked = parse_rule(rule, starts_at, end_count=end_count, end_on=end_on)
        template.mode, template.rrule = "recurring", checked.text
        template.starts_at = starts_at.replace(second=0, microsecond=0)
        template.end_count, template.end_on = checked.end_count, checked.end_on
        template.title = _title(title or name)
    else:
        if anchor not in ("member_joined", "community_created"):
            raise UserError(msg("相对 SOP 须从入群或建群算起"))
        template.mode, template.anchor, template.title = "relative", anchor, (title or name)[:200]
    template.promotional = (
        default_promotional(content_kind, title, body) if promotional is None else promotional
    )
    session.add(template)
    session.flush()
    for spec in steps:
        spec = _step(spec)
        session.add(
            SopStep(
                template_id=template.id,
                day=spec.day,
                title=_title(spec.title),
                content_kind=kind_key(spec.kind),
                body=spec.body,
                window_start=spec.window_start,
                window_end=spec.window_end,
            )
        )
    add_communities(session, template, community_ids)
    return template


def steps_of(session: Session, template_id: int) -> list[SopStep]:
    return list(
        session.scalars(
            select(SopStep).where(SopStep.template_id == template_id).order_by(SopStep.day)
        )
    )


def list_templates(session: Session, *, archived: bool = False) -> list[SopTemplate]:
    query = select(SopTemplate).order_by(SopTemplate.id)
    if not archived:
        query = query.where(SopTemplate.archived.is_(False))
    return list(session.scalars(query))


def _recurring(template: SopTemplate) -> None:
    if template.mode != "recurring":
        raise UserError(
            msg(
                "「{name}」是相对 SOP（按入群、建群天数），不生成内容：提醒每天出现在今日待发里",
                name=template.name,
            )
        )


def _occurrence(template: SopTemplate, occurrence: datetime) -> datetime:
    _recurring(template)
    occurrence = occurrence.replace(microsecond=0)
    if not is_occurrence(rule_of(template), template.starts_at, occurrence):
        raise UserError(
            msg(
                "{when} 不是「{name}」的一次（看它的重复规则）",
                when=f"{occurrence:%Y-%m-%d %H:%M}",
                name=template.name,
            )
        )
    return occurrence


def _generated(session: Session, template: SopTemplate, occurrence: datetime):
    item = session.scalar(
        select(ContentItem).where(
            ContentItem.sop_template_id == template.id, ContentItem.sop_occurrence == occurrence
        )
    )
    if item is not None and item.status in SENT_STATUSES:
        raise UserError(msg("这一次已经发送，不能再跳过或修改"))
    return item


def _exception(
    session: Session, template_text: str, occurrence: datetime, action: str, now: datetime
):
    """One occurrence's exception, found or made, stamped with `action`, and the occurrence's
    unsent generated item (None: there is none)."""
    template = find_template(session, template_text)
    occurrence = _occurrence(template, occurrence)
    item = _generated(session, template, occurrence)
    exception = session.get(SopException, (template.id, occurrence))
    if exception is None:
        exception = SopException(template_id=template.id, occurrence=occurrence)
        session.add(exception)
    exception.action = action
    exception.at, exception.who = now, operator_name()
    return exception, item


def skip_occurrence(
    session: Session, template_text: str, occurrence: datetime, now: datetime | None = None
) -> None:
    """Skip one occurrence: its unsent item goes, and generating never brings it back."""
    now = now or datetime.now()
    exception, item = _exception(session, template_text, occurrence, "skip", now)
    exception.planned_at = exception.title = exception.body = None
    if item is not None:
        session.delete(item)
    session.flush()


def edit_occurrence(
    session: Session,
    template_text: str,
    occurrence: datetime,
    *,
    planned_at: datetime | None = None,
    title: str | None = None,
    body: str | None = None,
    now: datetime | None = None,
) -> None:
    """Move or reword one occurrence; the rest of the series stays as it is."""
    now = now or datetime.now()
    exception, item = _exception(session, template_text, occurrence, "edit", now)
    exception.planned_at = planned_at.replace(microsecond=0) if planned_at else None
    exception.title = _title(title) if title is not None else None
    exception.body = body
    if item is not None:
        if exception.planned_at is not None:
            item.planned_at = exception.planned_at
        if exception.title is not None:
            item.title = exception.title
        if body is not None:
            item.body = body
        item.updated_at = now
    session.flush()


def _edited_bodies(session: Session, template_id: int, exceptions: dict) -> dict:
    """The reworded bodies of edited occurrences (bodies stay out of the one query above:
    a UNION needs one type per column, and they are few)."""
    edited = [o for o, row in exceptions.items() if row[1] == "edit"]
    if not edited:
        return {}
    return {
        occurrence: body
        for occurrence, body in session.execute(
            select(SopException.occurrence, SopException.body).where(
                SopException.template_id == template_id,
                SopException.occurrence.in_(edited),
                SopException.body.is_not(None),
            )
        )
    }


@dataclass
class ApplyResult:
    template_id: int
    template: str
    start: datetime
    end: datetime
    added: int = 0
    existing: int = 0
    skipped: int = 0
    edited: int = 0
    communities: int = 0
    linked: int = 0  # communities added to items generated before (a group new to the SOP)
    overruns: list[Overrun] = field(default_factory=list)


def _link_new_communities(
    session: Session, template_id: int, start: datetime, end: datetime
) -> int:
    """Unsent items generated before (in [start, end)) also go to communities added to the
    template since: one INSERT … SELECT of the missing (item, community) pairs."""
    missing = (
        select(ContentItem.id, SopTemplateCommunity.community_id)
        .join(SopTemplateCommunity, SopTemplateCommunity.template_id == ContentItem.sop_template_id)
        .where(
            ContentItem.sop_template_id == template_id,
            ContentItem.sop_occurrence >= start,
            ContentItem.sop_occurrence < end,
            ContentItem.status.not_in(SENT_STATUSES),
            ~select(ContentItemCommunity.item_id)
            .where(
                ContentItemCommunity.item_id == ContentItem.id,
                ContentItemCommunity.community_id == SopTemplateCommunity.community_id,
            )
            .exists(),
        )
    )
    # Counted first (usually nothing is missing); SQLAlchemy 2.1 does not report an INSERT's
    # rowcount on PostgreSQL.
    count = session.scalar(select(func.count()).select_from(missing.subquery()))
    if count:
        session.execute(
            insert(ContentItemCommunity).from_select(["item_id", "community_id"], missing)
        )
    return count


def apply_template(
    session: Session,
    template_text: str,
    *,
    weeks: int,
    community_ids: Iterable[int] = (),
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ApplyResult:
    """Generate the template's items for the next `weeks` weeks (communities given are added
    to the template's). Occurrences already generated or skipped are left alone."""
    now = (now or datetime.now()).replace(second=0, microsecond=0)
    if not 1 <= weeks <= MAX_WEEKS:
        raise UserError(msg("周数应在 1 到 {limit} 之间", limit=MAX_WEEKS))
    template = find_template(session, template_text)
    _recurring(template)
    if template.archived:
        raise UserError(msg("SOP 模板「{name}」已停用", name=template.name))
    if community_ids:
        add_communities(session, template, community_ids)
    cids = template_community_ids(session, template.id)
    if not cids:
        raise UserError(msg("SOP 模板「{name}」还没有目标社群：请指定社群", name=template.name))
    end = now + timedelta(weeks=weeks)
    result = ApplyResult(template.id, template.name, now, end, communities=len(cids))
    wanted = occurrences(rule_of(template), template.starts_at, now, end)
    # What is there already, in one query: occurrences generated (sent or not) and exceptions.
    known = session.execute(
        select(
            ContentItem.sop_occurrence,
            cast(null(), String(5)),
            cast(null(), DateTime),
            cast(null(), String(MAX_TITLE_CHARS)),
        )
        .where(
            ContentItem.sop_template_id == template.id,
            ContentItem.sop_occurrence >= now,
            ContentItem.sop_occurrence < end,
        )
        .union_all(
            select(
                SopException.occurrence,
                SopException.action,
                SopException.planned_at,
                SopException.title,
            ).where(
                SopException.template_id == template.id,
                SopException.occurrence >= now,
                SopException.occurrence < end,
            )
        )
    ).all()
    have = {occurrence for occurrence, action, _, _ in known if action is None}
    if have:
        result.linked = _link_new_communities(session, template.id, now, end)
    exceptions = {row[0]: row for row in known if row[1] is not None}
    bodies = _edited_bodies(session, template.id, exceptions)
    status = "pending_review" if approval_required(session) else "scheduled"
    who = operator_name()
    columns = (
        "title", "kind", "body", "planned_at", "owner", "status", "promotional", "notes",
        "reviewer_notes", "sop_template_id", "sop_occurrence", "created_at", "created_by",
        "updated_at",
    )  # fmt: skip
    # The template's values read once, not as ORM attributes per row (a year of daily items
    # for 300 groups read them 900,000 times).
    title, kind, body, owner = template.title, template.content_kind, template.body, template.owner
    promotional, template_id = template.promotional, template.id
    rows = []
    for occurrence in wanted:
        if occurrence in have:
            result.existing += 1
            continue
        exception = exceptions.get(occurrence)
        if exception is None:
            rows.append(
                (title, kind, body, occurrence, owner, status, promotional, "", "", template_id,
                 occurrence, now, who, now)
            )  # fmt: skip
            continue
        if exception[1] == "skip":
            result.skipped += 1
            continue
        result.edited += 1
        edited_body = bodies.get(occurrence)
        rows.append(
            (exception[3] or title, kind, body if edited_body is None else edited_body,
             exception[2] or occurrence, owner, status, promotional, "", "", template_id,
             occurrence, now, who, now)
        )  # fmt: skip
    result.added = len(rows)
    if rows:
        # Set-based: the items straight to the driver (db/bulk.py: executemany on SQLite, COPY
        # on PostgreSQL; the ORM's per-row work was most of the time of a year of items for
        # hundreds of communities), then every target row in one INSERT … SELECT inside the
        # database. New items are those of this template above the highest id before: ids only
        # grow, and another transaction's items for this template would break the UNIQUE
        # (template, occurrence). Who generated them and when is in their created_by /
        # created_at: no history row each (their history starts at a change).
        session.flush()
        connection = session.connection()
        before = session.scalar(select(func.max(ContentItem.id))) or 0
        insert_tuples(connection, ContentItem.__table__, columns, rows)
        session.execute(
            insert(ContentItemCommunity).from_select(
                ["item_id", "community_id"],
                select(ContentItem.id, SopTemplateCommunity.community_id)
                .join(
                    SopTemplateCommunity,
                    SopTemplateCommunity.template_id == ContentItem.sop_template_id,
                )
                .where(ContentItem.sop_template_id == template.id, ContentItem.id > before),
            )
        )
        if progress:
            progress(len(rows) * len(cids), len(rows) * len(cids))
    if template.promotional:
        result.overruns = overruns(session, now.date(), end.date(), cids)
    return result
