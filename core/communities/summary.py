"""One community at a glance: members now, joins and leaves, active share, role mix, growth.

Every figure is an SQL aggregate over the community's own rows (its memberships, its
join/leave events, its activity by the (community_id, occurred_at) index), so the summary
costs the same at 100000 members as at 100. Merged members are left out everywhere; team
members (owner and staff) count as members but not in the active share (DOMAIN.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from core.communities.registry import get_community
from db.models import ROLES, ActivityEvent, Member, Membership, MembershipEvent

GROWTH_WEEKS = 52


@dataclass(frozen=True)
class GrowthPoint:
    day: date  # the Sunday that ends the week (today for the week in progress)
    members: int


@dataclass(frozen=True)
class CommunitySummary:
    community_id: int
    members_now: int
    joined_week: int  # since Monday 00:00
    left_week: int
    joined_month: int  # since the 1st 00:00
    left_month: int
    active_base: int  # members now who are not team members
    active_7d: int  # of those, how many did something in this community in the last 7 days
    active_30d: int
    roles: dict[str, int]  # every role in ROLES order, zeros included
    growth: list[GrowthPoint]

    @property
    def active_share_7d(self) -> float | None:
        return self.active_7d / self.active_base if self.active_base else None

    @property
    def active_share_30d(self) -> float | None:
        return self.active_30d / self.active_base if self.active_base else None


def week_start(day: date) -> datetime:
    """Monday 00:00 of the week `day` is in (weeks start on Monday in China)."""
    return datetime.combine(day - timedelta(days=day.weekday()), time.min)


def community_summary(
    session: Session, community_id: int, *, now: datetime | None = None
) -> CommunitySummary:
    now = now or datetime.now()
    get_community(session, community_id, trashed=True)
    current = and_(
        Membership.community_id == community_id,
        Membership.left_at.is_(None),
        Member.merged_into_id.is_(None),
    )
    roles = dict.fromkeys(ROLES, 0)
    for role, count in session.execute(
        select(Membership.role, func.count())
        .join(Member, Member.id == Membership.member_id)
        .where(current)
        .group_by(Membership.role)
    ):
        roles[role] = count
    joined_week, left_week, joined_month, left_month = _joins_and_leaves(session, community_id, now)
    base, active_7d, active_30d = _active(session, community_id, current, now)
    return CommunitySummary(
        community_id=community_id,
        members_now=sum(roles.values()),
        joined_week=joined_week,
        left_week=left_week,
        joined_month=joined_month,
        left_month=left_month,
        active_base=base,
        active_7d=active_7d,
        active_30d=active_30d,
        roles=roles,
        growth=growth_series(session, community_id, now=now),
    )


def _joins_and_leaves(session: Session, community_id: int, now: datetime) -> tuple[int, ...]:
    week = week_start(now.date())
    month = datetime.combine(now.date().replace(day=1), time.min)
    event = MembershipEvent

    def people(kind: str, since: datetime):
        return func.count(
            distinct(case((and_(event.kind == kind, event.occurred_at >= since), event.member_id)))
        )

    row = session.execute(
        select(
            people("join", week),
            people("leave", week),
            people("join", month),
            people("leave", month),
        )
        .join(Member, Member.id == event.member_id)
        .where(
            event.community_id == community_id,
            event.occurred_at >= min(week, month),
            event.occurred_at <= now,
            Member.merged_into_id.is_(None),
            Member.is_team.is_(False),
        )
    ).one()
    return tuple(int(value or 0) for value in row)


def _active(session: Session, community_id: int, current, now: datetime) -> tuple[int, int, int]:
    def did_something(days: int):
        recent = (
            select(ActivityEvent.id)
            .where(
                ActivityEvent.member_id == Membership.member_id,
                ActivityEvent.community_id == community_id,
                ActivityEvent.occurred_at >= now - timedelta(days=days),
                ActivityEvent.occurred_at <= now,
            )
            .exists()
        )
        return func.coalesce(func.sum(case((recent, 1), else_=0)), 0)

    row = session.execute(
        select(func.count(), did_something(7), did_something(30))
        .select_from(Membership)
        .join(Member, Member.id == Membership.member_id)
        .where(current, Member.is_team.is_(False))
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def growth_series(
    session: Session, community_id: int, *, now: datetime | None = None, weeks: int = GROWTH_WEEKS
) -> list[GrowthPoint]:
    """Members at the end of each of the last `weeks` weeks, the last point being now.

    One pass over the community's memberships in SQL, one conditional count per week end
    ("joined before it, not left by then"; a membership without a join date counts from the
    start). A derived table of week ends joined by inequalities was 5× slower on PostgreSQL.
    """
    now = now or datetime.now()
    this_week = week_start(now.date())
    # Week ends as Monday 00:00 (exclusive), the latest being the end of last week; then now.
    ends = [this_week - timedelta(weeks=back) for back in range(weeks - 2, -1, -1)] + [now]
    joined, left = Membership.joined_at, Membership.left_at
    counts = [
        func.coalesce(
            func.sum(
                case(
                    (
                        and_(
                            or_(joined.is_(None), joined < end),
                            or_(left.is_(None), left >= end),
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
            0,
        )
        for end in ends
    ]
    row = session.execute(
        select(*counts)
        .join(Member, Member.id == Membership.member_id)
        .where(Membership.community_id == community_id, Member.merged_into_id.is_(None))
    ).one()
    days = [(end - timedelta(days=1)).date() for end in ends[:-1]] + [now.date()]
    return [GrowthPoint(day, int(count)) for day, count in zip(days, row, strict=True)]
