"""Finding members by what identifies them: one on the command line (by number, or a name only
they have), many at once for an import (by number, 微信号, phone). Names that people write —
nicknames, group nicknames — are matched by `core.members.name_match`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.ids import is_row_id
from core.common.text import msg
from db.models import Member


def find_member(session: Session, text: str) -> int:
    """A member by id, or by exact nickname, remark or 微信号 (refused when not unique)."""
    text = text.strip().removeprefix("#")
    if not text:
        raise UserError(msg("请给出成员编号或昵称"))
    if is_row_id(text):
        row = session.execute(
            select(Member.id, Member.merged_into_id).where(Member.id == int(text))
        ).first()
        if row is not None:
            if row.merged_into_id is not None:
                raise UserError(
                    msg("成员 {member} 已合并到成员 {kept}", member=text, kept=row.merged_into_id)
                )
            return row.id
    ids = session.scalars(
        select(Member.id).where(
            or_(Member.nickname == text, Member.remark == text, Member.wechat_id == text),
            Member.merged_into_id.is_(None),
        )
    ).all()
    if not ids:
        raise UserError(msg("没有编号或昵称为「{text}」的成员", text=text))
    if len(ids) > 1:
        raise UserError(
            msg("有 {count} 位成员叫「{text}」，请用成员编号", count=len(ids), text=text)
        )
    return ids[0]


# ----- many members at once, by what identifies them (the imports: activity, next chat) -----

_CHUNK = 5000  # values in one IN (…): well under every database's limit on bound parameters


def live_members_by_id(session: Session, refs: Iterable[int]) -> dict[int, int]:
    """Member number → the live member: a merged member's number leads to whom it was merged
    into (numbers that never existed are left out)."""
    refs = set(refs)
    merged: dict[int, int | None] = {}
    for chunk in _chunks(sorted(refs)):
        for member_id, into in session.execute(
            select(Member.id, Member.merged_into_id).where(Member.id.in_(chunk))
        ):
            merged[member_id] = into
    result = {}
    for ref in refs:
        current = ref
        for _step in range(50):  # a merge chain is short; a cycle must not hang us
            if current not in merged:
                found = session.execute(
                    select(Member.id, Member.merged_into_id).where(Member.id == current)
                ).first()
                if found is None:
                    break
                merged[current] = found.merged_into_id
            if merged[current] is None:
                result[ref] = current
                break
            current = merged[current]
    return result


def members_by_wechat_id(session: Session, values: Iterable[str | None]) -> dict[str, set[int]]:
    """微信号 → the live members carrying it (more than one is a question, not a pick)."""
    return _live_members_by(session, Member.wechat_id, values)


def members_by_phone(session: Session, values: Iterable[str | None]) -> dict[str, set[int]]:
    """Phone (as stored: 11 digits, or +<digits>) → the live members carrying it."""
    return _live_members_by(session, Member.phone, values)


def _live_members_by(session: Session, column, values: Iterable[str | None]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = defaultdict(set)
    for chunk in _chunks(sorted({v for v in values if v})):
        for member_id, value in session.execute(
            select(Member.id, column).where(column.in_(chunk), Member.merged_into_id.is_(None))
        ):
            found[value].add(member_id)
    return dict(found)


def _chunks(values: list) -> Iterator[list]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]
