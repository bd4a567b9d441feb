"""Which one is this member: a name with what tells them apart from others of the same name.

Pickers listed four "A_黄慧 · 0 分" or "努力的胖子（#45361）": an id means nothing to the
operator. Every place that asks the operator to pick a member shows `describe_members` instead:
"A_黄慧 · 麦香烘焙会员1群 · 尾号 0016" — the remark, the group (or, within one group, the
群昵称 there), the phone's last four digits, and when nothing else is known, the day the record
was made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.joins import joined_dots
from core.common.text import msg
from db.models import Community, Member, Membership


def describe_members(
    session: Session, ids: Iterable[int], *, community_id: int | None = None
) -> dict[int, str]:
    """member id → "A_黄慧 · 麦香烘焙会员1群 · 尾号 0016" for each existing member of `ids`.

    `community_id`: the group the choice is made in (a 接龙 of that group): every candidate is
    in it, so their 群昵称 there is told instead of its name.
    """
    ids = sorted(set(ids))
    if not ids:
        return {}
    groups: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for member_id, group_id, name, group_nickname in session.execute(
        select(Membership.member_id, Community.id, Community.name, Membership.group_nickname)
        .join(Community, Community.id == Membership.community_id)
        .where(
            Membership.member_id.in_(ids),
            Membership.left_at.is_(None),
            Community.deleted_at.is_(None),
        )
        .order_by(Membership.joined_at.is_(None), Membership.joined_at, Community.id)
    ):
        groups[member_id].append((group_id, name, group_nickname))
    rows = session.execute(
        select(
            Member.id, Member.nickname, Member.remark, Member.phone_tail, Member.created_at
        ).where(Member.id.in_(ids))
    )
    return {
        member_id: _describe(
            member_id,
            nickname,
            remark,
            tail,
            created_at,
            groups.get(member_id, []),
            community_id,
        )
        for member_id, nickname, remark, tail, created_at in rows
    }


def _describe(member_id, nickname, remark, tail, created_at, groups, community_id) -> str:
    name = (nickname or "").strip() or (remark or "").strip() or msg("成员 #{id}", id=member_id)
    details: list[str] = []
    if remark and remark.strip() != name:
        details.append(msg("备注 {remark}", remark=remark.strip()))
    here = [g for g in groups if g[0] == community_id]
    if here and here[0][2] and here[0][2] != name:
        details.append(msg("群昵称 {name}", name=here[0][2]))
    elsewhere = [group_name for group_id, group_name, _ in groups if group_id != community_id]
    if len(elsewhere) == 1:
        details.append(elsewhere[0])
    elif elsewhere:
        details.append(msg("{group} 等 {count} 个群", group=elsewhere[0], count=len(elsewhere)))
    if tail:
        details.append(msg("尾号 {tail}", tail=tail))
    if not details and created_at is not None:
        details.append(msg("{date} 建档", date=created_at.strftime("%Y-%m-%d")))
    return joined_dots([name, *details])
