"""The activity records the earn rules look at, in the order they apply them — (time, id) —
a bounded chunk at a time, so a million new records never sit in memory together.

Team members' and merged-away members' records are left out (they earn nothing), and so are
records already rewarded (an entry with their `activity:<id>` key: running twice adds
nothing). A few
records are read and sorted here; many are ranked by the database in a temporary table
(id → position), and read back a position range at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    cast,
    exists,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.orm import Session

from db.bulk import insert_tuples
from db.ledger_models import LedgerEntry
from db.models import ActivityEvent, Member

EVENT = ActivityEvent.__table__
MEMBER = Member.__table__
ENTRY = LedgerEntry.__table__
KEY_PREFIX = "activity:"  # an activity award's dedupe_key: activity:<record id>
CHUNK = 20_000  # records per chunk: what the earn rules hold at once

_TEMP = MetaData()
_IDS = Table("earn_event_ids", _TEMP, Column("id", BigInteger), prefixes=["TEMPORARY"])
_RANKED = Table(
    "earn_event_ranked",
    _TEMP,
    Column("pos", Integer, primary_key=True),
    Column("id", BigInteger),
    prefixes=["TEMPORARY"],
)
_COLUMNS = (
    EVENT.c.id,
    EVENT.c.member_id,
    EVENT.c.kind,
    EVENT.c.occurred_at,
    EVENT.c.amount_cents,
    EVENT.c.source,
    EVENT.c.source_ref,
)


@dataclass(frozen=True)
class EarnEvent:
    id: int
    member_id: int
    kind: str
    occurred_at: datetime
    amount_cents: int
    source: str
    source_ref: str | None


def unique_ids(event_ids: Sequence[int]) -> list[int]:
    """The ids sorted, once each (an import's ids usually already are: no set needed)."""
    ids = list(event_ids)
    if all(a < b for a, b in pairwise(ids)):
        return ids
    return sorted(set(ids))


def activity_key(event_id: int) -> str:
    return f"{KEY_PREFIX}{event_id}"


def _rewarded(session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 1000):
        found.update(
            session.scalars(
                select(ENTRY.c.dedupe_key).where(ENTRY.c.dedupe_key.in_(keys[start : start + 1000]))
            )
        )
    return found


def _earners(session: Session, member_ids: set[int]) -> set[int]:
    """Of these members, the ones who earn: not team, not merged away."""
    found: set[int] = set()
    members = sorted(member_ids)
    for start in range(0, len(members), 1000):
        found.update(
            session.scalars(
                select(MEMBER.c.id).where(
                    MEMBER.c.id.in_(members[start : start + 1000]),
                    MEMBER.c.is_team.is_not(True),
                    MEMBER.c.merged_into_id.is_(None),
                )
            )
        )
    return found


def ordered_chunks(session: Session, ids: list[int]) -> Iterator[list[EarnEvent]]:
    """The records `ids` (sorted, unique) of members who earn, in (time, id) order, in chunks
    of at most CHUNK. Each chunk is read when the previous one has been handled."""
    if len(ids) <= CHUNK:
        yield from _few(session, ids)
    else:
        yield from _many(session, ids)


def _few(session: Session, ids: list[int]) -> Iterator[list[EarnEvent]]:
    # By primary key alone: joined with members, SQLite reads every event of those members.
    rows = [
        EarnEvent(*row)
        for start in range(0, len(ids), 1000)
        for row in session.execute(
            select(*_COLUMNS).where(EVENT.c.id.in_(ids[start : start + 1000]))
        )
    ]
    earners = _earners(session, {row.member_id for row in rows})
    rows = [row for row in rows if row.member_id in earners]
    done = _rewarded(session, [activity_key(row.id) for row in rows])
    events = sorted(
        (row for row in rows if activity_key(row.id) not in done),
        key=lambda e: (e.occurred_at, e.id),
    )
    if events:
        yield events


def _many(session: Session, ids: list[int]) -> Iterator[list[EarnEvent]]:
    connection = session.connection()
    for table in (_IDS, _RANKED):
        connection.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
        table.create(connection)
    for start in range(0, len(ids), CHUNK):
        insert_tuples(connection, _IDS, ("id",), [(i,) for i in ids[start : start + CHUNK]])
    rank = func.row_number().over(order_by=(EVENT.c.occurred_at, EVENT.c.id))
    rewarded = exists().where(
        ENTRY.c.dedupe_key == literal(KEY_PREFIX) + cast(EVENT.c.id, String)
    )  # one look-up in the unique index per record, not a million keys sent
    connection.execute(
        insert(_RANKED).from_select(
            ["pos", "id"],
            select(rank, EVENT.c.id)
            .select_from(_IDS.join(EVENT, EVENT.c.id == _IDS.c.id))
            .join(MEMBER, MEMBER.c.id == EVENT.c.member_id)
            .where(MEMBER.c.is_team.is_not(True), MEMBER.c.merged_into_id.is_(None), ~rewarded),
        )
    )
    total = connection.scalar(select(func.count()).select_from(_RANKED)) or 0
    for first in range(1, total + 1, CHUNK):
        rows = connection.execute(
            select(*_COLUMNS)
            .select_from(_RANKED.join(EVENT, EVENT.c.id == _RANKED.c.id))
            .where(_RANKED.c.pos >= first, _RANKED.c.pos < first + CHUNK)
            .order_by(_RANKED.c.pos)
        ).all()
        yield [EarnEvent(*row) for row in rows]
    # Only after the last chunk: a run that fails or is cancelled is rolled back by its
    # caller, and these tables with it (DDL is transactional on SQLite and PostgreSQL).
    for table in (_IDS, _RANKED):
        connection.execute(text(f"DROP TABLE {table.name}"))
