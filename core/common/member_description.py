"""Which one is this member: a name with what tells them apart from others of the same name.

Pickers listed four "A_黄慧 · 0 分" or "努力的胖子（#45361）": an id means nothing to the
operator. Every place that asks the operator to pick a member shows `describe_members` instead:
"A_黄慧 · 麦香烘焙会员1群 · 尾号 0016" — the remark, the group (or, within one group, the
群昵称 there), the phone's last four digits, and when nothing else is known, the day the record
was made.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.joins import joined_dots
from core.common.member_groups import Group, current_groups
from core.common.text import msg
from db.models import Member


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
    groups = current_groups(session, ids)
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


def _describe(
    member_id, nickname, remark, tail, created_at, groups: list[Group], community_id
) -> str:
    name = (nickname or "").strip() or (remark or "").strip() or msg("成员 #{id}", id=member_id)
    details: list[str] = []
    if remark and remark.strip() != name:
        details.append(msg("备注 {remark}", remark=remark.strip()))
    here = [g for g in groups if g.community_id == community_id]
    if here and here[0].group_nickname and here[0].group_nickname != name:
        details.append(msg("群昵称 {name}", name=here[0].group_nickname))
    elsewhere = [g.name for g in groups if g.community_id != community_id]
    if len(elsewhere) == 1:
        details.append(elsewhere[0])
    elif elsewhere:
        details.append(msg("{group} 等 {count} 个群", group=elsewhere[0], count=len(elsewhere)))
    if tail:
        details.append(msg("尾号 {tail}", tail=tail))
    if not details and created_at is not None:
        details.append(msg("{date} 建档", date=created_at.strftime("%Y-%m-%d")))
    return joined_dots([name, *details])
