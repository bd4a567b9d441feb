"""Naming one member on the command line: by number, or by a name only they have."""

from __future__ import annotations

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
