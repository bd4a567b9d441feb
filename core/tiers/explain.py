""" "Why this level, and what is missing": the why-panel, as data for the GUI and the CLI.

For each community a member is in: the current level and why it holds (criteria met, grace
period, low-water mark, lock), each criterion of this level and the next with the member's
figure and the threshold, and one sentence saying what to do next
("再签到 3 天、再发言 5 次即可升级为活跃成员").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.text import msg
from core.tiers.decide import decide
from core.tiers.figures import ALL_WANTED, Figures, load_figures, load_points, with_points
from core.tiers.ladder import METRIC_LABELS, METRIC_MISSING, Ladder, Level, load_ladder
from core.tiers.recompute import community_sizes
from db.models import Community, Member, Membership


@dataclass(frozen=True)
class Criterion:
    metric: str
    label: str  # a message: the window shows it in its language
    all_time: bool  # an all-time minimum rather than a figure in the rolling window
    figure: int
    threshold: int
    missing: int  # how much more is needed (0 when met)

    @property
    def met(self) -> bool:
        return self.missing == 0


@dataclass(frozen=True)
class LevelExplanation:
    community_id: int
    community: str
    level: str  # key
    level_name: str
    since: datetime | None
    locked: bool
    status: str  # hold / grace / locked / manual / promote / demote: what a recompute would do
    status_text: str
    window_days: int
    current: list[Criterion] = field(default_factory=list)
    next_level: str | None = None
    next_level_name: str | None = None
    next: list[Criterion] = field(default_factory=list)
    hint: str = ""


def _criteria(level: Level, figures: Figures) -> list[Criterion]:
    rows = []
    for all_time, thresholds in ((False, level.window), (True, level.all_time)):
        for metric, threshold in thresholds.items():
            figure = figures.get(metric, all_time)
            label = (
                msg("累计{metric}", metric=METRIC_LABELS[metric])
                if all_time
                else METRIC_LABELS[metric]
            )
            rows.append(
                Criterion(metric, label, all_time, figure, threshold, max(0, threshold - figure))
            )
    return rows


def _next_auto_level(ladder: Ladder, rank: int) -> Level | None:
    for level in ladder.levels[rank + 1 :]:
        if not level.manual:
            return level
    return None


def hint_for(next_level: Level | None, criteria: list[Criterion]) -> str:
    if next_level is None:
        return msg("已是最高的自动等级")
    missing = [
        msg("累计{need}", need=METRIC_MISSING[c.metric](c.missing))
        if c.all_time
        else METRIC_MISSING[c.metric](c.missing)
        for c in criteria
        if not c.met
    ]
    if not missing:
        return msg("已满足{level}的全部条件，下次重新计算时升级", level=next_level.name)
    return msg("{missing}即可升级为{level}", missing=joined_list(missing), level=next_level.name)


def explain_member(
    session: Session, member_id: int, *, now: datetime | None = None
) -> list[LevelExplanation]:
    """One explanation per community the member is in now."""
    member = session.get(Member, member_id)
    if member is None or member.merged_into_id is not None:
        raise UserError(msg("没有这个成员（可能已被合并或删除）"))
    now = now or datetime.now()
    sizes = community_sizes(session)
    rows = session.execute(
        select(Membership, Community.name)
        .join(Community, Community.id == Membership.community_id)
        .where(
            Membership.member_id == member_id,
            Membership.left_at.is_(None),
            Community.deleted_at.is_(None),
        )
        .order_by(Community.name)
    ).all()
    explanations = []
    figures_by_window: dict[int, dict[tuple[int, int], Figures]] = {}
    for membership, community_name in rows:
        ladder = load_ladder(session, membership.community_id)
        if ladder.window_days not in figures_by_window:
            since = now - timedelta(days=ladder.window_days)
            figures_by_window[ladder.window_days] = (
                load_figures(session, since, [member_id], until=now),
                load_points(session, since, [member_id], ALL_WANTED, now),
            )
        all_figures, points = figures_by_window[ladder.window_days]
        figures = with_points(
            all_figures.get((member_id, membership.community_id), Figures()), member_id, points
        )
        rank = ladder.rank(membership.level)
        level = ladder.levels[rank]
        if member.is_team:
            status, status_text = "team", msg("团队成员不参与分层统计")
        else:
            decision = decide(
                ladder,
                membership.level,
                figures,
                now=now,
                promoted_at=membership.promoted_at,
                locked=membership.level_locked,
                floor=ladder.floor(sizes.get(membership.community_id, 0)),
            )
            status, status_text = decision.cause, decision.reason
        next_level = _next_auto_level(ladder, rank)
        next_criteria = _criteria(next_level, figures) if next_level else []
        explanations.append(
            LevelExplanation(
                community_id=membership.community_id,
                community=community_name,
                level=level.key,
                level_name=level.name,
                since=membership.level_since,
                locked=membership.level_locked,
                status=status,
                status_text=status_text,
                window_days=ladder.window_days,
                current=_criteria(level, figures),
                next_level=next_level.key if next_level else None,
                next_level_name=next_level.name if next_level else None,
                next=next_criteria,
                hint=msg("团队成员不参与分层，等级不会自动变化")
                if member.is_team
                else hint_for(next_level, next_criteria),
            )
        )
    return explanations
