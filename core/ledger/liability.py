"""Figures for the boss: points outstanding and what they are worth, what expires soon,
redemptions and their cost per month; and the members to remind before their points expire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.settings_store import DEFAULTS, get_setting, set_setting
from core.common.text import msg
from core.ledger.balances import remaining_expr
from core.ledger.entries import ENTRY, is_credit_clause, not_pending_clause
from db.ledger_models import LedgerRedemption
from db.models import Member

MEMBER = Member.__table__
REDEMPTION = LedgerRedemption.__table__


def yuan_per_point(session: Session) -> Decimal:
    raw = get_setting(session, "ledger.yuan_per_point")
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError) as error:
        raise UserError(msg("设置「每积分价值」无效：{value}", value=raw)) from error
    if value < 0:
        raise UserError(msg("设置「每积分价值」不能为负数"))
    return value


def set_yuan_per_point(session: Session, text: str) -> Decimal:
    """Save what one point is worth (yuan), as typed: '0.01', '1/100' is not accepted."""

    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError) as error:
        raise UserError(
            msg("「{text}」不是有效的金额，例如 0.01 表示 100 积分值 1 元", text=text)
        ) from error
    if value < 0 or value > 1000 or not value.is_finite():
        raise UserError(msg("每积分价值应在 0 到 1000 元之间"))
    set_setting(session, "ledger.yuan_per_point", str(value))
    return value


def points_value_fen(points: int, per_point: Decimal) -> int:
    """Points × yuan per point, in whole fen (half up)."""
    return int((Decimal(points) * per_point * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fen_text(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


@dataclass(frozen=True)
class MonthRedemptions:
    month: str  # 2026-03
    count: int
    points: int
    cost_cents: int


@dataclass
class Liability:
    as_of: datetime
    yuan_per_point: str
    outstanding: int  # available now, summed over all members
    outstanding_value_fen: int
    pending: int
    pending_value_fen: int
    members_with_points: int
    expiring_30: int
    expiring_90: int
    earned_total: int
    redeemed_total: int
    expired_total: int
    months: list[MonthRedemptions] = field(default_factory=list)


def _expiring(session: Session, now: datetime, days: int) -> int:
    by = now.date() + timedelta(days=days)
    return int(
        session.scalar(
            select(func.coalesce(func.sum(remaining_expr()), 0)).where(
                is_credit_clause(),
                not_pending_clause(now),
                ENTRY.c.expires_on > now.date(),
                ENTRY.c.expires_on <= by,
            )
        )
        or 0
    )


def liability(session: Session, *, now: datetime | None = None, months: int = 12) -> Liability:
    now = now or datetime.now()
    per_point = yuan_per_point(session)
    settled = not_pending_clause(now)
    pending = and_(ENTRY.c.pending_until.is_not(None), ENTRY.c.pending_until > now)

    def total(condition):
        return func.coalesce(func.sum(ENTRY.c.points).filter(condition), 0)

    row = session.execute(
        select(
            total(settled),
            total(pending),
            total(and_(settled, is_credit_clause())),
            total(ENTRY.c.kind == "expire"),
        )
    ).one()
    outstanding, pending_points, earned, expired = (int(v) for v in row)
    per_member = (
        select(ENTRY.c.member_id)
        .where(settled)
        .group_by(ENTRY.c.member_id)
        .having(func.sum(ENTRY.c.points) > 0)
        .subquery()
    )
    holders = session.scalar(select(func.count()).select_from(per_member)) or 0
    start = date(now.year, now.month, 1)
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    redemptions = session.execute(
        select(REDEMPTION.c.created_at, REDEMPTION.c.points, REDEMPTION.c.cost_cents).where(
            REDEMPTION.c.status != "cancelled"
        )
    ).all()
    by_month: dict[str, list[int]] = {}
    cursor = start
    while cursor <= now.date():
        by_month[f"{cursor:%Y-%m}"] = [0, 0, 0]
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    redeemed_total = 0
    for created_at, points, cost in redemptions:
        redeemed_total += points
        bucket = by_month.get(f"{created_at:%Y-%m}")
        if bucket is not None:
            bucket[0] += 1
            bucket[1] += points
            bucket[2] += cost
    return Liability(
        as_of=now,
        yuan_per_point=str(per_point),
        outstanding=outstanding,
        outstanding_value_fen=points_value_fen(outstanding, per_point),
        pending=pending_points,
        pending_value_fen=points_value_fen(pending_points, per_point),
        members_with_points=holders,
        expiring_30=_expiring(session, now, 30),
        expiring_90=_expiring(session, now, 90),
        earned_total=earned,
        redeemed_total=redeemed_total,
        expired_total=-expired,
        months=[MonthRedemptions(m, *v) for m, v in by_month.items()],
    )


# ------------------------------------------------------------------------------ reminders


@dataclass(frozen=True)
class ExpiringMember:
    member_id: int
    nickname: str
    remark: str
    points: int  # expiring within the window
    first_date: date  # the earliest day some of them are gone
    message: str  # the reminder to copy into WeChat


def expiring_members(
    session: Session, *, within_days: int | None = None, now: datetime | None = None
) -> list[ExpiringMember]:
    """Members with points that expire within N days (setting ledger.expiring_soon_days),
    most points first, each with a reminder message ready to paste."""
    now = now or datetime.now()
    if within_days is None:
        within_days = int(get_setting(session, "ledger.expiring_soon_days"))
    if within_days < 1:
        raise UserError(msg("天数至少为 1"))
    template = str(get_setting(session, "ledger.reminder_template"))
    by = now.date() + timedelta(days=within_days)
    left = remaining_expr()
    rows = session.execute(
        select(
            ENTRY.c.member_id,
            MEMBER.c.nickname,
            MEMBER.c.remark,
            func.sum(left),
            func.min(ENTRY.c.expires_on),
        )
        .join(MEMBER, MEMBER.c.id == ENTRY.c.member_id)
        .where(
            is_credit_clause(),
            not_pending_clause(now),
            ENTRY.c.expires_on > now.date(),
            ENTRY.c.expires_on <= by,
            left > 0,
        )
        .group_by(ENTRY.c.member_id, MEMBER.c.nickname, MEMBER.c.remark)
        .order_by(func.sum(left).desc(), ENTRY.c.member_id)
    ).all()
    result = []
    for member_id, nickname, remark, points, first in rows:
        last_valid = first - timedelta(days=1)
        result.append(
            ExpiringMember(
                member_id,
                nickname,
                remark,
                int(points),
                first,
                reminder_message(template, remark or nickname, int(points), last_valid),
            )
        )
    return result


def reminder_message(template: str, name: str, points: int, last_valid: date) -> str:
    """The template with {name}, {points}, {date}; a broken template falls back to the default."""
    values = {"name": name or "您好", "points": points, "date": f"{last_valid:%m月%d日}"}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return DEFAULTS["ledger.reminder_template"].format(**values)


# ------------------------------------------------------------------------------ as of a moment


@dataclass(frozen=True)
class Outstanding:
    points: int
    value_fen: int


def outstanding_at(session: Session, moment: datetime) -> Outstanding:
    """Points outstanding as the journal stood at `moment` (entries that happened before it
    and were no longer pending then), and their worth: the report's liability for a period's
    end, comparable with an earlier period's."""
    per_point = yuan_per_point(session)
    points = int(
        session.scalar(
            select(func.coalesce(func.sum(ENTRY.c.points), 0)).where(
                ENTRY.c.occurred_at < moment, not_pending_clause(moment)
            )
        )
        or 0
    )
    return Outstanding(points, points_value_fen(points, per_point))


@dataclass(frozen=True)
class PeriodRedemptions:
    count: int
    points: int
    cost_cents: int


def redemptions_between(session: Session, start: datetime, end: datetime) -> PeriodRedemptions:
    """Redemptions made in [start, end) that were not cancelled: how many, points, cost."""
    count, points, cost = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(REDEMPTION.c.points), 0),
            func.coalesce(func.sum(REDEMPTION.c.cost_cents), 0),
        ).where(
            REDEMPTION.c.status != "cancelled",
            REDEMPTION.c.created_at >= start,
            REDEMPTION.c.created_at < end,
        )
    ).one()
    return PeriodRedemptions(int(count), int(points), int(cost))
