"""Behavioural segments: 流失预警 (slipping away), 新人活跃 (new and active), 本周最投入.

Each returns members in the order an operator works through them, with the figures behind
their place for the export's 分群依据 column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from core.activity.kinds import ACTIVE_KINDS, is_active_kind, kind_weights
from core.common.dates import as_datetime, day_of
from core.members.statistics import stats_members_condition
from core.tiers.ladder import Ladder, community_key, load_ladder
from db.models import ActivityEvent, Community, Member, Membership, Setting

SILENT_DAYS = 14  # DOMAIN: "a member of the top levels with no activity for 14 days"
TOP_LEVEL_RANK = 2  # the ladder's third level (活跃成员) and above
NEW_DAYS = 30
NEW_ACTIVE_DAYS = 3
ENGAGED_DAYS = 7
ENGAGED_TOP = 50
DAILY_CAP = 20  # steady activity beats a burst: a day counts at most this much


@dataclass(frozen=True)
class Found:
    """A member in a segment, and why (shown in the export)."""

    member_id: int
    basis: str


def top_levels(ladder: Ladder) -> frozenset[str]:
    """Levels whose members we worry about losing: rank ≥ the third level, or given by hand."""
    threshold = min(TOP_LEVEL_RANK, len(ladder.levels) - 1)
    return frozenset(
        level.key for rank, level in enumerate(ladder.levels) if rank >= threshold or level.manual
    )


def _top_membership_condition(session: Session):
    """Current memberships at a top level of their community's ladder (own, else shared).

    Written as "level IN (…)" for the shared ladder plus one term per community that has a
    ladder of its own, so the memberships table is scanned once whatever the number of groups.
    """
    own = {
        int(key.rsplit(".", 1)[1]): load_ladder(session, int(key.rsplit(".", 1)[1]))
        for key in session.scalars(
            select(Setting.key).where(Setting.key.like(community_key(0)[:-1] + "%"))
        )
        if key.rsplit(".", 1)[1].isdigit()
    }
    shared = Membership.level.in_(top_levels(load_ladder(session)))
    if own:
        shared = and_(Membership.community_id.not_in(list(own)), shared)
    terms = [shared] + [
        and_(Membership.community_id == community_id, Membership.level.in_(top_levels(ladder)))
        for community_id, ladder in own.items()
    ]
    trashed = select(Community.id).where(Community.deleted_at.is_not(None))
    return and_(Membership.left_at.is_(None), Membership.community_id.not_in(trashed), or_(*terms))


def _last_active(now: datetime):
    """The member's last activity (any community) up to `now`, as a correlated subquery."""
    events = ActivityEvent.__table__
    return (
        select(func.max(events.c.occurred_at))
        .where(
            events.c.member_id == Member.id,
            is_active_kind(events.c.kind),
            events.c.occurred_at <= now,
        )
        .scalar_subquery()
    )


def slipping_away(session: Session, now: datetime) -> list[Found]:
    """Top-level members silent for ≥ 14 days, the highest levels and longest silences first."""
    condition = _top_membership_condition(session)
    if condition is None:
        return []
    cutoff = now - timedelta(days=SILENT_DAYS)
    events = ActivityEvent.__table__
    # "Silent since the cutoff" as NOT EXISTS, which stops at the first recent event; the last
    # activity (a scan of the member's events) is then read only for those who are silent.
    recent = (
        select(events.c.id)
        .where(
            events.c.member_id == Member.id,
            is_active_kind(events.c.kind),
            events.c.occurred_at > cutoff,
            events.c.occurred_at <= now,
        )
        .exists()
    )
    rows = session.execute(
        select(Member.id, _last_active(now)).where(
            stats_members_condition(),
            select(Membership.id).where(Membership.member_id == Member.id, condition).exists(),
            ~recent,
        )
    ).all()
    if not rows:
        return []
    levels = _top_levels_held(session, [member_id for member_id, _ in rows], condition)
    found = []
    for member_id, last_at in rows:
        last_at = as_datetime(last_at)
        rank, names = levels.get(member_id, (0, []))
        silent = None if last_at is None else (now - last_at).days
        when = "没有行为记录" if silent is None else f"已 {silent} 天没有行为"
        found.append(
            (
                -rank,
                -(silent if silent is not None else 10**6),
                member_id,
                Found(member_id, f"{'、'.join(names)} · {when}"),
            )
        )
    return [item[-1] for item in sorted(found)]


def _top_levels_held(session: Session, member_ids: list[int], condition):
    """member_id → (highest rank, ["读书会：活跃成员", …]) over their top-level memberships."""
    ladders: dict[int, Ladder] = {}
    held: dict[int, tuple[int, list[str]]] = {}
    for start in range(0, len(member_ids), 5000):
        chunk = member_ids[start : start + 5000]
        rows = session.execute(
            select(Membership.member_id, Membership.community_id, Membership.level, Community.name)
            .join(Community, Community.id == Membership.community_id)
            .where(Membership.member_id.in_(chunk), condition)
            .order_by(Membership.member_id, Community.name)
        )
        for member_id, community_id, level, community in rows:
            if community_id not in ladders:
                ladders[community_id] = load_ladder(session, community_id)
            ladder = ladders[community_id]
            rank, names = held.get(member_id, (0, []))
            names.append(f"{community}：{ladder.name(level)}")
            held[member_id] = (max(rank, ladder.rank(level)), names)
    return held


def new_and_active(session: Session, now: datetime) -> list[Found]:
    """First joined within 30 days and active on ≥ 3 days since: the most active first."""
    events = ActivityEvent.__table__
    dialect = session.get_bind().dialect.name
    first_join = (
        select(Membership.member_id, func.min(Membership.joined_at).label("joined_at"))
        .group_by(Membership.member_id)
        .subquery("j")
    )
    active_days = (
        select(func.count(func.distinct(day_of(events.c.occurred_at, dialect))))
        .where(
            events.c.member_id == first_join.c.member_id,
            events.c.kind.in_(ACTIVE_KINDS),
            events.c.occurred_at >= first_join.c.joined_at,
            events.c.occurred_at <= now,
        )
        .scalar_subquery()
    )
    candidates = (
        select(first_join.c.member_id, first_join.c.joined_at, active_days.label("days"))
        .join(Member, Member.id == first_join.c.member_id)
        .where(
            stats_members_condition(),
            first_join.c.joined_at >= now - timedelta(days=NEW_DAYS),
            first_join.c.joined_at <= now,
        )
        .subquery("c")
    )
    rows = session.execute(
        select(candidates)
        .where(candidates.c.days >= NEW_ACTIVE_DAYS)
        .order_by(candidates.c.days.desc(), candidates.c.joined_at.desc(), candidates.c.member_id)
    )
    found = []
    for member_id, joined_at, days in rows:
        since = max(0, (now - as_datetime(joined_at)).days)
        joined = "今天入群" if since == 0 else f"入群 {since} 天"
        found.append(Found(member_id, f"{joined} · 已活跃 {days} 天"))
    return found


def most_engaged(session: Session, now: datetime, top: int = ENGAGED_TOP) -> list[Found]:
    """The top members by weighted activity score over the last 7 days, each day capped."""
    events = ActivityEvent.__table__
    dialect = session.get_bind().dialect.name
    weight = case(
        *((events.c.kind == kind, value) for kind, value in kind_weights(session).items()),
        else_=0,
    )
    # The last 7 calendar days, today included: a day's cap needs whole days.
    since = datetime.combine(now.date() - timedelta(days=ENGAGED_DAYS - 1), time.min)
    daily = (
        select(events.c.member_id, func.sum(weight).label("points"))
        .where(events.c.occurred_at >= since, events.c.occurred_at <= now)
        .group_by(events.c.member_id, day_of(events.c.occurred_at, dialect))
        .subquery("d")
    )
    capped = case((daily.c.points > DAILY_CAP, DAILY_CAP), else_=daily.c.points)
    score = func.sum(capped).label("score")
    days = func.count().label("days")
    rows = session.execute(
        select(daily.c.member_id, score, days)
        .join(Member, Member.id == daily.c.member_id)
        .where(stats_members_condition())
        .group_by(daily.c.member_id)
        .having(func.sum(capped) > 0)
        .order_by(score.desc(), days.desc(), daily.c.member_id)
        .limit(top)
    )
    return [
        Found(member_id, f"近 {ENGAGED_DAYS} 天活跃分 {score}（{days} 天有行为）")
        for member_id, score, days in rows
    ]
