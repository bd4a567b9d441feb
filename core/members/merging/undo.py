"""Undo: put back exactly what a merge did, from its record."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.text import msg
from core.members.editing import refresh_search_keys
from core.members.merging.names import display_names
from core.members.merging.records import (
    MOVED_VERSION,
    REASSIGNED,
    Merged,
    decode,
    decode_row,
    hand_back,
    row_of,
)
from core.members.search_keys import SEARCH_COLUMNS
from db.models import Member, MemberMerge, Membership, MemberTag, NotSamePerson, Tag


def _blocking_merge(session: Session, record: MemberMerge) -> MemberMerge | None:
    """A later merge, not undone, that involves either member of this one."""
    members = (record.kept_id, record.merged_id)
    return session.scalars(
        select(MemberMerge)
        .where(
            MemberMerge.id > record.id,
            MemberMerge.undone_at.is_(None),
            or_(MemberMerge.kept_id.in_(members), MemberMerge.merged_id.in_(members)),
        )
        .order_by(MemberMerge.id.desc())
        .limit(1)
    ).first()


def undoable_merge(
    session: Session, merge_id: int, *, restored_elsewhere: Collection[str] = ()
) -> MemberMerge:
    """The record of a merge that can be undone now; else UserError saying why.

    Refused when the merge was already undone, when a later merge involved either member (undo
    that one first), or when it moved rows nobody here can put back. `restored_elsewhere`: the
    keys of `moved["rows"]` another feature's step puts back (the ledger's)."""
    session.flush()
    record = session.get(MemberMerge, merge_id)
    if record is None:
        raise UserError(msg("找不到这次合并（编号 {id}）", id=merge_id))
    if record.undone_at is not None:
        raise UserError(
            msg("这次合并已在 {time} 撤销过了", time=f"{record.undone_at:%Y-%m-%d %H:%M}")
        )
    later = _blocking_merge(session, record)
    if later is not None:
        names = display_names(session, {later.kept_id, later.merged_id})
        raise UserError(
            msg(
                "之后还有一次合并涉及这两位成员（{merged} → {kept}，{time}），请先撤销那一次",
                merged=names.get(later.merged_id, ""),
                kept=names.get(later.kept_id, ""),
                time=f"{later.merged_at:%Y-%m-%d %H:%M}",
            )
        )
    moved = record.moved or {}
    if moved.get("version") != MOVED_VERSION:
        raise UserError(msg("这次合并由其他版本的程序记录，无法撤销"))
    merged = row_of(session, Member.__table__, record.merged_id)
    if merged is None or merged["merged_into_id"] != record.kept_id:
        raise UserError(msg("被合并的成员已不在原处，无法撤销这次合并"))
    for key in moved.get("rows", {}):
        if key not in REASSIGNED and key not in restored_elsewhere:
            raise UserError(msg("这次合并移动过本程序不认识的数据（{key}），无法撤销", key=key))
    return record


def undo_merge(
    session: Session, merge_id: int, *, restored_elsewhere: Collection[str] = ()
) -> Merged:
    """Put back exactly what `merge_members` did: the merged member reappears with all its rows.

    Refused as `undoable_merge` says. Values edited since the merge are left as they are now.
    The rows of `restored_elsewhere` are left to their feature's step, which runs first (the
    ledger's triggers let its entries move back only while the merge stands).
    """
    record = undoable_merge(session, merge_id, restored_elsewhere=restored_elsewhere)
    moved = record.moved or {}
    kept_id, merged_id = record.kept_id, record.merged_id
    members = Member.__table__
    for key, ids in moved.get("rows", {}).items():
        if key in REASSIGNED:
            table, column = REASSIGNED[key]
            hand_back(session, table, column, ids, kept_id, merged_id)

    memberships = Membership.__table__
    for combined in moved.get("combined_memberships", []):
        _restore(session, memberships, combined["kept"], combined["before"], combined["after"])
        row = decode_row(combined["merged_row"])
        clash = session.execute(
            select(memberships.c.id).where(
                memberships.c.member_id == row["member_id"],
                memberships.c.community_id == row["community_id"],
            )
        ).first()
        if clash is None:
            session.execute(insert(memberships).values(**row))

    tags = MemberTag.__table__
    if moving := moved.get("tags", {}).get("moved"):
        session.execute(
            update(tags)
            .where(tags.c.member_id == kept_id, tags.c.tag_id.in_(moving))
            .values(member_id=merged_id)
        )
    if shared := moved.get("tags", {}).get("shared"):
        still = set(session.scalars(select(Tag.id).where(Tag.id.in_(shared))))
        if still:
            session.execute(
                insert(tags), [{"member_id": merged_id, "tag_id": t} for t in sorted(still)]
            )

    not_same = NotSamePerson.__table__
    decisions = moved.get("not_same_person", {})
    for first, second in decisions.get("added", []):
        session.execute(
            delete(not_same).where(
                not_same.c.member_a_id == first, not_same.c.member_b_id == second
            )
        )
    for first, second, decided_at in decisions.get("removed", []):
        present = session.execute(
            select(not_same.c.member_a_id).where(
                not_same.c.member_a_id == first, not_same.c.member_b_id == second
            )
        ).first()
        if present is None:
            session.execute(
                insert(not_same).values(
                    member_a_id=first, member_b_id=second, decided_at=decode(decided_at)
                )
            )

    before = decode_row(moved.get("merged_member", {}).get("before", {}))
    session.execute(
        update(members).where(members.c.id == merged_id).values(merged_into_id=None, **before)
    )
    kept_change = moved.get("kept_member", {})
    kept_before, kept_after = kept_change.get("before", {}), kept_change.get("after", {})
    plain = [name for name in kept_before if name not in SEARCH_COLUMNS]
    untouched = _restore(
        session,
        members,
        kept_id,
        {n: kept_before[n] for n in plain},
        {n: kept_after[n] for n in plain},
    )
    session.expire_all()
    if untouched and all(n in kept_before for n in SEARCH_COLUMNS):
        _restore(
            session,
            members,
            kept_id,
            {n: kept_before[n] for n in SEARCH_COLUMNS},
            {n: kept_after[n] for n in SEARCH_COLUMNS},
            force=True,
        )
    else:
        member = session.get(Member, kept_id)
        if member is not None:
            refresh_search_keys(session, member)
    record.undone_at = datetime.now()
    session.flush()
    session.expire_all()
    return Merged(merge_id, kept_id, merged_id)


def _restore(
    session: Session,
    table: Table,
    row_id: int,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    force: bool = False,
) -> bool:
    """Set the columns back to `before` where they still hold what the merge set (`after`).

    True when every column could be restored (nothing was edited since the merge)."""
    current = row_of(session, table, row_id)
    if current is None:
        return False
    values, untouched = {}, True
    for name, encoded in before.items():
        if force or current[name] == decode(after[name]):
            values[name] = decode(encoded)
        else:
            untouched = False
    if values:
        session.execute(update(table).where(table.c.id == row_id).values(**values))
    return untouched
