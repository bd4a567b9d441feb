"""The level rule, as a pure function of a member's figures and current state.

Promotion is immediate: the member moves to the highest level whose criteria are all met.
Demotion is slow on purpose, so that a quiet fortnight does not cost anyone their standing:
it happens only after the grace period that follows a promotion, and only to the highest
level whose criteria are still met at the low-water mark (90% of each threshold by default).
A locked level, and a level given by hand (KOC/KOL), never move by themselves.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.common.joins import joined_phrases
from core.common.text import msg
from core.tiers.figures import Figures
from core.tiers.ladder import METRIC_LABELS, Ladder, Level


@dataclass(frozen=True)
class Decision:
    level: str
    cause: str  # promote / demote / hold / grace / locked / manual
    reason: str

    @property
    def changes(self) -> bool:
        return self.cause in ("promote", "demote")


def criteria_met(level: Level, figures: Figures, share: float = 1.0) -> bool:
    """Every criterion of the level met, each windowed threshold scaled by `share`."""
    for metric, threshold in level.window.items():
        if figures.get(metric) < math.ceil(threshold * share):
            return False
    return all(figures.get(metric, True) >= minimum for metric, minimum in level.all_time.items())


def highest_met(ladder: Ladder, figures: Figures, share: float = 1.0, up_to: int | None = None):
    """Rank of the highest automatic level whose criteria hold (0 when none above the first)."""
    top = len(ladder.levels) - 1 if up_to is None else up_to
    for rank in range(top, 0, -1):
        level = ladder.levels[rank]
        if not level.manual and criteria_met(level, figures, share):
            return rank
    return 0


def describe_figures(level: Level, figures: Figures) -> str:
    """ "活跃天数 16/15，签到天数 9/8": the criteria of a level with the member's figures."""
    parts = [
        _figure(metric, False, figures.get(metric), threshold)
        for metric, threshold in level.window.items()
    ]
    parts += [
        _figure(metric, True, figures.get(metric, True), minimum)
        for metric, minimum in level.all_time.items()
    ]
    return joined_phrases(parts) or msg("起步等级，没有条件")


@functools.lru_cache(maxsize=4096)
def _figure(metric: str, all_time: bool, figure: int, threshold: int) -> str:
    """One criterion with the member's figure. Remembered: a full recalculation describes tens
    of thousands of promotions, and members share most figure/threshold pairs."""
    if all_time:
        return msg(
            "累计{metric} {figure}/{threshold}",
            metric=METRIC_LABELS[metric],
            figure=figure,
            threshold=threshold,
        )
    return msg(
        "{metric} {figure}/{threshold}",
        metric=METRIC_LABELS[metric],
        figure=figure,
        threshold=threshold,
    )


def decide(
    ladder: Ladder,
    current: str,
    figures: Figures,
    *,
    now: datetime,
    promoted_at: datetime | None,
    locked: bool,
    floor: int = 0,
    explain_holds: bool = True,
) -> Decision:
    """The level a member should have now. `floor` is 1 while the community is in cold start.

    `explain_holds=False` skips writing the reason when nothing changes: a full
    recalculation holds most members, and only changes are stored with their reason.
    """
    current_rank = ladder.rank(current)
    current_level = ladder.levels[current_rank]
    if locked:
        return Decision(current_level.key, "locked", msg("等级已锁定"))
    if current_level.manual:
        return Decision(current_level.key, "manual", msg("手动指定的等级"))

    floor = min(floor, len(ladder.levels) - 1)
    met = max(highest_met(ladder, figures), floor)
    if met > current_rank:
        target = ladder.levels[met]
        reason = (
            msg("冷启动：新人起步高一级") if met == floor else describe_figures(target, figures)
        )
        return Decision(target.key, "promote", reason)
    if met == current_rank:
        reason = describe_figures(current_level, figures) if explain_holds else ""
        return Decision(current_level.key, "hold", reason)

    if promoted_at is not None and now < promoted_at + timedelta(days=ladder.grace_days):
        until = (promoted_at + timedelta(days=ladder.grace_days)).date()
        return Decision(
            current_level.key, "grace", msg("升级保护期到 {date}", date=until.isoformat())
        )
    held = highest_met(ladder, figures, ladder.low_water, up_to=current_rank)
    if held >= current_rank:
        reason = (
            msg("未低于保级线：{figures}", figures=describe_figures(current_level, figures))
            if explain_holds
            else ""
        )
        return Decision(current_level.key, "hold", reason)
    target = ladder.levels[max(held, met, floor)]
    return Decision(
        target.key,
        "demote",
        msg("低于保级线：{figures}", figures=describe_figures(current_level, figures)),
    )
