"""Per-community health over a period, and the warnings a boss should see (issue 20):
a new group losing > 15% in 7 days, interaction < 3% over 7 days, > 70% silent for 7 days,
KOC share outside 8–12% (thresholds: core.reports.thresholds)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from core.common.rate import Rate
from core.common.text import msg
from core.reports.cohorts import retention_4w
from core.reports.figures import percent
from core.reports.period import Period
from core.reports.stays import Activity, Group, Stay
from core.reports.thresholds import Thresholds
from core.tiers.ladder import load_ladder

WEEK = timedelta(days=7)


@dataclass
class CommunityHealth:
    community_id: int
    name: str
    members: int
    joins: int
    leaves: int
    active: Rate
    retention: Rate
    roles: dict[str, int]
    koc: Rate
    interaction: Rate  # members who posted in the last 7 days ÷ members
    silent: Rate  # members with no activity in the last 7 days ÷ members
    loss_7d: Rate  # leaves in the last 7 days ÷ members 7 days before the end
    is_new: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def net(self) -> int:
        return self.joins - self.leaves


def manual_levels(session: Session, community_id: int) -> frozenset[str]:
    """The levels given by hand (KOC/KOL) in the community's ladder."""
    return frozenset(
        level.key for level in load_ladder(session, community_id).levels if level.manual
    )


def community_health(
    session: Session,
    group: Group,
    stays: Sequence[Stay],
    activity: Activity,
    period: Period,
    thresholds: Thresholds,
) -> CommunityHealth:
    start, end = period.start_at, period.end_at
    week_ago = end - WEEK
    present = [stay for stay in stays if stay.present_at(end)]
    members = len(present)
    in_period = activity.pairs(start, end)
    last_week = activity.pairs(week_ago, end)
    gid = group.id
    active = sum(1 for stay in present if (stay.member_id, gid) in in_period)
    posted = sum(1 for stay in present if last_week.get((stay.member_id, gid)))
    silent = sum(1 for stay in present if (stay.member_id, gid) not in last_week)
    kocs = manual_levels(session, gid)
    koc = sum(1 for stay in present if stay.level in kocs)
    before = sum(1 for stay in stays if stay.present_at(week_ago))
    lost = sum(1 for stay in stays if stay.left_between(week_ago, end))
    is_new = group.created_on is not None and group.created_on > period.end - timedelta(
        days=thresholds.new_group_days
    )
    health = CommunityHealth(
        community_id=gid,
        name=group.name,
        members=members,
        joins=sum(1 for stay in stays if stay.joined_between(start, end)),
        leaves=sum(1 for stay in stays if stay.left_between(start, end)),
        active=Rate(active, members),
        retention=retention_4w(stays, activity, period.start, period.end),
        roles=dict(Counter(stay.role for stay in present)),
        koc=Rate(koc, members),
        interaction=Rate(posted, members),
        silent=Rate(silent, members),
        loss_7d=Rate(lost, before),
        is_new=is_new,
    )
    health.warnings = warnings(health, thresholds)
    return health


def warnings(health: CommunityHealth, limits: Thresholds) -> list[str]:
    found = []
    loss = health.loss_7d.share
    if health.is_new and loss is not None and loss > limits.new_group_loss:
        found.append(
            msg(
                "新群 7 天流失 {share}（超过 {limit}）",
                share=percent(loss),
                limit=percent(limits.new_group_loss, 0),
            )
        )
    if health.members < limits.min_members:
        return found
    interaction, silent, koc = health.interaction.share, health.silent.share, health.koc.share
    if interaction is not None and interaction < limits.min_interaction:
        found.append(
            msg(
                "近 7 天互动率 {share}（低于 {limit}）",
                share=percent(interaction),
                limit=percent(limits.min_interaction, 0),
            )
        )
    if silent is not None and silent > limits.max_silent:
        found.append(
            msg(
                "近 7 天 {share} 的成员没有任何行为（超过 {limit}）",
                share=percent(silent),
                limit=percent(limits.max_silent, 0),
            )
        )
    if koc is not None and not limits.koc_low <= koc <= limits.koc_high:
        found.append(
            msg(
                "KOC 占比 {share}（建议 {low}–{high}）",
                share=percent(koc),
                low=percent(limits.koc_low, 0),
                high=percent(limits.koc_high, 0),
            )
        )
    return found
