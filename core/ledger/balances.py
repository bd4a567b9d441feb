"""Balances, statements and the journal, derived from entries; and `verify`, which proves
the bookkeeping identity (see core.ledger.entries) holds for every entry and award.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from core.ledger.entries import (
    ALLOCATION,
    ENTRY,
    KIND_NAMES,
    STATUS_NAMES,
    is_credit_clause,
    not_pending_clause,
)
from core.ledger.references import reference_texts
from db.ledger_models import LedgerEntry, LedgerRedemption
from db.models import Member, MemberMerge

MEMBER = Member.__table__
EXPIRING_SOON_DAYS = 30


@dataclass(frozen=True)
class Balance:
    member_id: int
    available: int  # can be spent now
    pending: int  # awarded, waiting for the pending period (invites)
    qualifying: int  # counts toward levels
    lifetime_earned: int  # everything ever awarded and not voided
    expiring_soon: int  # of `available`, what expires within EXPIRING_SOON_DAYS
    expiring_by: date  # ...on or before this day


def _sum(condition):
    return func.coalesce(func.sum(case((condition, ENTRY.c.points), else_=0)), 0)


def _balance_columns(now: datetime):
    pending = and_(ENTRY.c.pending_until.is_not(None), ENTRY.c.pending_until > now)
    settled = not_pending_clause(now)
    voiding = and_(ENTRY.c.kind.in_(("reversal", "clawback")), ENTRY.c.points < 0)
    return (
        _sum(settled).label("available"),
        _sum(pending).label("pending"),
        _sum(and_(settled, ENTRY.c.qualifying)).label("qualifying"),
        _sum(and_(settled, or_(is_credit_clause(), voiding))).label("lifetime_earned"),
    )


def remaining_expr():
    """SQL: an award's points not yet spent, expired, reversed or clawed back."""
    used = (
        select(func.coalesce(func.sum(ALLOCATION.c.points), 0))
        .where(ALLOCATION.c.credit_id == ENTRY.c.id)
        .scalar_subquery()
    )
    return ENTRY.c.points - used


def balance(
    session: Session, member_id: int, *, now: datetime | None = None, soon_days: int | None = None
) -> Balance:
    now = now or datetime.now()
    soon_days = EXPIRING_SOON_DAYS if soon_days is None else soon_days
    by = now.date() + timedelta(days=soon_days)
    expiring = (
        select(func.coalesce(func.sum(remaining_expr()), 0))
        .where(
            ENTRY.c.member_id == member_id,
            is_credit_clause(),
            not_pending_clause(now),
            ENTRY.c.expires_on > now.date(),
            ENTRY.c.expires_on <= by,
        )
        .correlate(None)  # its own scan of the member's entries, not the outer query's row
        .scalar_subquery()
    )
    # One round trip: the statement's goal is 20 ms on a shared PostgreSQL server too.
    row = session.execute(
        select(*_balance_columns(now), expiring).where(ENTRY.c.member_id == member_id)
    ).one()
    return Balance(member_id, *(int(v or 0) for v in row), by)


def balances_query(now: datetime) -> Select:
    """(member_id, available, pending, qualifying, lifetime_earned) per member with entries."""
    return select(ENTRY.c.member_id, *_balance_columns(now)).group_by(ENTRY.c.member_id)


def qualifying_points_since(since: datetime, *, now: datetime | None = None) -> Select:
    """(member_id, points): qualifying points awarded on or after `since`, settled, not voided.

    For level criteria (tiering): use it as a subquery. A reversal or clawback removes its award
    from the window the award was in, whenever it happened.
    """
    now = now or datetime.now()
    credit = ENTRY.alias("credit")
    void = ENTRY.alias("void")
    return (
        select(credit.c.member_id, func.sum(credit.c.points).label("points"))
        .where(
            credit.c.qualifying,
            is_credit_clause(credit),
            credit.c.occurred_at >= since,
            not_pending_clause(now, credit),
            ~exists().where(void.c.reverses_id == credit.c.id),
        )
        .group_by(credit.c.member_id)
    )


# ------------------------------------------------------------------------------ statement


@dataclass(frozen=True)
class StatementLine:
    id: int
    occurred_at: datetime
    kind: str
    kind_name: str
    points: int
    balance: int  # running: everything up to and including this line
    status: str  # pending / approved / void (derived)
    status_name: str
    qualifying: bool
    expires_on: date | None
    pending_until: datetime | None
    source: str
    reference: str
    reason: str
    operator: str
    reverses_id: int | None
    reversed_by: int | None


@dataclass
class Statement:
    member_id: int
    nickname: str
    balance: Balance
    lines: list[StatementLine] = field(default_factory=list)


def dedupe_keys(
    connection: Connection, member_ids: Iterable[int], prefix: str
) -> dict[int, set[str]]:
    """The dedupe keys starting with `prefix` of the entries each of `member_ids` holds (their
    own, or moved to them by a merge); members without one are left out."""
    ids = sorted(set(member_ids))
    entry = LedgerEntry.__table__
    found: dict[int, set[str]] = {}
    for start in range(0, len(ids), 1000):
        for member_id, key in connection.execute(
            select(entry.c.member_id, entry.c.dedupe_key).where(
                entry.c.member_id.in_(ids[start : start + 1000]),
                entry.c.dedupe_key.like(prefix + "%"),
            )
        ):
            found.setdefault(member_id, set()).add(key)
    return found


def entry_status(pending_until: datetime | None, reversed_by: int | None, now: datetime) -> str:
    """An entry never changes; its status follows from time and from what names it."""
    if reversed_by is not None:
        return "void"
    if pending_until is not None and pending_until > now:
        return "pending"
    return "approved"


def line_columns() -> tuple:
    """The entry's columns a statement line and a journal row both show, named as their fields."""
    return (
        ENTRY.c.id,
        ENTRY.c.occurred_at,
        ENTRY.c.kind,
        ENTRY.c.points,
        ENTRY.c.qualifying,
        ENTRY.c.expires_on,
        ENTRY.c.pending_until,
        ENTRY.c.source,
        ENTRY.c.reference,
        ENTRY.c.reason,
        ENTRY.c.operator,
        ENTRY.c.reverses_id,
    )


def statement(
    session: Session,
    member_id: int,
    *,
    now: datetime | None = None,
    since: datetime | None = None,
) -> Statement:
    """Like a bank statement: every entry in time order with the running balance."""
    now = now or datetime.now()
    nickname = session.scalar(select(MEMBER.c.nickname).where(MEMBER.c.id == member_id)) or ""
    void = ENTRY.alias("void")
    rows = session.execute(
        select(*line_columns(), void.c.id.label("reversed_by"))
        .outerjoin(void, void.c.reverses_id == ENTRY.c.id)
        .where(ENTRY.c.member_id == member_id)
        .order_by(ENTRY.c.occurred_at, ENTRY.c.id)
    ).all()
    result = Statement(member_id, nickname, balance(session, member_id, now=now))
    running = 0
    for row in rows:
        running += row.points
        if since is not None and row.occurred_at < since:
            continue
        status = entry_status(row.pending_until, row.reversed_by, now)
        result.lines.append(
            StatementLine(
                **row._mapping,
                kind_name=KIND_NAMES[row.kind],
                balance=running,
                status=status,
                status_name=STATUS_NAMES[status],
            )
        )
    return result


# ------------------------------------------------------------------------------ journal


@dataclass
class JournalFilter:
    member_id: int | None = None
    kinds: tuple[str, ...] = ()
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    text: str = ""  # in the reason, reference or the member's nickname


def journal_query(spec: JournalFilter) -> Select:
    """The whole ledger, newest first, filtered: one SQL query the table pages through."""
    query = (
        select(*line_columns(), ENTRY.c.member_id, MEMBER.c.nickname)
        .join(MEMBER, MEMBER.c.id == ENTRY.c.member_id)
        .order_by(ENTRY.c.occurred_at.desc(), ENTRY.c.id.desc())
    )
    if spec.member_id is not None:
        query = query.where(ENTRY.c.member_id == spec.member_id)
    if spec.kinds:
        query = query.where(ENTRY.c.kind.in_(spec.kinds))
    if spec.source:
        query = query.where(ENTRY.c.source == spec.source)
    if spec.since is not None:
        query = query.where(ENTRY.c.occurred_at >= spec.since)
    if spec.until is not None:
        query = query.where(ENTRY.c.occurred_at < spec.until)
    if spec.text.strip():
        pattern = f"%{spec.text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(ENTRY.c.reason).like(pattern),
                func.lower(ENTRY.c.reference).like(pattern),
                MEMBER.c.search_text.like(pattern),
            )
        )
    return query


# ------------------------------------------------------------------------------ verify


@dataclass(frozen=True)
class Problem:
    entry_id: int | None
    member_id: int | None
    what: str


def verify_ledger(session: Session, *, now: datetime | None = None) -> list[Problem]:
    """Every way the journal could disagree with itself; an empty list when all is well.

    1. each non-award entry allocates exactly its own points;
    2. each award's remaining points lie between 0 and its points;
    3. allocations only draw on awards of the same member;
    4. reversals mirror the entry they name; clawbacks name awards;
    5. no member's available balance is negative;
    6. redemptions agree with their spend and refund entries, and none is missing;
    7. each entry (and its invitee) is where the merges not undone took whom it was written
       for, and each such merge did merge its member.
    """
    now = now or datetime.now()
    problems: list[Problem] = []
    allocated = (
        select(ALLOCATION.c.entry_id, func.sum(ALLOCATION.c.points).label("points"))
        .group_by(ALLOCATION.c.entry_id)
        .subquery()
    )
    rows = session.execute(
        select(ENTRY.c.id, ENTRY.c.member_id, ENTRY.c.points, allocated.c.points)
        .outerjoin(allocated, allocated.c.entry_id == ENTRY.c.id)
        .where(~is_credit_clause())
        .where(or_(allocated.c.points.is_(None), allocated.c.points != -ENTRY.c.points))
    ).all()
    for entry_id, member_id, points, alloc in rows:
        problems.append(
            Problem(
                entry_id, member_id, f"流水 {points:+d} 分，但分摊到奖励的是 {-(alloc or 0):+d} 分"
            )
        )
    credits = session.execute(
        select(ENTRY.c.id, ENTRY.c.member_id, ENTRY.c.points, remaining_expr().label("left"))
        .where(is_credit_clause())
        .where(or_(remaining_expr() < 0, remaining_expr() > ENTRY.c.points))
    ).all()
    for entry_id, member_id, points, left in credits:
        problems.append(Problem(entry_id, member_id, f"奖励 {points} 分，剩余却是 {left} 分"))
    consumer, credit = aliased(LedgerEntry), aliased(LedgerEntry)
    crossed = session.execute(
        select(consumer.id, consumer.member_id, credit.id, credit.member_id, credit.kind)
        .select_from(ALLOCATION)
        .join(consumer, consumer.id == ALLOCATION.c.entry_id)
        .join(credit, credit.id == ALLOCATION.c.credit_id)
        .where(
            or_(
                consumer.member_id != credit.member_id,
                ~credit.kind.in_(("earn", "adjust")),
                credit.points <= 0,
            )
        )
    ).all()
    for entry_id, member_id, credit_id, credit_member, _kind in crossed:
        problems.append(
            Problem(
                entry_id,
                member_id,
                f"分摊到了流水 {credit_id}（成员 {credit_member}），它不是本人的奖励",
            )
        )
    target = aliased(LedgerEntry)
    bad_reversals = session.execute(
        select(ENTRY.c.id, ENTRY.c.member_id, ENTRY.c.kind, target.kind)
        .join(target, target.id == ENTRY.c.reverses_id)
        .where(
            or_(
                target.points != -ENTRY.c.points,
                target.member_id != ENTRY.c.member_id,
                ~target.kind.in_(("earn", "adjust", "spend")),
                and_(ENTRY.c.kind == "clawback", target.points < 0),
            )
        )
    ).all()
    for entry_id, member_id, kind, target_kind in bad_reversals:
        problems.append(
            Problem(
                entry_id,
                member_id,
                f"{KIND_NAMES[kind]}与所冲销的{KIND_NAMES[target_kind]}流水不对应",
            )
        )
    negative = session.execute(
        select(ENTRY.c.member_id, func.sum(ENTRY.c.points))
        .where(not_pending_clause(now))
        .group_by(ENTRY.c.member_id)
        .having(func.sum(ENTRY.c.points) < 0)
    ).all()
    for member_id, points in negative:
        problems.append(Problem(None, member_id, f"可用积分为负：{points}"))
    problems += _verify_redemptions(session)
    problems += _verify_owners(session)
    return problems


def _verify_owners(session: Session) -> list[Problem]:
    """Entries sit with the member the recorded merges took them to: a member_id changed where
    the triggers did not see it (or along a forged merge record) shows here."""
    merges = MemberMerge.__table__
    active = session.execute(
        select(merges.c.id, merges.c.kept_id, merges.c.merged_id, MEMBER.c.merged_into_id)
        .join(MEMBER, MEMBER.c.id == merges.c.merged_id)
        .where(merges.c.undone_at.is_(None))
    ).all()
    problems = [
        Problem(None, merged, f"合并记录 {merge_id} 说成员 {merged} 已并入成员 {kept}，但并未合并")
        for merge_id, kept, merged, into in active
        if into != kept
    ]
    kept_of = {merged: kept for _, kept, merged, into in active if into == kept}

    def owner(member_id: int) -> int:
        for _ in range(len(kept_of) + 1):  # a chain A → B → C; a loop (forged) stops
            if member_id not in kept_of:
                break
            member_id = kept_of[member_id]
        return member_id

    booked_for = aliased(Member)
    for column, booked, what in (
        (ENTRY.c.member_id, ENTRY.c.booked_member_id, "成员"),
        (ENTRY.c.related_member_id, ENTRY.c.booked_related_member_id, "被邀请人"),
    ):
        merged_away = (
            exists()
            .where(merges.c.merged_id == booked, merges.c.undone_at.is_(None))
            .correlate(ENTRY)
        )
        rows = session.execute(
            select(ENTRY.c.id, ENTRY.c.member_id, column, booked, booked_for.id)
            .outerjoin(booked_for, booked_for.id == booked)
            .where(or_(column.is_distinct_from(booked), merged_away))
        ).all()
        for entry_id, member_id, now_with, written_for, still_there in rows:
            # An invitee deleted since leaves NULL behind (ON DELETE SET NULL).
            expected = owner(written_for) if still_there is not None else None
            if now_with != expected:
                problems.append(
                    Problem(
                        entry_id,
                        member_id,
                        f"流水的{what}是 {now_with}，但它记给 {written_for}，"
                        f"按合并记录应在 {expected}",
                    )
                )
    return problems


def _verify_redemptions(session: Session) -> list[Problem]:
    redemption = LedgerRedemption.__table__
    spend, refund = ENTRY.alias("spend"), ENTRY.alias("refund")
    rows = session.execute(
        select(
            redemption.c.id,
            redemption.c.member_id,
            redemption.c.code,
            redemption.c.status,
            redemption.c.points,
            spend.c.points,
            spend.c.member_id,
            refund.c.id,
            refund.c.reverses_id,
            redemption.c.spend_entry_id,
        )
        .join(spend, spend.c.id == redemption.c.spend_entry_id)
        .outerjoin(refund, refund.c.id == redemption.c.refund_entry_id)
    ).all()
    problems = []
    for _, member_id, code, status, points, spent, spend_member, refund_id, refunds, sid in rows:
        if spent != -points or spend_member != member_id:
            problems.append(Problem(sid, member_id, f"兑换 {code} 与其扣分流水不一致"))
        if (status == "cancelled") != (refund_id is not None) or (
            refund_id is not None and refunds != sid
        ):
            problems.append(Problem(refund_id, member_id, f"兑换 {code} 的取消与退分流水不一致"))
    # A redemption's spend whose record is gone (deleted), or that was reversed by another
    # entry than the record's refund.
    reversal = ENTRY.alias("reversal")
    orphans = session.execute(
        select(spend.c.id, spend.c.member_id, spend.c.reference, redemption.c.code, reversal.c.id)
        .select_from(spend)
        .outerjoin(redemption, redemption.c.spend_entry_id == spend.c.id)
        .outerjoin(reversal, reversal.c.reverses_id == spend.c.id)
        .where(
            spend.c.kind == "spend",
            spend.c.source == "redemption",
            or_(
                redemption.c.id.is_(None),
                and_(
                    reversal.c.id.is_not(None),
                    redemption.c.refund_entry_id.is_distinct_from(reversal.c.id),
                ),
            ),
        )
    ).all()
    for entry_id, member_id, reference, code, reversed_by in orphans:
        if code is None:
            problems.append(
                Problem(entry_id, member_id, f"兑换扣分（{reference}）的兑换记录不见了")
            )
        else:
            problems.append(
                Problem(reversed_by, member_id, f"兑换 {code} 的扣分已冲正，但兑换未取消")
            )
    return problems


@dataclass(frozen=True)
class JournalRow:
    id: int
    occurred_at: datetime
    member_id: int
    nickname: str
    kind: str
    kind_name: str
    points: int
    qualifying: bool
    source: str
    reference: str
    reason: str
    operator: str
    expires_on: date | None
    pending_until: datetime | None
    reverses_id: int | None
    reference_text: str = ""  # the reference in words (core.ledger.references)


def journal(session: Session, spec: JournalFilter, *, limit: int = 2000) -> list[JournalRow]:
    """The newest `limit` lines of the filtered journal (the tab shows them; exports take all)."""
    rows = session.execute(journal_query(spec).limit(limit)).all()
    texts = reference_texts(session, (r.reference for r in rows))
    return [
        JournalRow(**r._mapping, kind_name=KIND_NAMES[r.kind], reference_text=texts[r.reference])
        for r in rows
    ]
