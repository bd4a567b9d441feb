"""apply_import: write what a plan describes, in the caller's one transaction.

Bulk paths throughout: new members get ids allocated up front (SQLite: after the batch row is
written, so the write lock is held; PostgreSQL: from the sequence) and go in through
db.bulk.insert_tuples with their search keys; updates are executemany by column set. The caller
owns the transaction (`with database.session() as s: apply_import(s, plan)`): any exception —
Cancelled included — must roll it back, which those context managers do, so a failed or cancelled
import leaves the database as it was.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Connection, Executable, Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.operator import operator_name
from core.common.progress import CancelCheck, Cancelled, Progress, never_cancelled, no_progress
from core.common.text import msg
from core.members.importing.model import ImportPlan, ImportResult
from core.members.importing.persons import Person
from core.members.importing.plan import PlanInternal, gc_paused
from core.members.importing.snapshot import database_fingerprint
from core.members.profile import PROFILE_FIELDS
from core.members.search_keys import SEARCH_COLUMNS, member_search_keys
from db.bulk import insert_tuples
from db.models import (
    Community,
    GroupNicknameHistory,
    ImportBatch,
    Member,
    Membership,
    MembershipEvent,
    MemberTag,
    NotSamePerson,
    Setting,
    Tag,
)

BATCH = 20_000
SOURCE = "import"

MEMBER_COLUMNS = (
    "id",
    *PROFILE_FIELDS,
    "is_team",
    *SEARCH_COLUMNS,
    "created_at",
    "updated_at",
)
MEMBERSHIP_COLUMNS = (
    "member_id",
    "community_id",
    "group_nickname",
    "joined_at",
    "left_at",
    "join_channel",
    "role",
    "is_seed_user",
)
EVENT_COLUMNS = ("member_id", "community_id", "kind", "occurred_at", "source")
HISTORY_COLUMNS = ("member_id", "community_id", "nickname", "seen_at")


# json.dumps(…, ensure_ascii=False) builds a new encoder on every call; one does for all rows.
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def forget_applied(plan: ImportPlan) -> None:
    """The transaction that applied `plan` was rolled back (a later step failed): the same
    preview may be imported again."""
    if plan.internal is not None:
        plan.internal.extra.pop("applied", None)


def apply_import(
    session_or_connection: Session | Connection,
    plan: ImportPlan,
    *,
    operator: str | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> ImportResult:
    """Carry out `plan` inside the caller's transaction and return what was done.

    Only the members' side: levels follow in core.workflows.member_import, from the members
    who joined or left (ImportResult.moved_member_ids). Raises UserError when the database
    changed since the plan was made (plan again), Cancelled when `cancelled()` says so; either
    way the caller's rollback leaves no trace.
    """
    connection = (
        session_or_connection.connection()
        if isinstance(session_or_connection, Session)
        else session_or_connection
    )
    internal: PlanInternal | None = plan.internal
    if internal is None:
        raise ValueError("the plan was not made by plan_import")
    if internal.extra.get("applied"):
        raise UserError(msg("这个导入已经执行过了；如需再次导入，请重新预览"))
    if database_fingerprint(connection) != internal.fingerprint:
        raise UserError(msg("预览之后数据库有了变化（可能有人同时在修改），请重新预览后再导入"))
    writer = _Writer(connection, plan, internal, progress, cancelled)
    operator = operator if operator is not None else operator_name()
    with gc_paused():
        writer.run(operator)
    internal.extra["applied"] = True
    counts = plan.counts
    return ImportResult(
        batch_id=writer.batch_id,
        added=counts.added,
        updated=counts.updated,
        unchanged=counts.unchanged,
        linked=counts.linked,
        rejected=counts.rejected,
        joined=counts.joined,
        left=counts.left,
        communities_created=writer.communities_created,
        community_ids=dict(writer.community_ids),
        doubtful=counts.doubtful,
        moved_member_ids=frozenset(writer.moved),
        inviters=writer.inviters,
    )


class _Writer:
    def __init__(
        self,
        connection: Connection,
        plan: ImportPlan,
        internal: PlanInternal,
        progress: Progress,
        cancelled: CancelCheck,
    ) -> None:
        self.connection = connection
        self.plan = plan
        self.internal = internal
        self.progress = progress
        self.cancelled = cancelled
        self.now = datetime.now()
        self.new = [p for p in internal.persons if p.member_id is None]
        self.changed = [p for p in internal.persons if p.member_id is not None and p.changes]
        memberships = sum(len(p.ops.get("memberships", ())) for p in internal.persons)
        tags = sum(len(p.tags) for p in self.new) + sum(len(p.ops["tags"]) for p in self.changed)
        # Search keys cost the most per new member: they weigh 3 units in the progress.
        self.total = (
            3 * len(self.new)
            + len(self.changed)
            + memberships
            + len(internal.leaves) * 2
            + tags
            + 1
        )
        self.done = 0
        self.communities_created = 0
        self.community_ids: dict[str, int] = {}
        self.batch_id = 0
        self.moved: set[int] = set()  # members who joined, rejoined or left a group
        self.inviters: list[tuple[int, int]] = []  # (member, inviter) written

    def step(self, units: int) -> None:
        if self.cancelled():
            raise Cancelled
        self.done = min(self.done + units, self.total - 1)
        self.progress(self.done, self.total)

    def run(self, operator: str) -> None:
        self.progress(0, self.total)
        self._batch(operator)  # first: on SQLite this takes the write lock
        self._allocate_ids()
        self.community_ids = self._communities()
        self._insert_members()
        self._update_members()
        self._inviters_and_owners()
        self._memberships()
        self._leaves()
        self._tags()
        self._not_same()
        self._remember_mappings()
        self.progress(self.total, self.total)

    # ------------------------------------------------------------------ steps

    def _batch(self, operator: str) -> None:
        counts = self.plan.counts
        result = self.connection.execute(
            insert(ImportBatch.__table__).values(
                file_name=self.plan.file_name,
                file_sha256=self.plan.file_sha256,
                imported_at=self.now,
                operator=operator[:100],
                added=counts.added,
                updated=counts.updated,
                unchanged=counts.unchanged,
                linked=counts.linked,
                # The batch has no column of its own for doubtful rows: not imported either.
                rejected=counts.rejected + counts.doubtful,
            )
        )
        self.batch_id = result.inserted_primary_key[0]

    def _allocate_ids(self) -> None:
        ids = allocate_ids(self.connection, Member.__table__, len(self.new))
        for person, member_id in zip(self.new, ids, strict=True):
            person.new_id = member_id

    def _communities(self) -> dict[str, int]:
        ids: dict[str, int] = {}
        table = Community.__table__
        for name, plan in self.internal.communities.items():
            if plan.community_id is not None:
                ids[name] = plan.community_id
                continue
            result = self.connection.execute(
                insert(table).values(
                    name=name,
                    platform=plan.platform,
                    created_on=date.today(),
                    tags=[],
                    theme="",
                    target_audience="",
                    rules_text="",
                    member_cap=500,
                    scan_cap=200,
                    archived=False,
                )
            )
            ids[name] = result.inserted_primary_key[0]
            self.communities_created += 1
        return ids

    def _insert_members(self) -> None:
        now = self.now
        chunk: list[tuple] = []
        for position, person in enumerate(self.new, start=1):
            fields = person.fields
            keys = person.keys
            nicknames = tuple(
                seen.group_nickname for seen in person.groups.values() if seen.group_nickname
            )
            nickname = fields.get("nickname", "")
            remark = fields.get("remark", "")
            search = member_search_keys(
                nickname, remark, keys.get("wechat_id"), keys.get("phone"), nicknames
            )
            chunk.append(
                (
                    person.new_id,
                    nickname,
                    remark,
                    keys.get("wechat_id"),
                    keys.get("wxid"),
                    keys.get("unionid"),
                    keys.get("external_userid"),
                    keys.get("phone"),
                    fields.get("gender", ""),
                    fields.get("birthday"),
                    fields.get("city", ""),
                    fields.get("source_channel", ""),
                    None,  # inviter_id: set once every new member exists
                    fields.get("notes", ""),
                    _to_json(person.custom) if person.custom else "{}",
                    bool(person.team),
                    search.pinyin,
                    search.initials,
                    search.phone_tail,
                    search.text,
                    now,
                    now,
                )
            )
            if not position % 1000:
                self.step(2000)
            if len(chunk) >= BATCH:
                insert_tuples(self.connection, Member.__table__, MEMBER_COLUMNS, chunk)
                self.step(len(chunk))
                chunk = []
        insert_tuples(self.connection, Member.__table__, MEMBER_COLUMNS, chunk)
        self.step(len(chunk) + (len(self.new) % 1000) * 2)

    def _update_members(self) -> None:
        table = Member.__table__
        groups: dict[tuple, list[dict]] = defaultdict(list)
        for person in self.changed:
            updates = dict(person.ops["updates"])
            base = person.ops["search_base"]
            final = {name: updates.get(name, base[name]) for name in base}
            search = member_search_keys(
                final["nickname"] or "",
                final["remark"] or "",
                final["wechat_id"],
                final["phone"],
                tuple(person.ops["group_nicknames"]),
            )
            updates.update(
                search_pinyin=search.pinyin,
                search_initials=search.initials,
                phone_tail=search.phone_tail,
                search_text=search.text,
                updated_at=self.now,
            )
            updates.pop("inviter_id", None)  # written with the new members' inviters
            params = {f"v_{k}": v for k, v in updates.items()}
            params["b_id"] = person.member_id
            groups[tuple(sorted(updates))].append(params)
        for columns, rows in groups.items():
            statement = (
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values({name: bindparam(f"v_{name}") for name in columns})
            )
            self._execute(statement, rows)

    def _member_id(self, target) -> int | None:
        if isinstance(target, Person):
            return target.member_id if target.member_id is not None else target.new_id
        return target

    def _inviters_and_owners(self) -> None:
        table = Member.__table__
        rows = []
        for person in self.new:
            inviter = self._member_id(person.ops.get("inviter"))
            if inviter is not None and inviter != person.new_id:
                rows.append({"b_id": person.new_id, "v_inviter": inviter})
        for person in self.changed:
            inviter = self._member_id(person.ops["updates"].get("inviter_id"))
            if inviter is not None and inviter != person.member_id:
                rows.append({"b_id": person.member_id, "v_inviter": inviter})
        if rows:
            self.connection.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(inviter_id=bindparam("v_inviter")),
                rows,
            )
        self.inviters = [(row["b_id"], row["v_inviter"]) for row in rows]
        # A community the import creates gets its WeCom owner (群主) when that is a member now.
        communities = Community.__table__
        staff = {}
        for person in self.internal.persons:
            account = person.keys.get("staff_userid")
            if account:
                staff[account] = self._member_id(person)
        for name, plan in self.internal.communities.items():
            owner = staff.get(self.internal.group_owner.get(name, ""))
            if plan.community_id is None and owner is not None:
                self.connection.execute(
                    update(communities)
                    .where(communities.c.id == self.community_ids[name])
                    .values(owner_member_id=owner)
                )

    def _memberships(self) -> None:
        new_rows: list[tuple] = []
        events: list[tuple] = []
        history: list[tuple] = []
        updates: dict[tuple, list[dict]] = defaultdict(list)
        joined = {
            (id(person), name): occurred for person, name, occurred in self.internal.join_events
        }
        for person in self.internal.persons:
            member_id = self._member_id(person)
            role = "manager" if person.team else "follower"
            for kind, name, *rest in person.ops.get("memberships", ()):
                community_id = self.community_ids[name]
                if kind == "new":
                    self.moved.add(member_id)
                    nickname, joined_at, channel = rest
                    new_rows.append(
                        (member_id, community_id, nickname, joined_at, None, channel, role, False)
                    )
                    events.append(
                        (member_id, community_id, "join", joined[(id(person), name)], SOURCE)
                    )
                    if nickname:
                        history.append((member_id, community_id, nickname, self.now))
                else:
                    values = rest[0]
                    params = {f"v_{k}": v for k, v in values.items()}
                    params.update(b_member=member_id, b_community=community_id)
                    updates[tuple(sorted(values))].append(params)
                    if "left_at" in values:
                        self.moved.add(member_id)
                        events.append(
                            (member_id, community_id, "join", values["joined_at"], SOURCE)
                        )
                    if "group_nickname" in values:
                        history.append(
                            (member_id, community_id, values["group_nickname"], self.now)
                        )
        self._insert(Membership.__table__, MEMBERSHIP_COLUMNS, new_rows)
        table = Membership.__table__
        for columns, rows in updates.items():
            statement = (
                update(table)
                .where(
                    table.c.member_id == bindparam("b_member"),
                    table.c.community_id == bindparam("b_community"),
                )
                .values({name: bindparam(f"v_{name}") for name in columns})
            )
            self._execute(statement, rows)
        self._insert(MembershipEvent.__table__, EVENT_COLUMNS, events, weight=0)
        self._insert(GroupNicknameHistory.__table__, HISTORY_COLUMNS, history, weight=0)

    def _leaves(self) -> None:
        if not self.internal.leaves:
            return
        table = Membership.__table__
        rows = []
        events = []
        for member_id, name, occurred, _nickname in self.internal.leaves:
            community_id = self.community_ids[name]
            self.moved.add(member_id)
            rows.append({"b_member": member_id, "b_community": community_id, "v_left": occurred})
            events.append((member_id, community_id, "leave", occurred, SOURCE))
        statement = (
            update(table)
            .where(
                table.c.member_id == bindparam("b_member"),
                table.c.community_id == bindparam("b_community"),
                table.c.left_at.is_(None),
            )
            .values(left_at=bindparam("v_left"))
        )
        self._execute(statement, rows)
        self._insert(MembershipEvent.__table__, EVENT_COLUMNS, events)

    def _tags(self) -> None:
        wanted: list[tuple[int, str]] = []
        for person in self.new:
            wanted.extend((person.new_id, tag) for tag in person.tags)
        for person in self.changed:
            wanted.extend((person.member_id, tag) for tag in person.ops["tags"])
        if not wanted:
            return
        names = sorted({name for _, name in wanted})
        table = Tag.__table__
        ids: dict[str, int] = {}
        for start in range(0, len(names), 500):
            part = names[start : start + 500]
            ids.update(
                {
                    name: tag_id
                    for tag_id, name in self.connection.execute(
                        select(table.c.id, table.c.name).where(table.c.name.in_(part))
                    )
                }
            )
        missing = [name for name in names if name not in ids]
        for name in missing:
            ids[name] = self.connection.execute(
                insert(table).values(name=name)
            ).inserted_primary_key[0]
        pairs = sorted({(member_id, ids[name]) for member_id, name in wanted})
        self._insert(MemberTag.__table__, ("member_id", "tag_id"), pairs)

    def _not_same(self) -> None:
        """A doubtful row answered "another person": the new member and the phone's owner are
        remembered as two people, so no merge is suggested for them."""
        pairs = sorted(
            {
                (min(person.new_id, other), max(person.new_id, other))
                for person in self.new
                for other in person.not_same
            }
        )
        if pairs:
            self._insert(
                NotSamePerson.__table__,
                ("member_a_id", "member_b_id", "decided_at"),
                [(a, b, self.now) for a, b in pairs],
                weight=0,
            )

    def _remember_mappings(self) -> None:
        table = Setting.__table__
        for sheet in self.plan.sheets:
            mapping = sheet.mapping
            if mapping is None or not mapping.confirmed:
                continue
            value = {"headers": list(mapping.headers), "fields": list(mapping.fields)}
            exists = self.connection.execute(
                select(func.count()).select_from(table).where(table.c.key == mapping.key)
            ).scalar_one()
            if exists:
                self.connection.execute(
                    update(table).where(table.c.key == mapping.key).values(value=value)
                )
            else:
                self.connection.execute(insert(table).values(key=mapping.key, value=value))

    def _execute(self, statement: Executable, rows: list[dict]) -> None:
        """`statement` for each of `rows` (its parameters), BATCH rows to a call."""
        for start in range(0, len(rows), BATCH):
            part = rows[start : start + BATCH]
            self.connection.execute(statement, part)
            self.step(len(part))

    def _insert(self, table: Table, columns: Sequence[str], rows: list, weight: int = 1) -> None:
        for start in range(0, len(rows), BATCH):
            part = rows[start : start + BATCH]
            insert_tuples(self.connection, table, columns, part)
            self.step(len(part) * weight)


def allocate_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """`count` fresh primary keys for `table`, for rows inserted with explicit ids."""
    if count == 0:
        return []
    if connection.dialect.name == "postgresql":
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar_one()
        return list(
            connection.execute(
                text("SELECT nextval(:sequence) FROM generate_series(1, :count)"),
                {"sequence": sequence, "count": count},
            ).scalars()
        )
    # SQLite: the caller has written in this transaction, so it holds the write lock and no one
    # else can take ids until it commits; new rowids follow the current maximum.
    start = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(start + 1, start + 1 + count))
