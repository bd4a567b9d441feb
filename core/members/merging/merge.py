"""Merging: fold one member into another, recording every row it moves."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.text import msg
from core.members.editing import refresh_search_keys
from core.members.merging.records import (
    FILLED_FIELDS,
    MOVED_VERSION,
    REASSIGNED,
    Merged,
    encode,
    encode_row,
    hand_over,
    row_of,
)
from core.members.search_keys import SEARCH_COLUMNS
from db.models import Member, MemberMerge, Membership, MemberTag, NotSamePerson

# Stronger first; the combined membership of a merged pair keeps the stronger role.
ROLE_STRENGTH = ("manager", "leader", "executor", "contributor", "connector", "follower")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {}


def _stronger(a: str, b: str) -> str:
    rank = {role: i for i, role in enumerate(ROLE_STRENGTH)}
    return min(a, b, key=lambda role: rank.get(role, len(rank)))


def combine_memberships(kept: dict[str, Any], merged: dict[str, Any]) -> dict[str, Any]:
    """The values one membership takes when both members were in the same community: the
    earliest join (with its channel), a non-empty group nickname (the kept one's first), the
    stronger role, seed user if either was, and left only if both left (the later leave)."""
    joined = [m for m in (kept, merged) if m["joined_at"] is not None]
    first = min(joined, key=lambda m: m["joined_at"]) if joined else kept
    other = merged if first is kept else kept
    both_left = kept["left_at"] is not None and merged["left_at"] is not None
    return {
        "joined_at": first["joined_at"],
        "join_channel": first["join_channel"] or other["join_channel"],
        "group_nickname": kept["group_nickname"] or merged["group_nickname"],
        "role": _stronger(kept["role"], merged["role"]),
        "is_seed_user": bool(kept["is_seed_user"] or merged["is_seed_user"]),
        "left_at": max(kept["left_at"], merged["left_at"]) if both_left else None,
    }


def _live_member(session: Session, member_id: int, *, kept: bool) -> dict[str, Any]:
    row = row_of(session, Member.__table__, member_id)
    if row is None:
        if kept:
            raise UserError(msg("找不到要保留的成员（编号 {id}），可能已被删除", id=member_id))
        raise UserError(msg("找不到要合并的成员（编号 {id}），可能已被删除", id=member_id))
    if row["merged_into_id"] is not None:
        name = row["nickname"]
        if kept:
            raise UserError(
                msg("要保留的成员「{name}」已被合并到其他成员，请刷新后重试", name=name)
            )
        raise UserError(msg("要合并的成员「{name}」已被合并到其他成员，请刷新后重试", name=name))
    return row


def check_merge(
    session: Session, kept_id: int, merged_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two members' rows when members allow merging them; else UserError saying why.

    Called by `merge_members` itself; a caller that checks more (the ledger's bound) calls it
    first, so the members' refusals come before its own."""
    if kept_id == merged_id:
        raise UserError(msg("不能把成员合并到自己"))
    session.flush()
    kept = _live_member(session, kept_id, kept=True)
    merged = _live_member(session, merged_id, kept=False)
    if bool(kept["is_team"]) != bool(merged["is_team"]):
        raise UserError(msg("团队成员只能与团队成员合并：请先把两人的「团队成员」设成一致"))
    return kept, merged


def merge_members(session: Session, kept_id: int, merged_id: int) -> Merged:
    """Fold `merged_id` into `kept_id`; return what was merged into what, and the merge's id
    (for `undo_merge`).

    Every membership, tag, activity, join/leave and group-nickname record and invitation of the
    merged member goes to the kept one; where both were in one community the two memberships
    become one (see `combine_memberships`). The kept member's empty fields are filled from the
    merged one, never overwritten. The merged member stays, hidden, with `merged_into_id` set.
    The points ledger's rows follow in the ledger's own step (core.workflows.merging).
    """
    kept, merged = check_merge(session, kept_id, merged_id)
    now = datetime.now()
    moved: dict[str, Any] = {"version": MOVED_VERSION, "rows": {}}
    # Recorded first: the ledger's triggers let an entry change member only along a merge
    # that is recorded and not undone (the ledger's step comes after this one).
    record = MemberMerge(kept_id=kept_id, merged_id=merged_id, merged_at=now, moved={})
    session.add(record)
    session.flush()

    moved["combined_memberships"] = _combine_shared_memberships(session, kept_id, merged_id)
    moved["tags"] = _move_tags(session, kept_id, merged_id)
    moved["not_same_person"] = _move_not_same_person(session, kept_id, merged_id)

    changes: dict[str, Any] = {}
    for name in FILLED_FIELDS:
        value, own = merged[name], kept[name]
        if name == "inviter_id":
            if own == merged_id:  # the merged member "invited" the kept one: that is themselves
                changes[name] = value if value != kept_id else None
            elif own is None and value is not None and value != kept_id:
                changes[name] = value
        elif name == "custom_fields":
            combined = {**(value or {}), **(own or {})}
            if combined != (own or {}):
                changes[name] = combined
        elif _empty(own) and not _empty(value):
            changes[name] = value
    latest = [t for t in (kept["last_active_at"], merged["last_active_at"]) if t is not None]
    if latest and max(latest) != kept["last_active_at"]:
        changes["last_active_at"] = max(latest)
    changes["updated_at"] = now
    members = Member.__table__
    session.execute(update(members).where(members.c.id == kept_id).values(**changes))

    for key, (table, column) in REASSIGNED.items():
        # The kept member invited by the merged one is not their own invitee.
        also = [table.c.id != kept_id] if key == "invitations" else []
        moved["rows"][key] = hand_over(session, table, column, merged_id, kept_id, *also)

    session.execute(
        update(members)
        .where(members.c.id == merged_id)
        .values(merged_into_id=kept_id, updated_at=now)
    )
    moved["merged_member"] = {"before": encode_row({"updated_at": merged["updated_at"]})}

    session.expire_all()
    member = session.get(Member, kept_id)
    refresh_search_keys(session, member)
    session.flush()
    after = row_of(session, members, kept_id)
    changed = [*changes, *SEARCH_COLUMNS]
    moved["kept_member"] = {
        "before": encode_row({name: kept[name] for name in changed}),
        "after": encode_row({name: after[name] for name in changed}),
    }
    record = session.get(MemberMerge, record.id)
    record.moved = moved
    session.flush()
    return Merged(record.id, kept_id, merged_id)


def _combine_shared_memberships(session: Session, kept_id: int, merged_id: int) -> list[dict]:
    table = Membership.__table__
    rows = session.execute(
        select(table).where(table.c.member_id.in_((kept_id, merged_id)))
    ).mappings()
    by_community: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows:
        by_community[row["community_id"]][row["member_id"]] = dict(row)
    combined = []
    for community_id in sorted(by_community):
        pair = by_community[community_id]
        if len(pair) < 2:
            continue
        kept, merged = pair[kept_id], pair[merged_id]
        values = combine_memberships(kept, merged)
        session.execute(delete(table).where(table.c.id == merged["id"]))
        session.execute(update(table).where(table.c.id == kept["id"]).values(**values))
        combined.append(
            {
                "kept": kept["id"],
                "before": encode_row({name: kept[name] for name in values}),
                "after": encode_row(values),
                "merged_row": encode_row(merged),
            }
        )
    return combined


def _move_tags(session: Session, kept_id: int, merged_id: int) -> dict[str, list[int]]:
    table = MemberTag.__table__
    mine = set(session.scalars(select(table.c.tag_id).where(table.c.member_id == kept_id)))
    theirs = set(session.scalars(select(table.c.tag_id).where(table.c.member_id == merged_id)))
    moving, shared = sorted(theirs - mine), sorted(theirs & mine)
    if moving:
        session.execute(
            update(table)
            .where(table.c.member_id == merged_id, table.c.tag_id.in_(moving))
            .values(member_id=kept_id)
        )
    if shared:
        session.execute(
            delete(table).where(table.c.member_id == merged_id, table.c.tag_id.in_(shared))
        )
    return {"moved": moving, "shared": shared}


def _move_not_same_person(session: Session, kept_id: int, merged_id: int) -> dict[str, list]:
    """ "Not the same person as X" said of the merged member holds for the kept one too."""
    table = NotSamePerson.__table__
    a, b = table.c.member_a_id, table.c.member_b_id
    rows = session.execute(
        select(a, b, table.c.decided_at).where(or_(a == merged_id, b == merged_id))
    ).all()
    removed, added = [], []
    for first, second, decided_at in rows:
        session.execute(delete(table).where(a == first, b == second))
        removed.append([first, second, encode(decided_at)])
        other = second if first == merged_id else first
        if other == kept_id:
            continue  # the user merges a pair once called different: the merge decides
        pair = sorted((kept_id, other))
        exists = session.execute(select(a).where(a == pair[0], b == pair[1])).first()
        if exists is None:
            session.execute(
                insert(table).values(
                    member_a_id=pair[0], member_b_id=pair[1], decided_at=decided_at
                )
            )
            added.append(pair)
    return {"removed": removed, "added": added}
