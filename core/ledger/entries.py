"""Writing the journal: awards, FEFO spending, reversals, clawbacks and expiry.

Every write appends; nothing is updated. The bookkeeping identity that makes balances
checkable: each award (a *credit*: earn, or a positive adjust) has
    remaining = points − Σ allocations to it
and every other entry allocates exactly its own points against credits (a spend or expiry
consumes, a reversal of a spend gives back with negative allocations, a reversal or clawback of
a credit consumes that credit whole). So the sum of a member's entries always equals the sum of
the remaining points of their credits, and `verify` can prove it.

Bounds (db.bounds, also CHECK constraints): one entry at most MAX_ENTRY_POINTS either way, a
member's points at most MAX_BALANCE_POINTS (awards that would pass it are refused; an expiry
larger than one entry is written as several).

Consuming entries lock the member first (PostgreSQL: SELECT … FOR NO KEY UPDATE on the member's
row; SQLite: the first statement writes, taking the database's write lock), so two operators
redeeming for one member at the same moment queue instead of both spending the same points.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.progress import (
    CancelCheck,
    Cancelled,
    Progress,
    never_cancelled,
    no_progress,
)
from core.common.text import msg
from db.bounds import MAX_BALANCE_POINTS, MAX_ENTRY_POINTS, MAX_EXPIRY_DAYS, MAX_PENDING_DAYS
from db.bulk import insert_tuples
from db.ledger_models import LedgerAllocation, LedgerEntry, LedgerRule
from db.models import Member

ENTRY = LedgerEntry.__table__
ALLOCATION = LedgerAllocation.__table__
MEMBER = Member.__table__
CREDIT_KINDS = ("earn", "adjust")
REVERSIBLE_KINDS = ("earn", "adjust", "spend")
DEFAULT_EXPIRY_DAYS = 365
BATCH = 2000  # rows per INSERT batch; progress is reported between batches
KIND_NAMES = {
    "earn": msg("获得"),
    "spend": msg("使用"),
    "expire": msg("过期"),
    "adjust": msg("调整"),
    "clawback": msg("收回"),
    "reversal": msg("冲正"),
}
STATUS_NAMES = {"pending": msg("待生效"), "approved": msg("已生效"), "void": msg("已作废")}


def is_credit_clause(table=ENTRY):
    """SQL: the entry is an award whose points can be spent (earn, or a positive adjust)."""
    return and_(table.c.kind.in_(CREDIT_KINDS), table.c.points > 0)


def not_pending_clause(now: datetime, table=ENTRY):
    return or_(table.c.pending_until.is_(None), table.c.pending_until <= now)


@dataclass(frozen=True)
class Award:
    """One award to write in a batch (see `award_batch`)."""

    member_id: int
    points: int
    reason: str = ""
    source: str = "manual"
    reference: str = ""
    qualifying: bool = False
    occurred_at: datetime | None = None
    expires_on: date | None = None
    pending_until: datetime | None = None
    rule_id: int | None = None
    related_member_id: int | None = None
    dedupe_key: str | None = None
    kind: str = "earn"
    operator: str = ""


@dataclass
class Credit:
    """An award with points left, in FEFO order."""

    id: int
    remaining: int
    expires_on: date | None
    occurred_at: datetime


@dataclass
class Posted:
    """What a consuming write did: the entry and the awards it drew on."""

    entry_id: int
    points: int
    allocations: list[tuple[int, int]] = field(default_factory=list)  # (credit id, points)


# ------------------------------------------------------------------------------ locking


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def for_update(session: Session, query: Select, *, key_share: bool = False) -> Select:
    """`query`, locking the rows it reads until the transaction ends: FOR UPDATE, or with
    `key_share` FOR NO KEY UPDATE (rows that reference them can still be written). SQLite
    locks no rows; there the write lock, taken before the first read, queues the writers."""
    if _dialect(session) == "sqlite":
        return query
    return query.with_for_update(key_share=key_share)


def lock_members(session: Session, member_ids: Iterable[int]) -> set[int]:
    """Take the per-member ledger lock; return the ids that exist and were not merged away.

    Call it first in the transaction: on SQLite the write lock must come before any read, or a
    writer that committed in between makes the upgrade fail instead of wait.
    """
    ids = sorted(set(member_ids))
    if not ids:
        return set()
    found: set[int] = set()
    if _dialect(session) == "sqlite":
        for chunk in _chunks(ids):
            # A write that changes nothing: takes SQLite's write lock for this transaction.
            session.execute(
                update(MEMBER)
                .where(MEMBER.c.id.in_(chunk))
                .values(updated_at=MEMBER.c.updated_at)
                .execution_options(synchronize_session=False)
            )
    for chunk in _chunks(ids):
        query = (
            select(MEMBER.c.id)
            .where(MEMBER.c.id.in_(chunk), MEMBER.c.merged_into_id.is_(None))
            .order_by(MEMBER.c.id)
        )
        found.update(session.scalars(for_update(session, query, key_share=True)))
    return found


def take_write_lock(session: Session) -> None:
    """SQLite: hold the write lock from here on (an UPDATE of no row takes it); elsewhere no-op.

    For work that reads before it knows which members to lock (expiry of everyone).
    """
    if _dialect(session) == "sqlite":
        session.execute(
            update(MEMBER)
            .where(MEMBER.c.id < 0)
            .values(updated_at=MEMBER.c.updated_at)
            .execution_options(synchronize_session=False)
        )


def lock_member(session: Session, member_id: int) -> None:
    if member_id not in lock_members(session, [member_id]):
        raise UserError(_unknown_member(session, member_id))


def _unknown_member(session: Session, member_id: int) -> str:
    merged_into = session.scalar(select(MEMBER.c.merged_into_id).where(MEMBER.c.id == member_id))
    if merged_into is not None:
        return msg(
            "成员 {member} 已合并到成员 {kept}，请对成员 {kept} 操作",
            member=member_id,
            kept=merged_into,
        )
    return msg("没有编号为 {member} 的成员", member=member_id)


def _chunks(ids: Sequence[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _post(session: Session, entry: LedgerEntry, plan: Sequence[tuple[int, int]] = ()) -> Posted:
    """Append `entry` and its allocations `plan` [(credit id, points)] to the journal."""
    session.add(entry)
    session.flush()
    if plan:
        session.execute(
            ALLOCATION.insert(),
            [{"entry_id": entry.id, "credit_id": c, "points": p} for c, p in plan],
        )
    return Posted(entry.id, entry.points, list(plan))


# ------------------------------------------------------------------------------ awards


def default_expiry(occurred_at: datetime, days: int | None) -> date | None:
    return None if days is None else occurred_at.date() + timedelta(days=days)


def check_entry_points(points: int) -> None:
    """Refuse a number of points one entry can't hold (either sign)."""
    if abs(points) > MAX_ENTRY_POINTS:
        raise UserError(
            msg(
                "单笔积分不能超过 {limit:,} 分（填写的是 {points} 分）",
                limit=MAX_ENTRY_POINTS,
                points=points,
            )
        )


def check_days(expiry_days: int | None, pending_days: int = 0) -> None:
    if expiry_days is not None and not 0 < expiry_days <= MAX_EXPIRY_DAYS:
        raise UserError(
            msg("有效天数应在 1–{limit} 天之间（留空表示永不过期）", limit=MAX_EXPIRY_DAYS)
        )
    if not 0 <= pending_days <= MAX_PENDING_DAYS:
        raise UserError(msg("待生效天数应在 0–{limit} 天之间", limit=MAX_PENDING_DAYS))


def member_totals(session: Session, member_ids: Sequence[int]) -> dict[int, int]:
    """Each member's points in every state (available and pending), for the balance bound."""
    totals: dict[int, int] = {}
    for chunk in _chunks(sorted(set(member_ids)), 2000):
        totals.update(
            session.execute(
                select(ENTRY.c.member_id, func.sum(ENTRY.c.points))
                .where(ENTRY.c.member_id.in_(chunk))
                .group_by(ENTRY.c.member_id)
            ).all()
        )
    return {m: int(totals.get(m) or 0) for m in member_ids}


def _check_balances(totals: dict[int, int], added: dict[int, int]) -> None:
    """Refuse awards that would take a member past MAX_BALANCE_POINTS (`totals`: their
    points before these awards)."""
    over = next((m for m in sorted(added) if totals[m] + added[m] > MAX_BALANCE_POINTS), None)
    if over is not None:
        raise UserError(
            msg(
                "成员 {member} 的积分将达到 {points:,} 分，超过单人上限 {limit:,} 分，未发放",
                member=over,
                points=totals[over] + added[over],
                limit=MAX_BALANCE_POINTS,
            )
        )


def award(
    session: Session,
    member_id: int,
    points: int,
    *,
    reason: str,
    operator: str = "",
    source: str = "manual",
    reference: str = "",
    qualifying: bool = False,
    expiry_days: int | None = DEFAULT_EXPIRY_DAYS,
    pending_days: int = 0,
    kind: str = "earn",
    rule_id: int | None = None,
    related_member_id: int | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> int:
    """Award points to one member; return the entry's id. Refuses zero, negative, unknown."""
    now = now or datetime.now()
    if not isinstance(points, int) or points <= 0:
        raise UserError(msg("发放的积分必须是正整数；扣减请用「调整」或冲正"))
    check_entry_points(points)
    check_days(expiry_days, pending_days)
    if kind not in CREDIT_KINDS:
        raise UserError(msg("不能以「{kind}」发放积分", kind=KIND_NAMES.get(kind, kind)))
    if not reason.strip():
        raise UserError(msg("请填写发放原因"))
    exists = session.scalar(
        select(MEMBER.c.id).where(MEMBER.c.id == member_id, MEMBER.c.merged_into_id.is_(None))
    )
    if exists is None:
        raise UserError(_unknown_member(session, member_id))
    _check_balances(member_totals(session, [member_id]), {member_id: points})
    entry = LedgerEntry(
        member_id=member_id,
        kind=kind,
        points=points,
        qualifying=qualifying,
        source=source,
        reference=reference,
        dedupe_key=dedupe_key,
        rule_id=rule_id,
        related_member_id=related_member_id,
        operator=operator,
        reason=reason.strip(),
        occurred_at=now,
        recorded_at=now,
        pending_until=now + timedelta(days=pending_days) if pending_days else None,
        expires_on=default_expiry(now, expiry_days),
    )
    return _post(session, entry).entry_id


AWARD_COLUMNS = (
    "member_id",
    "kind",
    "points",
    "qualifying",
    "source",
    "reference",
    "dedupe_key",
    "rule_id",
    "related_member_id",
    "operator",
    "reason",
    "occurred_at",
    "recorded_at",
    "pending_until",
    "expires_on",
    "booked_member_id",
    "booked_related_member_id",
)


def award_rows(awards: Sequence[Award], now: datetime) -> list[tuple]:
    """The awards as tuples in AWARD_COLUMNS order, for a bulk insert."""
    return [
        (
            a.member_id,
            a.kind,
            a.points,
            a.qualifying,
            a.source,
            a.reference,
            a.dedupe_key,
            a.rule_id,
            a.related_member_id,
            a.operator,
            a.reason,
            a.occurred_at or now,
            now,
            a.pending_until,
            a.expires_on,
            a.member_id,
            a.related_member_id,
        )
        for a in awards
    ]


def award_batch(
    session: Session,
    awards: Sequence[Award],
    *,
    now: datetime | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> int:
    """Write many awards at once, all or none (the caller's transaction); return how many.

    Checked first, as a whole: positive points within the entry bound, credit kinds, every
    member present and not merged away, no member past the balance bound afterwards. The
    database's unique `dedupe_key` refuses an award written twice.
    """
    now = now or datetime.now()
    return write_award_rows(
        session, award_rows(awards, now), progress=progress, cancelled=cancelled
    )


def write_award_rows(
    session: Session,
    rows: Sequence[tuple],
    *,
    totals: dict[int, int] | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> int:
    """`award_batch` for rows already in AWARD_COLUMNS order (`award_rows`), checked the same.

    A caller writing one stream of awards in several calls passes the same `totals` dict to
    each: the members' points so far, read once per member and kept up to date here, so the
    balance bound holds for the whole stream without summing their entries again each time.
    """
    bad = next((r for r in rows if r[2] <= 0 or r[1] not in CREDIT_KINDS), None)
    if bad is not None:
        raise UserError(
            msg(
                "成员 {member} 的积分 {points} 不能发放：必须是正整数",
                member=bad[0],
                points=bad[2],
            )
        )
    big = next((r for r in rows if r[2] > MAX_ENTRY_POINTS), None)
    if big is not None:
        raise UserError(
            msg(
                "成员 {member} 的积分 {points} 不能发放：单笔不能超过 {limit:,} 分",
                member=big[0],
                points=big[2],
                limit=MAX_ENTRY_POINTS,
            )
        )
    added: dict[int, int] = {}
    for row in rows:
        added[row[0]] = added.get(row[0], 0) + row[2]
    wanted = sorted(added) if totals is None else sorted(m for m in added if m not in totals)
    live: set[int] = set()
    for chunk in _chunks(wanted, 2000):
        live.update(
            session.scalars(
                select(MEMBER.c.id).where(MEMBER.c.id.in_(chunk), MEMBER.c.merged_into_id.is_(None))
            )
        )
    missing = [m for m in wanted if m not in live]
    if missing:
        raise UserError(
            msg(
                "{problem}（共 {count} 人无效）",
                problem=_unknown_member(session, missing[0]),
                count=len(missing),
            )
        )
    if totals is None:
        totals = {}
    totals.update(member_totals(session, wanted))
    _check_balances(totals, added)
    for member_id, points in added.items():
        totals[member_id] += points
    session.flush()
    connection = session.connection()
    written = 0
    for start in range(0, len(rows), BATCH):
        if cancelled():
            raise Cancelled
        written += insert_tuples(connection, ENTRY, AWARD_COLUMNS, rows[start : start + BATCH])
        progress(written, len(rows))
    return written


# ------------------------------------------------------------------------------ spending


def available_credits(session: Session, member_id: int, now: datetime) -> list[Credit]:
    """The member's awards with points left, soonest-expiring first, then oldest, then never."""
    used = (
        select(ALLOCATION.c.credit_id, func.sum(ALLOCATION.c.points).label("used"))
        .join(ENTRY, ENTRY.c.id == ALLOCATION.c.credit_id)
        .where(ENTRY.c.member_id == member_id)
        .group_by(ALLOCATION.c.credit_id)
        .subquery()
    )
    remaining = ENTRY.c.points - func.coalesce(used.c.used, 0)
    rows = session.execute(
        select(ENTRY.c.id, remaining, ENTRY.c.expires_on, ENTRY.c.occurred_at)
        .outerjoin(used, used.c.credit_id == ENTRY.c.id)
        .where(
            ENTRY.c.member_id == member_id,
            is_credit_clause(),
            not_pending_clause(now),
            remaining > 0,
        )
        .order_by(
            ENTRY.c.expires_on.is_(None),
            ENTRY.c.expires_on,
            ENTRY.c.occurred_at,
            ENTRY.c.id,
        )
    ).all()
    return [Credit(*row) for row in rows]


def fefo_plan(credits: Sequence[Credit], points: int) -> list[tuple[int, int]]:
    """Which credits pay `points`, in the order given: [(credit id, points taken)]."""
    plan, left = [], points
    for credit in credits:
        if left == 0:
            break
        take = min(credit.remaining, left)
        plan.append((credit.id, take))
        left -= take
    if left:
        raise AssertionError("fefo_plan called for more than is available")
    return plan


def spend(
    session: Session,
    member_id: int,
    points: int,
    *,
    reason: str,
    operator: str = "",
    kind: str = "spend",
    source: str = "manual",
    reference: str = "",
    now: datetime | None = None,
) -> Posted:
    """Take points from a member, FEFO; refuses to overdraw. Also for negative adjustments."""
    now = now or datetime.now()
    if not isinstance(points, int) or points <= 0:
        raise UserError(msg("扣减的积分必须是正整数"))
    check_entry_points(points)
    if kind not in ("spend", "adjust"):
        raise UserError(msg("不能以「{kind}」扣减积分", kind=KIND_NAMES.get(kind, kind)))
    if not reason.strip():
        raise UserError(msg("请填写扣减原因"))
    lock_member(session, member_id)
    expire_due(session, today=now.date(), member_ids=[member_id], now=now, locked=True)
    credits = available_credits(session, member_id, now)
    available = sum(c.remaining for c in credits)
    if points > available:
        raise UserError(
            msg(
                "积分不足：可用 {available} 分，需要 {points} 分",
                available=available,
                points=points,
            )
        )
    plan = fefo_plan(credits, points)
    entry = LedgerEntry(
        member_id=member_id,
        kind=kind,
        points=-points,
        source=source,
        reference=reference,
        operator=operator,
        reason=reason.strip(),
        occurred_at=now,
        recorded_at=now,
    )
    return _post(session, entry, plan)


def credit_remaining(session: Session, credit_id: int) -> int:
    points = session.scalar(select(ENTRY.c.points).where(ENTRY.c.id == credit_id)) or 0
    used = session.scalar(
        select(func.coalesce(func.sum(ALLOCATION.c.points), 0)).where(
            ALLOCATION.c.credit_id == credit_id
        )
    )
    return points - (used or 0)


# ------------------------------------------------------------------------------ reversal


def reverse(
    session: Session,
    entry_id: int,
    *,
    reason: str,
    operator: str = "",
    source: str = "manual",
    reference: str = "",
    now: datetime | None = None,
    kind: str = "reversal",
) -> Posted:
    """Cancel one entry by appending its opposite, which names it. Each entry at most once.

    An award can be reversed while none of it has been used; a spend or negative adjustment
    gives its points back to the very awards it took them from (with their expiry dates).
    A clawback is the reversal of a pending award (an invitee who left).
    """
    now = now or datetime.now()
    if not reason.strip():
        raise UserError(msg("请填写冲正原因"))
    take_write_lock(session)
    target = session.execute(select(ENTRY).where(ENTRY.c.id == entry_id)).mappings().first()
    if target is None:
        raise UserError(msg("没有编号为 {entry} 的积分流水", entry=entry_id))
    lock_member(session, target["member_id"])
    done = session.scalar(select(ENTRY.c.id).where(ENTRY.c.reverses_id == entry_id))
    if done is not None:
        raise UserError(
            msg("流水 {entry} 已被流水 {by} 冲正过，不能重复冲正", entry=entry_id, by=done)
        )
    if abs(target["points"]) > MAX_ENTRY_POINTS:
        # Kept from before the bounds (migration 0007); awards like it were neutralised then.
        raise UserError(
            msg("流水 {entry} 的积分超出单笔上限，是升级前的历史数据，不能冲正", entry=entry_id)
        )
    if target["source"] == "redemption" and target["kind"] == "spend" and source != "redemption":
        # The redemption record must say 已取消 with this refund (verify checks it).
        raise UserError(
            msg(
                "这笔扣分属于兑换 {code}，请在兑换记录里取消兑换（积分会退回）",
                code=target["reference"].removeprefix("redemption:"),
            )
        )
    if target["kind"] not in REVERSIBLE_KINDS:
        kind_name = KIND_NAMES[target["kind"]]
        if target["kind"] == "expire":
            raise UserError(msg("「{kind}」流水不能冲正；如需补偿请用「调整」发放", kind=kind_name))
        raise UserError(msg("「{kind}」流水不能冲正", kind=kind_name))
    is_credit = target["points"] > 0
    pending = target["pending_until"] is not None and target["pending_until"] > now
    if kind == "clawback" and not (is_credit and pending):
        raise UserError(msg("只能收回仍在待生效期内的奖励"))
    if is_credit:
        remaining = credit_remaining(session, entry_id)
        if remaining != target["points"]:
            raise UserError(
                msg(
                    "这笔积分已被使用 {used} 分，不能整笔冲正；请改用「调整」扣减剩余部分",
                    used=target["points"] - remaining,
                )
            )
        plan = [(entry_id, target["points"])]
    else:
        given = session.execute(
            select(ALLOCATION.c.credit_id, ALLOCATION.c.points).where(
                ALLOCATION.c.entry_id == entry_id
            )
        ).all()
        plan = [(credit, -points) for credit, points in given]
    entry = LedgerEntry(
        member_id=target["member_id"],
        kind=kind,
        points=-target["points"],
        qualifying=target["qualifying"],
        source=source,
        reference=reference or f"entry:{entry_id}",
        reverses_id=entry_id,
        related_member_id=target["related_member_id"],
        operator=operator,
        reason=reason.strip(),
        occurred_at=now,
        recorded_at=now,
        pending_until=target["pending_until"],
    )
    posted = _post(session, entry, plan)
    if not is_credit:
        # Points given back to awards already past their date expire again at once (FEFO kept).
        expire_due(
            session, today=now.date(), member_ids=[target["member_id"]], now=now, locked=True
        )
    return posted


def clawback(
    session: Session,
    entry_id: int,
    *,
    reason: str,
    operator: str = "",
    source: str = "manual",
    now: datetime | None = None,
) -> Posted:
    """Void a pending award (e.g. the invitee left within the pending period)."""
    return reverse(
        session,
        entry_id,
        reason=reason,
        operator=operator,
        source=source,
        now=now,
        kind="clawback",
    )


# ------------------------------------------------------------------------------ expiry


@dataclass(frozen=True)
class ExpiryResult:
    entries: int
    points: int
    members: int


def _expired_credits(session: Session, today: date, now: datetime, member_ids=None):
    used = (
        select(ALLOCATION.c.credit_id, func.sum(ALLOCATION.c.points).label("used"))
        .group_by(ALLOCATION.c.credit_id)
        .subquery()
    )
    remaining = ENTRY.c.points - func.coalesce(used.c.used, 0)
    query = (
        select(ENTRY.c.member_id, ENTRY.c.id, ENTRY.c.expires_on, remaining)
        .outerjoin(used, used.c.credit_id == ENTRY.c.id)
        .where(
            ENTRY.c.expires_on <= today,
            is_credit_clause(),
            not_pending_clause(now),
            remaining > 0,
        )
        .order_by(ENTRY.c.member_id, ENTRY.c.expires_on, ENTRY.c.id)
    )
    if member_ids is not None:
        query = query.where(ENTRY.c.member_id.in_(list(member_ids)))
    return session.execute(query).all()


def expire_due(
    session: Session,
    *,
    today: date | None = None,
    member_ids: Sequence[int] | None = None,
    now: datetime | None = None,
    locked: bool = False,
    dry_run: bool = False,
) -> ExpiryResult:
    """Expire whatever is left of awards whose date has come. Running it twice changes nothing:
    an expiry consumes exactly the remaining points, so the second run finds none.

    One expire entry per member and expiry date, allocated to the awards it ends (several
    when they hold more than one entry may: MAX_ENTRY_POINTS each).
    """
    now = now or datetime.now()
    today = today or now.date()
    if not locked:
        if member_ids is None:
            take_write_lock(session)
            candidates = sorted({row[0] for row in _expired_credits(session, today, now)})
        else:
            candidates = sorted(member_ids)
        if dry_run:
            rows = _expired_credits(session, today, now, candidates)
            return ExpiryResult(
                _expiry_entries(_expiry_groups(rows)), sum(r[3] for r in rows), len(candidates)
            )
        lock_members(session, candidates)
        member_ids = candidates
    if member_ids is not None and not member_ids:
        return ExpiryResult(0, 0, 0)
    rows = _expired_credits(session, today, now, member_ids)  # again, under the lock
    groups = _expiry_groups(rows)
    if dry_run or not groups:
        return ExpiryResult(
            _expiry_entries(groups), sum(r[3] for r in rows), len({k[0] for k in groups})
        )
    written = 0
    for (member_id, expires_on), whole in groups.items():
        at = min(now, datetime.combine(expires_on, time.min))
        for plan in _split(whole, MAX_ENTRY_POINTS):
            entry = LedgerEntry(
                member_id=member_id,
                kind="expire",
                points=-sum(p for _, p in plan),
                source="expiry",
                reference=f"expiry:{expires_on.isoformat()}",
                reason=f"积分到期（有效期至 {expires_on - timedelta(days=1):%Y-%m-%d}）",
                occurred_at=at,
                recorded_at=now,
            )
            _post(session, entry, plan)
            written += 1
    return ExpiryResult(written, sum(r[3] for r in rows), len({k[0] for k in groups}))


def _expiry_groups(rows) -> dict[tuple[int, date], list[tuple[int, int]]]:
    """(member, expiry date) → [(credit id, points left)] of the expired credits' rows."""
    groups: dict[tuple[int, date], list[tuple[int, int]]] = {}
    for member_id, credit_id, expires_on, remaining in rows:
        groups.setdefault((member_id, expires_on), []).append((credit_id, remaining))
    return groups


def _expiry_entries(groups: dict[tuple[int, date], list[tuple[int, int]]]) -> int:
    """How many expire entries these groups take (one per MAX_ENTRY_POINTS started)."""
    return sum(-(-sum(p for _, p in plan) // MAX_ENTRY_POINTS) for plan in groups.values())


def _split(plan: Sequence[tuple[int, int]], most: int) -> list[list[tuple[int, int]]]:
    """The plan [(credit id, points)] cut into plans of at most `most` points each, in order;
    a credit may be split across two of them."""
    parts: list[list[tuple[int, int]]] = [[]]
    room = most
    for credit_id, points in plan:
        while points:
            if room == 0:
                parts.append([])
                room = most
            take = min(points, room)
            parts[-1].append((credit_id, take))
            points -= take
            room -= take
    return parts


def rule_of(session: Session, rule_id: int | None) -> LedgerRule | None:
    return None if rule_id is None else session.get(LedgerRule, rule_id)
