"""The database as the planner sees it: loaded once into dicts (Snapshot), a fingerprint that
tells whether it changed since, and the current state of the members the file matched."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, bindparam, func, select

from core.common.progress import CancelCheck, Cancelled
from core.members.importing.fields import IDENTITY_FIELDS
from core.members.importing.nickname_key import duplicate_key
from core.members.importing.persons import STAFF_ACCOUNT_FIELD
from db.models import Community, Member, MemberMerge, Membership, MembershipEvent, MemberTag, Tag

DB_KEYS = ("unionid", "wxid", "external_userid", "wechat_id", "phone")
_MEMBER_FIELDS = ("nickname", "remark", "gender", "birthday", "city", "source_channel", "notes")
_CHUNK = 5000  # members per query when loading the matched ones


def database_fingerprint(connection: Connection) -> tuple:
    """Changes whenever members, memberships, communities or tags change: a plan made before
    such a change must not be applied after it."""
    m, ms, c = Member.__table__, Membership.__table__, Community.__table__
    ev, tg, mt = MembershipEvent.__table__, Tag.__table__, MemberTag.__table__
    mg = MemberMerge.__table__
    return tuple(
        connection.execute(
            select(
                select(func.count()).select_from(m).scalar_subquery(),
                select(func.max(m.c.id)).scalar_subquery(),
                select(func.max(m.c.updated_at)).scalar_subquery(),
                select(func.count()).select_from(ms).scalar_subquery(),
                select(func.max(ms.c.id)).scalar_subquery(),
                select(func.count()).select_from(ev).scalar_subquery(),
                select(func.max(ev.c.id)).scalar_subquery(),
                select(func.count()).select_from(c).scalar_subquery(),
                select(func.max(c.c.id)).scalar_subquery(),
                select(func.count()).select_from(tg).scalar_subquery(),
                select(func.count()).select_from(mt).scalar_subquery(),
                select(func.count()).select_from(mg).scalar_subquery(),
            )
        ).one()
    )


class Snapshot:
    """What the planner needs from the database, loaded once into dicts."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        m = Member.__table__
        merged: dict[int, int] = {}
        self.keys: dict[int, tuple] = {}
        self.nickname: dict[int, str] = {}
        self.team: set[int] = set()
        rows = connection.execute(
            select(
                m.c.id,
                m.c.nickname,
                *(m.c[k] for k in DB_KEYS),
                m.c.is_team,
                m.c.merged_into_id,
            ).order_by(m.c.id)
        )
        self.maps: dict[str, dict[str, int]] = {k: {} for k in IDENTITY_FIELDS}
        pending: list[tuple] = []
        for row in rows:
            member_id, nickname, *keys, is_team, merged_into = row
            if merged_into is not None:
                merged[member_id] = merged_into
                pending.append((member_id, keys))
                continue
            self.keys[member_id] = tuple(keys)
            self.nickname[member_id] = nickname or ""
            if is_team:
                self.team.add(member_id)
            for kind, value in zip(DB_KEYS, keys, strict=True):
                if value:
                    self.maps[kind].setdefault(value, member_id)
        # Identifiers of a member merged into another lead to the one kept.
        for member_id, keys in pending:
            kept = self.canonical(member_id, merged)
            if kept in self.keys:
                for kind, value in zip(DB_KEYS, keys, strict=True):
                    if value:
                        self.maps[kind].setdefault(value, kept)
        self.staff: dict[int, str] = {}
        if self.team:
            for member_id, custom in connection.execute(
                select(m.c.id, m.c.custom_fields).where(m.c.is_team.is_(True))
            ):
                account = (
                    (custom or {}).get(STAFF_ACCOUNT_FIELD) if isinstance(custom, dict) else None
                )
                if account and member_id in self.keys:
                    self.staff[member_id] = account
                    self.maps["staff_userid"].setdefault(account, member_id)
        self.team_by_nickname: dict[str, list[int]] = defaultdict(list)
        for member_id in sorted(self.team):
            self.team_by_nickname[self.nickname[member_id]].append(member_id)
        c = Community.__table__
        self.communities: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.community_names: dict[int, str] = {}
        for community_id, name, platform in connection.execute(
            select(c.c.id, c.c.name, c.c.platform).where(c.c.deleted_at.is_(None)).order_by(c.c.id)
        ):
            self.communities[name].append((community_id, platform))
            self.community_names[community_id] = name
        self._weak: dict[int | None, dict[str, list[int]]] = {}
        self._duplicate_index: dict[str, list[int]] | None = None

    @staticmethod
    def canonical(member_id: int, merged: dict[int, int]) -> int:
        seen = set()
        while member_id in merged and member_id not in seen:
            seen.add(member_id)
            member_id = merged[member_id]
        return member_id

    def key_of(self, member_id: int, kind: str) -> str | None:
        if kind == "staff_userid":
            return self.staff.get(member_id)
        keys = self.keys.get(member_id)
        return keys[DB_KEYS.index(kind)] if keys else None

    def weak_candidates(self, community_id: int | None) -> dict[str, list[int]]:
        """Members by nickname, for rows without identifiers: those of a community (current
        members first), or (None) members with no identifier and no community at all."""
        if community_id in self._weak:
            return self._weak[community_id]
        m, ms = Member.__table__, Membership.__table__
        found: dict[str, list[int]] = defaultdict(list)
        if community_id is not None:
            rows = self.connection.execute(
                select(ms.c.member_id, m.c.nickname)
                .join(m, m.c.id == ms.c.member_id)
                .where(ms.c.community_id == community_id, m.c.merged_into_id.is_(None))
                .order_by(ms.c.left_at.is_not(None), ms.c.member_id)
            )
        else:
            has_membership = select(ms.c.id).where(ms.c.member_id == m.c.id).exists()
            rows = self.connection.execute(
                select(m.c.id, m.c.nickname)
                .where(
                    m.c.merged_into_id.is_(None),
                    m.c.is_team.is_(False),
                    *(m.c[k].is_(None) for k in DB_KEYS),
                    ~has_membership,
                )
                .order_by(m.c.id)
            )
        for member_id, nickname in rows:
            if member_id not in self.staff:
                found[(nickname or "").strip()].append(member_id)
        self._weak[community_id] = found
        return found

    def duplicate_index(self) -> dict[str, list[int]]:
        if self._duplicate_index is None:
            index: dict[str, list[int]] = defaultdict(list)
            for member_id, nickname in self.nickname.items():
                key = duplicate_key(nickname)
                if key:
                    index[key].append(member_id)
            self._duplicate_index = index
        return self._duplicate_index


def load_matched(connection: Connection, ids: list[int], cancelled: CancelCheck) -> tuple:
    """The current state of every matched member, fetched in chunks by id: member id → its
    columns, → community id → its membership's state, → its tag names."""
    existing: dict[int, dict] = {}
    existing_groups: dict[int, dict[int, tuple]] = defaultdict(dict)
    existing_tags: dict[int, set[str]] = defaultdict(set)
    m, ms, mt, tg = Member.__table__, Membership.__table__, MemberTag.__table__, Tag.__table__
    columns = [
        m.c.id,
        *(m.c[f] for f in _MEMBER_FIELDS),
        *(m.c[k] for k in DB_KEYS),
        m.c.custom_fields,
        m.c.is_team,
        m.c.inviter_id,
    ]
    names = [column.name for column in columns]
    # The ids are written into the SQL (integers, from the database): no bound-parameter
    # limit, so few big chunks, and no per-value parameter processing.
    chunk_ids = bindparam("ids", expanding=True, literal_execute=True)
    members = select(*columns).where(m.c.id.in_(chunk_ids))
    memberships = select(
        ms.c.member_id,
        ms.c.community_id,
        ms.c.group_nickname,
        ms.c.joined_at,
        ms.c.left_at,
        ms.c.join_channel,
    ).where(ms.c.member_id.in_(chunk_ids))
    tags = (
        select(mt.c.member_id, tg.c.name)
        .join(tg, tg.c.id == mt.c.tag_id)
        .where(mt.c.member_id.in_(chunk_ids))
    )
    for start in range(0, len(ids), _CHUNK):
        chunk = {"ids": ids[start : start + _CHUNK]}
        for row in connection.execute(members, chunk):
            existing[row[0]] = dict(zip(names, row, strict=True))
        for member_id, community_id, *state in connection.execute(memberships, chunk):
            existing_groups[member_id][community_id] = tuple(state)
        for member_id, name in connection.execute(tags, chunk):
            existing_tags[member_id].add(name)
        if cancelled():
            raise Cancelled
    return existing, existing_groups, existing_tags
