"""The community record: create, edit, archive, delete-or-trash, restore, owner and admins.

Deleting follows ARCHITECTURE.md's "nothing is lost": a community that never had anyone in it
is removed at once; one with members or history goes to the trash (deleted_at) and can be
restored. Removing it from the trash for good needs an explicit confirmation, because its
memberships and join/leave history go with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import date, datetime

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.search_keys import normalize_query
from core.common.text import msg
from core.communities.limits import load_limits
from core.communities.roles import change_roles
from db.models import (
    PLATFORMS,
    ActivityEvent,
    Community,
    Member,
    Membership,
    MembershipEvent,
)

PLATFORM_LABELS = {"wechat": "微信群", "wecom": "企业微信客户群", "qq": "QQ群", "other": "其他"}
NAME_MAX = 100
TAG_MAX = 50
_TAG_SEPARATORS = re.compile(r"[，,;；、\s]+")


@dataclass(frozen=True)
class MemberRef:
    """A member as a community shows them: id and the name the operator knows them by."""

    id: int
    name: str


@dataclass
class CommunityFields:
    """Everything the create/edit dialog sets. qr_valid_days None: the platform's default."""

    name: str
    platform: str = "wechat"
    theme: str = ""
    target_audience: str = ""
    rules_text: str = ""
    member_cap: int = 500
    scan_cap: int = 200
    tags: list[str] = field(default_factory=list)
    created_on: date | None = None
    owner_member_id: int | None = None
    qr_valid_days: int | None = None


# Each field is the community's column of the same name (read_fields, _columns).
_FIELD_NAMES = tuple(f.name for f in dataclass_fields(CommunityFields))


@dataclass(frozen=True)
class TrashedCommunity:
    id: int
    name: str
    platform: str
    deleted_at: datetime
    memberships: int  # rows that go with it when it is removed for good


def display_name(nickname: str | None, remark: str | None, member_id: int) -> str:
    """备注名 first (what the operator typed), else the WeChat nickname."""
    return (remark or "").strip() or (nickname or "").strip() or f"#{member_id}"


def new_fields(session: Session) -> CommunityFields:
    """A blank record with the caps from the settings (DOMAIN.md: every limit is a setting)."""

    limits = load_limits(session)
    return CommunityFields(name="", member_cap=limits.member_cap, scan_cap=limits.scan_cap)


def split_tags(tags: str | Iterable[str]) -> list[str]:
    """Tags from a typed line (，,;、 or spaces between) or a list: trimmed, no repeats."""
    parts = _TAG_SEPARATORS.split(tags) if isinstance(tags, str) else list(tags)
    result: list[str] = []
    for part in parts:
        tag = str(part).strip()
        if tag and tag not in result:
            result.append(tag)
    return result


def validate_fields(
    session: Session,
    fields: CommunityFields,
    *,
    community_id: int | None = None,
    today: date | None = None,
) -> CommunityFields:
    """The fields cleaned up, or a UserError naming the first thing that is wrong."""
    today = today or date.today()
    name = " ".join((fields.name or "").split())
    if not name:
        raise UserError(msg("请填写社群名称"))
    if len(name) > NAME_MAX:
        raise UserError(msg("社群名称最长 {limit} 个字", limit=NAME_MAX))
    if fields.platform not in PLATFORMS:
        raise UserError(msg("未知的平台：{platform}", platform=fields.platform))
    for value, problem in (
        (fields.member_cap, msg("群人数上限必须是正整数")),
        (fields.scan_cap, msg("扫码进群上限必须是正整数")),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise UserError(problem)
    if fields.scan_cap > fields.member_cap:
        raise UserError(msg("扫码进群上限不能大于群人数上限"))
    if fields.qr_valid_days is not None and (
        not isinstance(fields.qr_valid_days, int) or fields.qr_valid_days <= 0
    ):
        raise UserError(msg("二维码有效天数必须是正整数"))
    tags = split_tags(fields.tags)
    if any(len(tag) > TAG_MAX for tag in tags):
        raise UserError(msg("每个标签最长 {limit} 个字", limit=TAG_MAX))
    created_on = fields.created_on or today
    if created_on > today:
        raise UserError(msg("建群日期不能晚于今天"))
    duplicate = select(Community.id).where(Community.name == name, Community.deleted_at.is_(None))
    if community_id is not None:
        duplicate = duplicate.where(Community.id != community_id)
    if session.scalar(duplicate.limit(1)) is not None:
        raise UserError(msg("已有名为「{name}」的社群", name=name))
    if fields.owner_member_id is not None:
        owner = session.get(Member, fields.owner_member_id)
        if owner is None:
            raise UserError(msg("所选群主不存在"))
        if owner.merged_into_id is not None:
            raise UserError(msg("所选群主已合并到另一名成员，请重新选择"))
    return replace(
        fields,
        name=name,
        theme=(fields.theme or "").strip(),
        target_audience=(fields.target_audience or "").strip(),
        rules_text=(fields.rules_text or "").strip(),
        tags=tags,
        created_on=created_on,
    )


def create_community(
    session: Session, fields: CommunityFields, *, today: date | None = None
) -> int:
    fields = validate_fields(session, fields, today=today)
    community = Community(archived=False, **_columns(fields))
    session.add(community)
    session.flush()
    return community.id


def update_community(
    session: Session, community_id: int, fields: CommunityFields, *, today: date | None = None
) -> None:
    community = get_community(session, community_id)
    fields = validate_fields(session, fields, community_id=community_id, today=today)
    for key, value in _columns(fields).items():
        setattr(community, key, value)


def read_fields(session: Session, community_id: int) -> CommunityFields:
    """The record as the edit dialog starts from it."""
    community = get_community(session, community_id)
    values = {name: getattr(community, name) for name in _FIELD_NAMES}
    return CommunityFields(**{**values, "tags": list(community.tags or [])})


def _columns(fields: CommunityFields) -> dict:
    return {**{name: getattr(fields, name) for name in _FIELD_NAMES}, "tags": list(fields.tags)}


def get_community(session: Session, community_id: int, *, trashed: bool = False) -> Community:
    """The community, or a UserError when it is gone (or in the trash, unless `trashed`)."""
    community = session.get(Community, community_id)
    if community is None or (community.deleted_at is not None and not trashed):
        raise UserError(msg("这个社群不存在或已被删除"))
    return community


def set_archived(session: Session, community_id: int, archived: bool = True) -> None:
    """归档: a group that ended stays with its history but leaves the lists and warnings."""
    get_community(session, community_id).archived = archived


def is_empty(session: Session, community_id: int) -> bool:
    """Nobody was ever in it and nothing happened in it: deleting loses nothing."""
    for model in (Membership, MembershipEvent, ActivityEvent):
        if session.scalar(select(exists().where(model.community_id == community_id))):
            return False
    return True


def delete_community(session: Session, community_id: int, *, now: datetime | None = None) -> str:
    """Delete an empty community ("deleted"); move any other to the trash ("trashed")."""
    community = get_community(session, community_id)
    if is_empty(session, community_id):
        _remove(session, community_id)
        return "deleted"
    community.deleted_at = now or datetime.now()
    return "trashed"


def restore_community(session: Session, community_id: int) -> None:
    community = get_community(session, community_id, trashed=True)
    if community.deleted_at is None:
        raise UserError(msg("这个社群不在回收站里"))
    community.deleted_at = None


def trash_list(session: Session) -> list[TrashedCommunity]:
    counts = (
        select(Membership.community_id, func.count().label("n"))
        .group_by(Membership.community_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Community.id,
            Community.name,
            Community.platform,
            Community.deleted_at,
            func.coalesce(counts.c.n, 0),
        )
        .outerjoin(counts, counts.c.community_id == Community.id)
        .where(Community.deleted_at.is_not(None))
        .order_by(Community.deleted_at.desc(), Community.id)
    )
    return [TrashedCommunity(*row) for row in rows]


def purge_community(session: Session, community_id: int, *, confirm: bool = False) -> None:
    """Remove a community from the trash for good: only when empty, or when `confirm`."""
    community = get_community(session, community_id, trashed=True)
    if community.deleted_at is None:
        raise UserError(msg("只能彻底删除回收站里的社群"))
    if not confirm and not is_empty(session, community_id):
        raise UserError(
            msg(
                "「{name}」还有入群记录，彻底删除会一并删除这些记录；请确认后再删除",
                name=community.name,
            )
        )
    _remove(session, community_id)


def _remove(session: Session, community_id: int) -> None:
    # SQL, not session.delete(): the database's ON DELETE rules remove the memberships and
    # events (and unlink activity), where the ORM would try to null their community_id.
    session.flush()
    session.execute(delete(Community).where(Community.id == community_id))
    session.expire_all()


# ----- owner and admins ----------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    owner: MemberRef | None
    admins: list[MemberRef]


def community_id_by_name(session: Session, name: str | None) -> int | None:
    """The community a command line names (None for no name), refused when not unique."""
    if not name:
        return None
    ids = session.scalars(
        select(Community.id).where(Community.name == name, Community.deleted_at.is_(None))
    ).all()
    if not ids:
        raise UserError(msg("没有名为「{name}」的社群", name=name))
    if len(ids) > 1:
        raise UserError(
            msg("有 {count} 个社群都叫「{name}」，请先在社群页改名区分", count=len(ids), name=name)
        )
    return ids[0]


def owner_and_admins(session: Session, community_id: int) -> People:
    """群主 (owner_member_id) and 管理员 (current memberships with role 'manager')."""
    community = get_community(session, community_id, trashed=True)
    owner = None
    if community.owner_member_id is not None:
        member = session.get(Member, community.owner_member_id)
        if member is not None:
            owner = MemberRef(member.id, display_name(member.nickname, member.remark, member.id))
    rows = session.execute(
        select(Member.id, Member.nickname, Member.remark)
        .join(Membership, Membership.member_id == Member.id)
        .where(
            Membership.community_id == community_id,
            Membership.role == "manager",
            Membership.left_at.is_(None),
            Member.merged_into_id.is_(None),
        )
        .order_by(Member.id)
    )
    return People(owner, [MemberRef(i, display_name(n, r, i)) for i, n, r in rows])


def set_admins(session: Session, community_id: int, member_ids: Iterable[int]) -> None:
    """Make exactly these current members the admins; former admins become followers."""
    get_community(session, community_id)
    wanted = set(member_ids)
    current = set(
        session.scalars(
            select(Membership.member_id).where(
                Membership.community_id == community_id, Membership.left_at.is_(None)
            )
        )
    )
    if wanted - current:
        raise UserError(msg("管理员必须是这个群的现有成员"))
    former = session.scalars(
        select(Membership.member_id).where(
            Membership.community_id == community_id,
            Membership.left_at.is_(None),
            Membership.role == "manager",
            Membership.member_id.not_in(wanted),
        )
    ).all()
    change_roles(session, community_id, former, "follower", reason="不再是管理员")
    change_roles(session, community_id, wanted, "manager", reason="设为管理员")


def find_members(
    session: Session, text: str, *, community_id: int | None = None, limit: int = 20
) -> list[MemberRef]:
    """Members whose names (or pinyin/initials) contain `text`, for choosing an owner.

    With `community_id`, only the community's current members; team members come first.
    """
    query = normalize_query(text)
    statement = select(Member.id, Member.nickname, Member.remark).where(
        Member.merged_into_id.is_(None)
    )
    if query:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(Member.search_text.like(f"%{escaped}%", escape="\\"))
    if community_id is not None:
        statement = statement.join(Membership, Membership.member_id == Member.id).where(
            Membership.community_id == community_id, Membership.left_at.is_(None)
        )
    rows = session.execute(statement.order_by(Member.is_team.desc(), Member.id).limit(limit)).all()
    return [MemberRef(i, display_name(n, r, i)) for i, n, r in rows]
