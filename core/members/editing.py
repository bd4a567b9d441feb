"""One member in full (the detail panel), edits with undo, and bulk actions on a selection.

Every write refreshes the member's search keys, so the search box finds what was just typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.sheets.normalize import normalize_phone
from core.common.text import msg
from core.communities.roles import change_roles
from core.members.search_keys import member_search_keys
from db.models import (
    GENDERS,
    ROLES,
    ActivityEvent,
    Community,
    Member,
    Membership,
    MembershipEvent,
    MemberTag,
    Tag,
)

# Fields the detail panel edits in place, with the Python type each one holds.
EDITABLE_FIELDS: dict[str, type] = {
    "nickname": str,
    "remark": str,
    "wechat_id": str,
    "external_userid": str,
    "phone": str,
    "gender": str,
    "birthday": date,
    "city": str,
    "source_channel": str,
    "notes": str,
    "is_team": bool,
    "custom_fields": dict,
}
RECENT_ACTIVITY = 50


@dataclass
class MembershipDetail:
    community_id: int
    community_name: str
    group_nickname: str
    role: str
    joined_at: datetime | None
    left_at: datetime | None
    join_channel: str
    events: list[tuple[str, datetime]] = field(default_factory=list)  # (join/leave, when)


@dataclass
class MemberDetail:
    id: int
    fields: dict[str, Any]
    inviter: str | None
    tags: list[str]
    memberships: list[MembershipDetail]
    recent_activity: list[tuple[datetime, str, str, int]]  # (when, kind, community, amount)
    created_at: datetime
    last_active_at: datetime | None


def _member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None or member.merged_into_id is not None:
        raise UserError(msg("找不到成员（编号 {id}），可能已被合并或删除", id=member_id))
    return member


def member_detail(session: Session, member_id: int) -> MemberDetail:
    member = _member(session, member_id)
    inviter = session.get(Member, member.inviter_id) if member.inviter_id else None
    tags = list(
        session.scalars(
            select(Tag.name)
            .join(MemberTag)
            .where(MemberTag.member_id == member_id)
            .order_by(Tag.name)
        )
    )
    events: dict[int, list[tuple[str, datetime]]] = {}
    for event in session.scalars(
        select(MembershipEvent)
        .where(MembershipEvent.member_id == member_id)
        .order_by(MembershipEvent.occurred_at)
    ):
        events.setdefault(event.community_id, []).append((event.kind, event.occurred_at))
    memberships = [
        MembershipDetail(
            community_id=membership.community_id,
            community_name=name,
            group_nickname=membership.group_nickname,
            role=membership.role,
            joined_at=membership.joined_at,
            left_at=membership.left_at,
            join_channel=membership.join_channel,
            events=events.get(membership.community_id, []),
        )
        for membership, name in session.execute(
            select(Membership, Community.name)
            .join(Community, Community.id == Membership.community_id)
            .where(Membership.member_id == member_id)
            .order_by(Membership.left_at.is_not(None), Membership.joined_at)
        )
    ]
    activity = [
        (when, kind, name or "", amount)
        for when, kind, name, amount in session.execute(
            select(
                ActivityEvent.occurred_at,
                ActivityEvent.kind,
                Community.name,
                ActivityEvent.amount_cents,
            )
            .outerjoin(Community, Community.id == ActivityEvent.community_id)
            .where(ActivityEvent.member_id == member_id)
            .order_by(ActivityEvent.occurred_at.desc())
            .limit(RECENT_ACTIVITY)
        )
    ]
    return MemberDetail(
        id=member.id,
        fields={name: getattr(member, name) for name in EDITABLE_FIELDS},
        inviter=(inviter.nickname or inviter.remark) if inviter else None,
        tags=tags,
        memberships=memberships,
        recent_activity=activity,
        created_at=member.created_at,
        last_active_at=member.last_active_at,
    )


def _clean(name: str, value: Any) -> Any:
    """Check and tidy one edited value; raise UserError with the reason."""
    if name not in EDITABLE_FIELDS:
        raise UserError(msg("不能修改字段 {field}", field=name))
    if isinstance(value, str):
        value = value.strip()
    if name == "gender" and value not in GENDERS:
        raise UserError(msg("性别只能是 男、女 或 未知"))
    if name == "phone":
        if not value:
            return None
        phone, problem = normalize_phone(value)
        if problem:
            raise UserError(problem)
        return phone
    if name in {"wechat_id", "external_userid"}:
        return value or None
    if name == "birthday" and value is not None and not isinstance(value, date):
        raise UserError(msg("生日必须是日期"))
    if name == "custom_fields":
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise UserError(msg("自定义字段必须是「名称: 值」的形式"))
        return {k.strip(): str(v).strip() for k, v in value.items() if k.strip()}
    if name == "nickname" and not value:
        raise UserError(msg("昵称不能为空"))
    return value


def refresh_search_keys(session: Session, member: Member) -> None:
    group_nicknames = session.scalars(
        select(Membership.group_nickname).where(
            Membership.member_id == member.id, Membership.group_nickname != ""
        )
    )
    keys = member_search_keys(
        member.nickname, member.remark, member.wechat_id, member.phone, list(group_nicknames)
    )
    member.search_pinyin = keys.pinyin
    member.search_initials = keys.initials
    member.phone_tail = keys.phone_tail
    member.search_text = keys.text


def update_member(session: Session, member_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply edits to one member; return the previous values of what changed (for undo)."""
    member = _member(session, member_id)
    cleaned = {name: _clean(name, value) for name, value in changes.items()}
    previous = {}
    for name, value in cleaned.items():
        if getattr(member, name) != value:
            previous[name] = getattr(member, name)
            setattr(member, name, value)
    if previous:
        member.updated_at = datetime.now()
        refresh_search_keys(session, member)
    return previous


def create_member(session: Session, nickname: str, **fields: Any) -> int:
    """Add a member by hand (新建成员); return the new id."""
    member = Member(nickname="", created_at=datetime.now(), updated_at=datetime.now())
    values = {"nickname": nickname, **fields}
    for name, value in values.items():
        setattr(member, name, _clean(name, value))
    session.add(member)
    session.flush()
    refresh_search_keys(session, member)
    return member.id


def _tag_ids(session: Session, names: list[str]) -> list[int]:
    """Ids of the named tags, creating the ones that do not exist yet."""
    names = sorted({name.strip() for name in names if name.strip()})
    for name in names:
        if len(name) > 50:
            raise UserError(
                msg("标签「{name}…」太长（最多 {limit} 个字）", name=name[:20], limit=50)
            )
    existing = dict(session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(names))).all())
    for name in names:
        if name not in existing:
            tag = Tag(name=name)
            session.add(tag)
            session.flush()
            existing[name] = tag.id
    return [existing[name] for name in names]


def set_member_tags(session: Session, member_id: int, names: list[str]) -> list[str]:
    """Replace a member's tags; return the previous tag names (for undo)."""
    _member(session, member_id)
    previous = list(
        session.scalars(select(Tag.name).join(MemberTag).where(MemberTag.member_id == member_id))
    )
    wanted = set(_tag_ids(session, names))
    session.execute(delete(MemberTag).where(MemberTag.member_id == member_id))
    session.add_all(MemberTag(member_id=member_id, tag_id=tag_id) for tag_id in wanted)
    return sorted(previous)


def _existing_member_ids(session: Session, member_ids: list[int]) -> list[int]:
    found = list(
        session.scalars(
            select(Member.id).where(Member.id.in_(member_ids), Member.merged_into_id.is_(None))
        )
    )
    if len(found) != len(set(member_ids)):
        raise UserError(msg("所选成员中有的已被合并或删除，请刷新后重试"))
    return found


def tag_members(session: Session, member_ids: list[int], tag_name: str) -> int:
    """Give every selected member the tag; return how many did not have it yet."""
    ids = _existing_member_ids(session, member_ids)
    (tag_id,) = _tag_ids(session, [tag_name]) or [None]
    if tag_id is None:
        raise UserError(msg("标签名不能为空"))
    have = set(
        session.scalars(
            select(MemberTag.member_id).where(
                MemberTag.tag_id == tag_id, MemberTag.member_id.in_(ids)
            )
        )
    )
    new = [member_id for member_id in ids if member_id not in have]
    session.add_all(MemberTag(member_id=member_id, tag_id=tag_id) for member_id in new)
    return len(new)


def untag_members(session: Session, member_ids: list[int], tag_name: str) -> int:
    ids = _existing_member_ids(session, member_ids)
    tag_id = session.scalar(select(Tag.id).where(Tag.name == tag_name.strip()))
    if tag_id is None:
        return 0
    result = session.execute(
        delete(MemberTag).where(MemberTag.tag_id == tag_id, MemberTag.member_id.in_(ids))
    )
    return result.rowcount


def add_members_to_community(
    session: Session, member_ids: list[int], community_id: int, *, when: datetime | None = None
) -> int:
    """Add the selection to a community (rejoining those who left); return how many joined."""
    ids = _existing_member_ids(session, member_ids)
    community = session.get(Community, community_id)
    if community is None or community.deleted_at is not None:
        raise UserError(msg("找不到这个社群，可能已被删除"))
    when = when or datetime.now()
    current = {
        membership.member_id: membership
        for membership in session.scalars(
            select(Membership).where(
                Membership.community_id == community_id, Membership.member_id.in_(ids)
            )
        )
    }
    joined = 0
    for member_id in ids:
        membership = current.get(member_id)
        if membership is not None and membership.left_at is None:
            continue
        if membership is None:
            session.add(
                Membership(
                    member_id=member_id,
                    community_id=community_id,
                    joined_at=when,
                    join_channel="手动添加",
                )
            )
        else:
            membership.left_at = None
            membership.joined_at = when
        session.add(
            MembershipEvent(
                member_id=member_id,
                community_id=community_id,
                kind="join",
                occurred_at=when,
                source="manual",
            )
        )
        joined += 1
    return joined


def set_members_role(session: Session, member_ids: list[int], community_id: int, role: str) -> int:
    """Set the role of the selection in one community; return how many memberships changed."""
    if role not in ROLES:
        raise UserError(msg("未知的角色：{role}", role=role))
    ids = _existing_member_ids(session, member_ids)
    return change_roles(session, community_id, ids, role, reason="批量设置角色")
