"""Find members: the search box, the filters and the sort order, all as one SQL query.

The members table asks for the ordered ids of every matching member (one query, a few
hundred kilobytes at 100000 members), then loads rows for the ids on screen, a page at a time
(`load_rows`). Sorting and filtering never happen in Python.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Boolean, Integer, Select, and_, bindparam, exists, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from core.common.search_keys import normalize_query
from db.models import Community, Member, Membership, MemberTag, Tag

# Sortable columns: key → the SQL expression (nicknames sort by pinyin, as Chinese users expect).
SORT_KEYS = {
    "nickname": Member.search_pinyin,
    "remark": Member.remark,
    "wechat_id": Member.wechat_id,
    "phone": Member.phone,
    "gender": Member.gender,
    "city": Member.city,
    "source_channel": Member.source_channel,
    "last_active_at": Member.last_active_at,
    "created_at": Member.created_at,
}


@dataclass(frozen=True)
class MemberFilter:
    """What the members tab shows: search text, filters and order."""

    text: str = ""
    community_id: int | None = None
    tag_id: int | None = None
    role: str | None = None  # in the chosen community, or in any community
    level: str | None = None  # a ladder key: in the chosen community, or any current membership
    joined_from: date | None = None
    joined_to: date | None = None  # inclusive
    active_within_days: int | None = None  # active in the last N days
    inactive_for_days: int | None = None  # no activity for N days (or never)
    has_phone: bool | None = None
    include_team: bool = True
    sort_key: str = "nickname"
    descending: bool = False
    now: datetime | None = None  # for tests; defaults to the clock
    # Only these members: a narrowing another feature computes (a segment's members, from
    # core.segments), composed by the caller so that members never import it. Computed once,
    # it serves the first-screen query, the full query and every re-sort.
    member_ids: tuple[int, ...] | None = field(default=None, repr=False, compare=False)


def _membership_condition(spec: MemberFilter):
    """EXISTS over memberships for the community / role / join-date filters, or None."""
    conditions = [Membership.member_id == Member.id]
    if spec.community_id is not None:
        conditions += [Membership.community_id == spec.community_id, Membership.left_at.is_(None)]
    if spec.role:
        conditions.append(Membership.role == spec.role)
    if spec.level:
        conditions.append(Membership.level == spec.level)
        if spec.community_id is None:
            conditions.append(Membership.left_at.is_(None))  # a level held now, not in a past group
    if spec.joined_from is not None:
        conditions.append(
            Membership.joined_at >= datetime.combine(spec.joined_from, datetime.min.time())
        )
    if spec.joined_to is not None:
        end = datetime.combine(spec.joined_to + timedelta(days=1), datetime.min.time())
        conditions.append(Membership.joined_at < end)
    if len(conditions) == 1:
        return None
    return exists().where(and_(*conditions))


class _InIdList(ColumnElement):
    """`column IN (ids)` with the ids bound as ONE parameter: a segment can hold tens of
    thousands of members, more than SQLite or PostgreSQL accept as separate parameters."""

    inherit_cache = False
    type = Boolean()

    def __init__(self, column, ids: tuple[int, ...]) -> None:
        self.column = column
        self.ids = ids


@compiles(_InIdList)
def _in_json_each(element: _InIdList, compiler, **kw) -> str:
    ids = bindparam(None, json.dumps(list(element.ids)), unique=True)
    column = compiler.process(element.column, **kw)
    return f"{column} IN (SELECT value FROM json_each({compiler.process(ids, **kw)}))"


@compiles(_InIdList, "postgresql")
def _in_any_array(element: _InIdList, compiler, **kw) -> str:
    ids = bindparam(None, list(element.ids), unique=True, type_=ARRAY(Integer))
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY({compiler.process(ids, **kw)})"


def ids_in(column, ids) -> ColumnElement:
    """A condition: `column` is one of `ids` (any number of them)."""
    return _InIdList(column, tuple(ids))


def member_ids_query(spec: MemberFilter) -> Select:
    """SELECT Member.id for everything the filter matches, in the requested order."""
    now = spec.now or datetime.now()
    query = select(Member.id).where(Member.merged_into_id.is_(None))
    if spec.member_ids is not None:
        query = query.where(ids_in(Member.id, spec.member_ids))
    text = normalize_query(spec.text)
    if text:
        matches = [Member.search_text.contains(text, autoescape=True)]
        if text.isdigit() and len(text) == 4:
            matches.append(Member.phone_tail == text)
        query = query.where(or_(*matches))
    membership = _membership_condition(spec)
    if membership is not None:
        query = query.where(membership)
    if spec.tag_id is not None:
        query = query.where(
            exists().where(MemberTag.member_id == Member.id, MemberTag.tag_id == spec.tag_id)
        )
    if spec.active_within_days is not None:
        query = query.where(Member.last_active_at >= now - timedelta(days=spec.active_within_days))
    if spec.inactive_for_days is not None:
        cutoff = now - timedelta(days=spec.inactive_for_days)
        query = query.where(or_(Member.last_active_at.is_(None), Member.last_active_at < cutoff))
    if spec.has_phone is True:
        query = query.where(Member.phone.is_not(None), Member.phone != "")
    elif spec.has_phone is False:
        query = query.where(or_(Member.phone.is_(None), Member.phone == ""))
    if not spec.include_team:
        query = query.where(Member.is_team.is_(False))
    column = SORT_KEYS.get(spec.sort_key, Member.search_pinyin)
    order = column.desc() if spec.descending else column.asc()
    tie = Member.id.desc() if spec.descending else Member.id.asc()
    # NULLs (never active, no 微信号) always go last, whichever way the column is sorted.
    return query.order_by(column.is_(None), order, tie)


def find_member_ids(session: Session, spec: MemberFilter, limit: int | None = None) -> list[int]:
    query = member_ids_query(spec)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


@dataclass
class MemberRow:
    """One line of the members table."""

    id: int
    nickname: str
    remark: str
    wechat_id: str | None
    phone: str | None
    gender: str
    city: str
    source_channel: str
    is_team: bool
    last_active_at: datetime | None
    created_at: datetime
    communities: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def load_rows(session: Session, ids: list[int]) -> dict[int, MemberRow]:
    """The table rows for these member ids (one page): three queries, whatever the page size."""
    if not ids:
        return {}
    columns = (
        Member.id,
        Member.nickname,
        Member.remark,
        Member.wechat_id,
        Member.phone,
        Member.gender,
        Member.city,
        Member.source_channel,
        Member.is_team,
        Member.last_active_at,
        Member.created_at,
    )
    rows = {
        record.id: MemberRow(*record)
        for record in session.execute(select(*columns).where(Member.id.in_(ids)))
    }
    groups = session.execute(
        select(Membership.member_id, Community.name)
        .join(Community, Community.id == Membership.community_id)
        .where(Membership.member_id.in_(ids), Membership.left_at.is_(None))
        .order_by(Membership.joined_at)
    )
    for member_id, name in groups:
        rows[member_id].communities.append(name)
    tags = session.execute(
        select(MemberTag.member_id, Tag.name)
        .join(Tag, Tag.id == MemberTag.tag_id)
        .where(MemberTag.member_id.in_(ids))
        .order_by(Tag.name)
    )
    for member_id, name in tags:
        rows[member_id].tags.append(name)
    return rows


@dataclass(frozen=True)
class FilterChoices:
    """What the members tab's filter boxes offer."""

    communities: list[tuple[int, str]]  # (id, name), not in the trash; archived ones last
    tags: list[tuple[int, str]]
    # (key, name) in ladder order: the caller adds them from core.tiers (members don't read the
    # ladder; the level itself is a membership's column, which the filter matches).
    levels: list[tuple[str, str]] = field(default_factory=list)
    archived: frozenset[int] = frozenset()  # ids of the archived communities

    def is_archived(self, community: tuple[int, str]) -> bool:
        """For sorting (id, name) pairs: the archived ones go after the others."""
        return community[0] in self.archived


def filter_choices(session: Session) -> FilterChoices:
    communities = session.execute(
        select(Community.id, Community.name, Community.archived)
        .where(Community.deleted_at.is_(None))
        .order_by(Community.archived, Community.name)
    ).all()
    tags = session.execute(select(Tag.id, Tag.name).order_by(Tag.name)).all()
    return FilterChoices(
        [(community_id, name) for community_id, name, _archived in communities],
        [tuple(row) for row in tags],
        archived=frozenset(
            community_id for community_id, _name, archived in communities if archived
        ),
    )
