"""The level rule at its edges: promotion, low-water mark, grace, lock, manual, cold start."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.common.errors import UserError
from core.tiers.decide import decide
from core.tiers.figures import Figures
from core.tiers.ladder import DEFAULT_LADDER, Ladder, Level, ladder_from_json, ladder_to_json

NOW = datetime(2026, 11, 23, 12, 0)
LADDER = Ladder(
    levels=(
        Level("newcomer", "新人"),
        Level("participant", "参与者", window={"active_days": 10}),
        Level("active", "活跃成员", window={"active_days": 20, "checkins": 10}),
        Level("core", "核心成员", window={"active_days": 40}, all_time={"messages": 100}),
        Level("kol", "KOC/KOL", manual=True),
    ),
    low_water=0.9,
    grace_days=14,
)


def figures(active_days=0, checkins=0, messages_all=0) -> Figures:
    return Figures(
        window={"active_days": active_days, "checkins": checkins},
        all_time={"active_days": active_days, "messages": messages_all},
    )


def run(current, figs, *, promoted_days_ago=None, locked=False, floor=0):
    promoted_at = None if promoted_days_ago is None else NOW - timedelta(days=promoted_days_ago)
    return decide(
        LADDER, current, figs, now=NOW, promoted_at=promoted_at, locked=locked, floor=floor
    )


def test_promotion_is_immediate_and_skips_levels():
    decision = run("newcomer", figures(active_days=25, checkins=12))
    assert (decision.level, decision.cause) == ("active", "promote")
    assert "活跃天数 25/20" in decision.reason


def test_one_short_of_a_threshold_is_not_a_promotion():
    decision = run("participant", figures(active_days=20, checkins=9))
    assert (decision.level, decision.cause) == ("participant", "hold")


def test_all_time_minimum_is_required_too():
    assert run("active", figures(active_days=50, checkins=10, messages_all=99)).level == "active"
    assert run("active", figures(active_days=50, checkins=10, messages_all=100)).level == "core"


def test_no_demotion_at_the_low_water_mark():
    # 90% of 20 active days is 18, 90% of 10 check-ins is 9: exactly at the mark holds.
    decision = run("active", figures(active_days=18, checkins=9), promoted_days_ago=30)
    assert (decision.level, decision.cause) == ("active", "hold")
    assert "保级线" in decision.reason


def test_demotion_just_below_the_low_water_mark():
    decision = run("active", figures(active_days=17, checkins=9), promoted_days_ago=30)
    assert (decision.level, decision.cause) == ("participant", "demote")


def test_demotion_goes_to_the_highest_level_still_held():
    decision = run("core", figures(active_days=5), promoted_days_ago=100)
    assert (decision.level, decision.cause) == ("newcomer", "demote")


def test_grace_period_edges():
    quiet = figures(active_days=0)
    inside = run("active", quiet, promoted_days_ago=13)
    assert (inside.level, inside.cause) == ("active", "grace")
    at_end = run("active", quiet, promoted_days_ago=14)
    assert (at_end.level, at_end.cause) == ("newcomer", "demote")


def test_a_locked_level_never_moves():
    assert run("active", figures(), locked=True).cause == "locked"
    assert run("newcomer", figures(active_days=99, checkins=99), locked=True).level == "newcomer"


def test_a_manual_level_is_never_given_or_taken_automatically():
    assert run("kol", figures()).level == "kol"
    top = run("core", figures(active_days=400, checkins=400, messages_all=9999))
    assert top.level == "core"


def test_cold_start_lifts_newcomers_one_level_but_no_further():
    decision = run("newcomer", figures(), floor=1)
    assert (decision.level, decision.cause) == ("participant", "promote")
    assert "冷启动" in decision.reason
    # Below the floor nobody is demoted, whatever their figures.
    assert run("participant", figures(), promoted_days_ago=100, floor=1).level == "participant"


def test_a_community_is_in_cold_start_below_the_ladders_line():
    ladder = Ladder(levels=LADDER.levels, cold_start_members=50)
    assert ladder.in_cold_start(49) and not ladder.in_cold_start(50)
    assert (ladder.floor(0), ladder.floor(49), ladder.floor(50)) == (1, 1, 0)


def test_an_unknown_level_counts_as_the_first():
    assert run("removed-level", figures(active_days=12)).level == "participant"


def test_ladder_round_trips_through_json():
    assert ladder_from_json(ladder_to_json(DEFAULT_LADDER)) == DEFAULT_LADDER


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw.update(levels=[]), "等级数"),
        (lambda raw: raw["levels"][1].update(window={"hugs": 3}), "不认识的条件"),
        (lambda raw: raw["levels"][1].update(window={"active_days": -1}), "之间的整数"),
        (lambda raw: raw["levels"][1].update(window={"active_days": 2.5}), "之间的整数"),
        (lambda raw: raw["levels"][1].update(window={"active_days": "3"}), "必须是整数"),
        (lambda raw: raw["levels"][2].update(key="newcomer"), "重复"),
        (lambda raw: raw["levels"][0].update(manual=True), "起点"),
        (lambda raw: raw.update(low_water=1.5), "保级线"),
        (lambda raw: raw.update(grace_days=-3), "保护期"),
        (lambda raw: raw.update(window_days=10**9), "统计周期"),
        (lambda raw: raw["levels"][1].update(name=""), "缺少名称"),
    ],
)
def test_bad_ladders_are_refused_with_a_reason(change, message):
    raw = ladder_to_json(DEFAULT_LADDER)
    change(raw)
    with pytest.raises(UserError, match=message):
        ladder_from_json(raw)


def test_every_kind_but_a_violation_is_activity():
    # figures_query tests `kind != 'violation'` instead of listing ACTIVE_KINDS: they must agree.
    from core.activity.kinds import ACTIVE_KINDS
    from db.models import ACTIVITY_KINDS

    assert set(ACTIVE_KINDS) == set(ACTIVITY_KINDS) - {"violation"}
