"""RFM (最近一次 / 频率 / 金额) with quintile scores, and the eight named segments.

R = days since the last activity or purchase, F = active days in the last 90 days,
M = purchase amount in the last 365 days (fen). When nobody bought anything in that year,
M falls back to points earned (the ledger), and without those to the weighted activity score,
and the result says so.

Scores are quintiles by position (1 = lowest fifth, 5 = highest) over the whole population:
the figures come from SQL, the positions from one sort per figure here. NTILE alone would
split equal values across buckets at random, putting two members with identical figures in
different segments; here a group of equal values gets the quintile of its middle position
(RANK + COUNT), which is NTILE up to rounding when values are distinct. A figure of zero
always scores 1: no spend is never "high spend", however many others also spent nothing.
Members who never did anything are not scored at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from core.activity.kinds import is_active_kind, kind_weights
from core.common.dates import as_datetime, day_of
from core.members.statistics import stats_members_condition
from core.segments.catalogue import RFM_SEGMENTS
from db.ledger_models import LedgerEntry
from db.models import ActivityEvent, Member

FREQUENCY_DAYS = 90
MONETARY_DAYS = 365
HIGH = 3  # a score of 3 or more counts as high

BASIS_NOTES = {
    "spend": "M 按近一年消费金额",
    "points": "近一年没有消费记录，M 改用近一年获得的积分",
    "score": "近一年没有消费和积分记录，M 改用近一年的加权活跃分",
}


@dataclass(frozen=True)
class RfmRow:
    member_id: int
    last_active_at: datetime
    active_days: int  # F: active days in the last 90
    monetary: int  # M: fen, points or score (see RfmResult.basis)
    r: int
    f: int
    m: int
    segment: str  # key of one of RFM_SEGMENTS

    def describe(self, now: datetime, basis: str) -> str:
        """The figures behind the segment, for the export's 分群依据 column."""
        days = max(0, (now - self.last_active_at).days)
        if basis == "spend":
            money = f"近一年消费 ¥{self.monetary / 100:,.2f}"
        elif basis == "points":
            money = f"近一年获得 {self.monetary} 积分"
        else:
            money = f"近一年活跃分 {self.monetary}"
        when = "今天活跃" if days == 0 else f"{days} 天前活跃"
        return (
            f"R{self.r} F{self.f} M{self.m} · {when} · "
            f"近 {FREQUENCY_DAYS} 天活跃 {self.active_days} 天 · {money}"
        )


@dataclass(frozen=True)
class RfmResult:
    rows: list[RfmRow]
    basis: str  # "spend", "points" or "score"
    now: datetime

    @property
    def basis_note(self) -> str:
        return BASIS_NOTES[self.basis]

    def members_of(self, key: str) -> list[RfmRow]:
        return [row for row in self.rows if row.segment == key]


_BY_SCORES = {segment.rfm: segment.key for segment in RFM_SEGMENTS}


def segment_for(r: int, f: int, m: int) -> str:
    return _BY_SCORES[(r >= HIGH, f >= HIGH, m >= HIGH)]


def _window(column, since: datetime, now: datetime):
    return and_(column >= since, column <= now)


def _monetary_basis(session: Session, since: datetime, now: datetime) -> str:
    events = ActivityEvent.__table__
    spent = session.scalar(
        select(events.c.id)
        .join(Member, Member.id == events.c.member_id)
        .where(
            events.c.kind == "purchase",
            events.c.amount_cents > 0,
            _window(events.c.occurred_at, since, now),
            stats_members_condition(),
        )
        .limit(1)
    )
    if spent is not None:
        return "spend"
    earned = session.scalar(
        select(LedgerEntry.id)
        .join(Member, Member.id == LedgerEntry.member_id)
        .where(
            LedgerEntry.kind == "earn",
            _window(LedgerEntry.occurred_at, since, now),
            stats_members_condition(),
        )
        .limit(1)
    )
    return "points" if earned is not None else "score"


def _monetary(session: Session, basis: str, since: datetime, now: datetime):
    """(member_id, value) per member for M, as a subquery."""
    events = ActivityEvent.__table__
    if basis == "spend":
        query = select(events.c.member_id, func.sum(events.c.amount_cents).label("value")).where(
            events.c.kind == "purchase", _window(events.c.occurred_at, since, now)
        )
        return query.group_by(events.c.member_id).subquery("money")
    if basis == "points":
        # Earned, less what was clawed back (invites whose invitee left too soon).
        query = select(
            LedgerEntry.member_id.label("member_id"), func.sum(LedgerEntry.points).label("value")
        ).where(
            LedgerEntry.kind.in_(("earn", "clawback")),
            _window(LedgerEntry.occurred_at, since, now),
        )
        return query.group_by(LedgerEntry.member_id).subquery("money")
    weight = case(
        *((events.c.kind == kind, value) for kind, value in kind_weights(session).items()),
        else_=0,
    )
    query = select(events.c.member_id, func.sum(weight).label("value")).where(
        _window(events.c.occurred_at, since, now)
    )
    return query.group_by(events.c.member_id).subquery("money")


def _quintiles(values: list, *, zero_scores_one: bool = True) -> list[int]:
    """1–5 per value by the middle position of its group of equals in ascending order (RANK
    is the group's first position, 1-based, its last the count up to and including it); 1 for
    zero (see the module doc). `values` is the whole scored population."""
    total = len(values)
    order = sorted(range(total), key=values.__getitem__)
    scores = [0] * total
    start = 0
    while start < total:
        value = values[order[start]]
        end = start
        while end + 1 < total and values[order[end + 1]] == value:
            end += 1
        # positions start + 1 … end + 1: low + high − 2 = start + end
        score = 1 if zero_scores_one and value == 0 else 1 + (5 * (start + end)) // (2 * total)
        for index in order[start : end + 1]:
            scores[index] = score
        start = end + 1
    return scores


def rfm_figures(session: Session, now: datetime, basis: str):
    """(member_id, last_at, last_day, f, m) per scored member: three aggregations over the
    activity table's covering index joined to the listed members."""
    dialect = session.get_bind().dialect.name
    events = ActivityEvent.__table__
    active = is_active_kind(events.c.kind)
    frequency_since = now - timedelta(days=FREQUENCY_DAYS)
    monetary_since = now - timedelta(days=MONETARY_DAYS)
    last = (
        select(events.c.member_id, func.max(events.c.occurred_at).label("last_at"))
        .where(active, events.c.occurred_at <= now)
        .group_by(events.c.member_id)
        .subquery("last")
    )
    frequency = (
        select(
            events.c.member_id,
            func.count(func.distinct(day_of(events.c.occurred_at, dialect))).label("days"),
        )
        .where(active, _window(events.c.occurred_at, frequency_since, now))
        .group_by(events.c.member_id)
        .subquery("freq")
    )
    money = _monetary(session, basis, monetary_since, now)
    return (
        select(
            Member.id.label("member_id"),
            last.c.last_at,
            day_of(last.c.last_at, dialect).label("last_day"),
            func.coalesce(frequency.c.days, 0).label("f"),
            func.coalesce(money.c.value, 0).label("m"),
        )
        .join(last, last.c.member_id == Member.id)
        .outerjoin(frequency, frequency.c.member_id == Member.id)
        .outerjoin(money, money.c.member_id == Member.id)
        .where(stats_members_condition())
    )


def compute_rfm(session: Session, now: datetime | None = None) -> RfmResult:
    """Every scored member with R, F, M figures, scores and segment: three aggregations over
    the activity table's covering index in SQL, then the quintiles in one sort per figure
    here (three window sorts in SQLite cost more than the aggregations)."""
    now = now or datetime.now()
    basis = _monetary_basis(session, now - timedelta(days=MONETARY_DAYS), now)
    found = session.execute(rfm_figures(session, now, basis)).all()
    r_scores = _quintiles([row.last_day for row in found], zero_scores_one=False)
    f_scores = _quintiles([row.f for row in found])
    m_scores = _quintiles([row.m for row in found])
    rows = []
    for (member_id, last_at, _day, f, m), r, f_score, m_score in zip(
        found, r_scores, f_scores, m_scores, strict=True
    ):
        rows.append(
            RfmRow(
                member_id,
                as_datetime(last_at),
                int(f),
                int(m),
                r,
                f_score,
                m_score,
                segment_for(r, f_score, m_score),
            )
        )
    return RfmResult(rows, basis, now)
