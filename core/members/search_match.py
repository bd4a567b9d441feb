"""Why a member matched the search box: the field that holds what was typed.

The search is one LIKE over `Member.search_text` (every name, 微信号, pinyin, initials) or the
phone tail, so the list alone does not say why 王小二 is there for 小王 (their 群昵称). This
works it out again in Python for the rows on screen only (`ids`: a page), never for every match.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.search_keys import name_pinyin_keys, normalize_query
from core.common.text import msg
from db.models import Member, Membership

FIELD_NAMES = {"remark": msg("备注名"), "group": msg("群昵称"), "wechat_id": msg("微信号")}


def match_notes(session: Session, ids: Iterable[int], text: str) -> dict[int, str]:
    """member id → where `text` was found (群昵称：小王), for the members that `text` finds
    outside their nickname; a nickname match (or its pinyin) needs no note and gets none."""
    query = normalize_query(text)
    ids = list(ids)
    if not query or not ids:
        return {}
    groups: dict[int, list[str]] = defaultdict(list)
    for member_id, group_nickname in session.execute(
        select(Membership.member_id, Membership.group_nickname)
        .where(Membership.member_id.in_(ids), Membership.group_nickname != "")
        # The groups the member is in now first, then the ones left.
        .order_by(Membership.left_at.is_not(None), Membership.joined_at, Membership.id)
    ):
        if group_nickname not in groups[member_id]:
            groups[member_id].append(group_nickname)
    notes: dict[int, str] = {}
    rows = session.execute(
        select(
            Member.id,
            Member.nickname,
            Member.remark,
            Member.wechat_id,
            Member.phone_tail,
            Member.search_pinyin,
            Member.search_initials,
        ).where(Member.id.in_(ids))
    )
    for member_id, nickname, remark, wechat_id, tail, pinyin, initials in rows:
        note = _note(
            query, nickname, remark, wechat_id, tail, pinyin, initials, groups.get(member_id, [])
        )
        if note:
            notes[member_id] = note
    return notes


def _note(
    query: str,
    nickname: str,
    remark: str,
    wechat_id: str | None,
    tail: str,
    pinyin: str,
    initials: str,
    groups: list[str],
) -> str | None:
    """The first field that holds `query`: the names as written, then the phone tail, then the
    names' pinyin or initials (the order in which a person would recognise them)."""
    if query in (nickname or "").lower():
        return None
    names = [("remark", remark)] if remark else []
    names += [("group", group) for group in groups]
    for field, value in [*names, ("wechat_id", wechat_id)]:
        if value and query in value.lower():
            return msg("{field}：{value}", field=FIELD_NAMES[field], value=value)
    if len(query) == 4 and query.isdigit() and tail == query:
        return msg("手机尾号：{tail}", tail=tail)
    if query in (pinyin or "") or query in (initials or ""):
        return None
    for field, value in names:
        if any(query in key for key in name_pinyin_keys(value)):
            return msg("{field}（拼音）：{value}", field=FIELD_NAMES[field], value=value)
    return None
