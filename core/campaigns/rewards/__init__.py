"""Reward decisions per campaign type: `decide(settings, facts)` gives every reward the facts
earn — who gets what, pending until when, approved / held / void and why.

invites   邀请码裂变, 海报裂变, 送, 任务宝 (and its 还差 N 人), 排行榜, 优惠券
teams     拼团 (team states), 助力 (help states)
bargain   砍价 (the cut schedule)
lottery   抽奖 (the replayable draw)
swaps     以物换物 (offers, wants, matches, done)
common    claims → decisions: eligibility, moderation, reviews, stock and budget
"""

from __future__ import annotations

from operator import attrgetter

from core.campaigns.decisions import Decision
from core.campaigns.facts import Facts
from core.campaigns.rewards.bargain import bargain
from core.campaigns.rewards.invites import coupons, double_sided, ranking, task_ladder
from core.campaigns.rewards.lottery import lottery
from core.campaigns.rewards.swaps import swaps
from core.campaigns.rewards.teams import group_buy, helping
from core.campaigns.settings import Common, kind_of
from core.common.gc_pause import gc_paused

_BY_KIND = {
    "invite_code": double_sided,
    "poster": double_sided,
    "gift": double_sided,
    "task_ladder": task_ladder,
    "group_buy": group_buy,
    "help": helping,
    "bargain": bargain,
    "coupon": coupons,
    "ranking": ranking,
    "swap": swaps,
    "lottery": lottery,
}


def decide(settings: Common, facts: Facts) -> list[Decision]:
    """Every reward decision of the campaign, ordered by when it was earned, then its key."""
    with gc_paused():  # ~2 million objects over 200000 edges, all alive until the end
        decisions = _BY_KIND[kind_of(settings)](settings, facts)
        return sorted(decisions, key=attrgetter("at", "key"))
