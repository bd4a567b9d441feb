"""The personal fields of the members a batch of posters is for.

Each member gets {昵称, 邀请码, 邀请链接, 社群名, 头像, custom fields…}; the batch adds the shared
{活动名, 截止日期}. The invite code is the member's standing code and the QR content of the
built-in templates is {邀请链接}: both come from core.referrals.invite_codes, which also keeps
the invite-link format. A batch stores the standing codes it hands out (core.referrals.issuing),
so a code printed on a poster keeps finding its member. A batch for a campaign swaps in each
member's code in that campaign (`with_codes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.member_groups import current_groups
from core.common.text import msg
from core.communities.limits import days_left, load_limits
from core.communities.registry import community_id_by_name, get_community
from core.referrals.invite_codes import (
    invite_key,
    invite_link,
    member_link,
    saved_link_template,
    standing_code,
)
from core.segments.catalogue import get_segment
from core.segments.compute import segment_member_ids
from db.models import Community, Member, Membership

GROUP_QR_FIELD = "群二维码"


@dataclass
class PosterMember:
    member_id: int
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def invite_code(self) -> str:
        return str(self.fields.get("邀请码", ""))


# ---------------------------------------------------------------- selection


def community_member_ids(session: Session, community_id: int) -> list[int]:
    """Current members of the community (not left, not team, not merged away), joining order."""
    rows = session.execute(
        select(Membership.member_id)
        .join(Member, Member.id == Membership.member_id)
        .where(
            Membership.community_id == community_id,
            Membership.left_at.is_(None),
            Member.is_team.is_(False),
            Member.merged_into_id.is_(None),
        )
        # Never-known join times last on both engines (SQLite would put NULL first).
        .order_by(Membership.joined_at.is_(None), Membership.joined_at, Membership.member_id)
    )
    return [member_id for (member_id,) in rows]


def picked_member_ids(session: Session, member_ids: Iterable[int]) -> list[int]:
    """Members picked by hand (e.g. in the 成员 tab), in that order, without repeats, unknown
    ids or members merged into another. Team members stay: the operator chose them."""
    ids = list(dict.fromkeys(member_ids))
    known: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        known.update(
            session.scalars(
                select(Member.id).where(Member.id.in_(chunk), Member.merged_into_id.is_(None))
            )
        )
    return [member_id for member_id in ids if member_id in known]


def select_member_ids(
    session: Session,
    *,
    community: str | None = None,
    segment: str | None = None,
    community_id: int | None = None,
    member_ids: Iterable[int] | None = None,
) -> tuple[list[int], int | None, str]:
    """(member ids, community id or None, what was selected) for exactly one of: a community
    by name or by id, a segment by name or key, or members picked by hand."""

    given = (bool(community), bool(segment), community_id is not None, member_ids is not None)
    if sum(given) != 1:
        raise UserError(msg("请指定一个社群（--community）或一个分群（--segment）"))
    if member_ids is not None:
        ids = picked_member_ids(session, member_ids)
        return ids, None, msg("选中的 {count} 位成员", count=len(ids))
    if community or community_id is not None:
        if community_id is None:
            community_id = community_id_by_name(session, community)
        name = community or get_community(session, community_id).name
        chosen_name = msg("社群「{name}」", name=name)
        return community_member_ids(session, community_id), community_id, chosen_name

    chosen = get_segment(segment or "")
    ids = segment_member_ids(session, chosen.key)
    if ids:
        team = set(
            session.scalars(
                select(Member.id).where(
                    Member.id.in_(ids),
                    Member.is_team.is_(True) | Member.merged_into_id.is_not(None),
                )
            )
        )
        ids = [member_id for member_id in ids if member_id not in team]
    return ids, None, msg("分群「{name}」", name=chosen.name)


# ---------------------------------------------------------------- fields


def format_deadline(value: date | str | None) -> str:
    """A date as posters write it (4月30日); text is kept as given."""
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value.month}月{value.day}日"
    return str(value)


def poster_members(
    session: Session,
    member_ids: Iterable[int],
    *,
    community_id: int | None = None,
    link_template: str | None = None,
    today: date | None = None,
) -> list[PosterMember]:
    """The personal fields of each member, in the order of `member_ids`.

    社群名, the group nickname and 群二维码 come from `community_id` when given, else from the
    member's earliest current community. 群二维码 is what the community's group QR (from the QR
    tracker) decodes to, left out once the code has expired on `today`. `link_template` None:
    the `posters.invite_link` setting.
    """
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        return []
    key = invite_key(session)
    if link_template is None:
        link_template = saved_link_template(session)
    members: dict[int, Member] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        members.update(
            {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(chunk)))}
        )
    places = {
        member_id: groups[0]
        for member_id, groups in current_groups(session, ids, community_id=community_id).items()
    }
    group_qr = _valid_group_qr(session, {place.community_id for place in places.values()}, today)
    result = []
    for member_id in ids:
        member = members.get(member_id)
        if member is None:
            continue
        place = places.get(member_id)
        if place is None:  # in no group now: no 社群名, no group QR
            fields = member_fields(member, key, link_template)
        else:
            fields = member_fields(member, key, link_template, place.name, place.group_nickname)
            if group_qr.get(place.community_id):
                fields[GROUP_QR_FIELD] = group_qr[place.community_id]
        result.append(PosterMember(member_id, fields))
    return result


def _valid_group_qr(
    session: Session, community_ids: set[int], today: date | None
) -> dict[int, str]:
    """community id → its group QR's content, for the codes that have not expired."""

    if not community_ids:
        return {}
    today = today or date.today()
    limits = load_limits(session)
    rows = session.execute(
        select(
            Community.id,
            Community.platform,
            Community.qr_content,
            Community.qr_generated_on,
            Community.qr_valid_days,
        ).where(Community.id.in_(community_ids), Community.qr_content.is_not(None))
    )
    valid = {}
    for cid, platform, content, generated_on, valid_days in rows:
        left = days_left(generated_on, limits.valid_days(platform, valid_days), today)
        if content and (left is None or left > 0):
            valid[cid] = content
    return valid


def group_qr_gaps(template_fields: Iterable[str], members: Iterable[PosterMember]) -> list[str]:
    """The communities whose members would get a poster without a working group QR, when the
    template shows {群二维码}: their codes expired or were never attached."""
    if GROUP_QR_FIELD not in set(template_fields):
        return []
    gaps = []
    for member in members:
        if not member.fields.get(GROUP_QR_FIELD):
            name = member.fields.get("社群名") or msg("（不在任何社群）")
            if name not in gaps:
                gaps.append(name)
    return gaps


def member_fields(
    member: Member,
    key: bytes,
    link_template: str = "",
    community_name: str = "",
    group_nickname: str = "",
) -> dict[str, Any]:
    custom: Mapping[str, Any] = member.custom_fields or {}
    fields: dict[str, Any] = {
        name: value
        for name, value in custom.items()
        if isinstance(name, str)
        and isinstance(value, str | int | float)
        and not isinstance(value, bool)
    }
    code = standing_code(member.id, custom, key)
    nickname = (group_nickname or member.nickname or "").strip() or f"成员{member.id}"
    fields.update(
        {
            "昵称": nickname,
            "邀请码": code,
            "邀请链接": member_link(custom, code, link_template),
            "社群名": community_name,
        }
    )
    return fields


def with_codes(
    members: Iterable[PosterMember], codes: Mapping[int, str], link_template: str
) -> list[PosterMember]:
    """The members with `codes` (member → code, e.g. their codes in a campaign) as their
    {邀请码}, and {邀请链接} the link format filled with that code. A member's own 邀请链接
    field is left out: it leads to their standing code, not to this one."""
    result = []
    for member in members:
        code = codes[member.member_id]
        fields = {**member.fields, "邀请码": code, "邀请链接": invite_link(code, link_template)}
        result.append(PosterMember(member.member_id, fields))
    return result
