"""The demo's KOCs: in each group the owner names its most active members KOC/KOL by hand, as
the tier rules want (core.tiers.manual.set_level: a manual level, locked, with its history), so
the dashboard's KOC share sits in the usual 8–12% in most groups; one group has too few, to
show the warning."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.members.statistics import stats_members_condition
from core.tiers.ladder import load_ladder
from core.tiers.manual import set_level
from db.models import ActivityEvent, Community, Member, Membership

SHARE = (0.08, 0.12)  # most groups: the owner's target
FEW = 0.03  # the one group with too few KOCs
RECENT = timedelta(days=90)  # "most active" over the last three months


def _wanted(members: int, share: float) -> int:
    """KOCs for a group of `members` at about `share`: within 8–12% whenever a whole number is
    (a group of 5 cannot be 10%)."""
    count = round(members * share)
    if share >= SHARE[0]:
        low, high = -(-members * SHARE[0] // 1), members * SHARE[1] // 1
        if low <= high:
            count = int(min(max(count, low), high))
    return count


def name_kocs(session: Session, rng: random.Random, now: datetime) -> int:
    """Name the KOCs of every group; how many were named."""
    groups = session.scalars(
        select(Community.id).where(Community.deleted_at.is_(None)).order_by(Community.id)
    ).all()
    if not groups:
        return 0
    few = rng.choice(groups)
    recent = (
        select(ActivityEvent.member_id, ActivityEvent.community_id, func.count().label("n"))
        .where(ActivityEvent.occurred_at >= now - RECENT, ActivityEvent.occurred_at <= now)
        .group_by(ActivityEvent.member_id, ActivityEvent.community_id)
        .subquery()
    )
    named = 0
    for group in groups:
        key = next((lv.key for lv in load_ladder(session, group).levels if lv.manual), None)
        if key is None:
            continue
        present = session.execute(
            select(Membership.member_id, func.coalesce(recent.c.n, 0))
            .join(Member, Member.id == Membership.member_id)
            .outerjoin(
                recent,
                (recent.c.member_id == Membership.member_id)
                & (recent.c.community_id == Membership.community_id),
            )
            .where(
                Membership.community_id == group,
                Membership.left_at.is_(None),
                stats_members_condition(),
            )
        ).all()
        share = FEW if group == few else rng.uniform(*SHARE)
        busiest = sorted(present, key=lambda row: (-row[1], row[0]))
        for member, _ in busiest[: _wanted(len(present), share)]:
            set_level(session, member, group, key, operator="演示数据", now=now)
            named += 1
    return named
