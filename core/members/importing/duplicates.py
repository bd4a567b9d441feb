"""Possible duplicates: nickname matches without a shared identifier, only ever suggested."""

from __future__ import annotations

from collections.abc import Container
from typing import TYPE_CHECKING

from core.common.text import msg
from core.members.importing.fields import IDENTITY_FIELDS
from core.members.importing.model import PossibleDuplicate
from core.members.importing.nickname_key import duplicate_key

if TYPE_CHECKING:
    from core.members.importing.persons import Person
    from core.members.importing.snapshot import Snapshot

_DUPLICATE_LIMIT_PER_ROW = 3
_DUPLICATE_LIMIT = 2000
_SAME_NICKNAME = msg("昵称相同，但没有相同的编号或手机号")


def _first_compatible(groups: dict[frozenset, list[tuple]], kinds: frozenset) -> list[tuple]:
    """The first few candidates, in their original order, of the groups that have none of
    `kinds`; enough for any row (a row shows at most _DUPLICATE_LIMIT_PER_ROW)."""
    chosen = [
        item
        for group_kinds, items in groups.items()
        if kinds.isdisjoint(group_kinds)
        for item in items[:_DUPLICATE_LIMIT_PER_ROW]
    ]
    chosen.sort(key=lambda item: item[0])
    return chosen


def possible_duplicates(
    persons: list[Person], db: Snapshot, matched: Container[int], notes: list[str]
) -> list[PossibleDuplicate]:
    """Nickname matches without a shared identifier: only suggestions, never merged.

    A new person's identifiers belong to nobody else, in the file or the database (one that
    was taken was not given to them). So a candidate conflicts with them exactly when it has
    an identifier of a kind they have too, and candidates are kept grouped by the kinds they
    have: each row looks at the first few of the groups it does not conflict with, instead
    of at every earlier one (100000 rows over ten nicknames, each row with its own phone,
    took 14 minutes).
    """
    found: list[PossibleDuplicate] = []
    new_persons = [p for p in persons if p.member_id is None]
    if not new_persons:
        return found
    db_index = db.duplicate_index()
    db_groups: dict[str, dict[frozenset, list[tuple[int, int]]]] = {}
    # key → identifier kinds → (position, new person), in file order
    file_groups: dict[str, dict[frozenset, list[tuple[int, Person]]]] = {}
    for position, person in enumerate(new_persons):
        if len(found) >= _DUPLICATE_LIMIT:
            break
        nickname = person.fields.get("nickname", "")
        key = duplicate_key(nickname)
        if not key:
            continue
        kinds = frozenset(kind for kind, value in person.keys.items() if value)
        groups = db_groups.get(key)
        if groups is None:
            groups = db_groups[key] = _member_groups(db, matched, db_index.get(key, ()))
        # (other_nickname, other_member_id, other_row): database members first, then earlier rows
        candidates = [
            (db.nickname.get(member_id, ""), member_id, None)
            for _order, member_id in _first_compatible(groups, kinds)
        ]
        groups = file_groups.setdefault(key, {})
        candidates += [
            (other.fields.get("nickname", ""), None, (other.first.sheet, other.first.row))
            for _order, other in _first_compatible(groups, kinds)
        ]
        room = min(_DUPLICATE_LIMIT_PER_ROW, _DUPLICATE_LIMIT - len(found))
        found.extend(
            PossibleDuplicate(
                person.first.sheet,
                person.first.row,
                nickname,
                other_nickname,
                other_member_id,
                other_row,
                _SAME_NICKNAME,
            )
            for other_nickname, other_member_id, other_row in candidates[:room]
        )
        groups.setdefault(kinds, []).append((position, person))
    if len(found) >= _DUPLICATE_LIMIT:
        notes.append(
            msg("疑似重复的成员超过 {limit} 对，只列出前 {limit} 对", limit=_DUPLICATE_LIMIT)
        )
    return found


def _member_groups(
    db: Snapshot, matched: Container[int], member_ids
) -> dict[frozenset, list[tuple[int, int]]]:
    """Database members with one duplicate key, by the identifier kinds they have; those
    the file matched are left out (they are the same person, not a possible duplicate)."""
    groups: dict[frozenset, list[tuple[int, int]]] = {}
    for order, member_id in enumerate(member_ids):
        if member_id in matched:
            continue
        kinds = frozenset(k for k in IDENTITY_FIELDS if db.key_of(member_id, k))
        groups.setdefault(kinds, []).append((order, member_id))
    return groups
