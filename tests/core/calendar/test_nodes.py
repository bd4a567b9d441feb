"""Marketing nodes: holidays, 班, solar terms, lunar and shop festivals; seeding a plan."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from core.calendar.holidays import import_notice
from core.calendar.nodes import (
    HOLIDAY,
    LUNAR_FESTIVAL,
    SHOP_FESTIVAL,
    SOLAR_TERM,
    WORKDAY,
    nodes_between,
    seed_plan,
)
from core.calendar.notice import parse_notice
from core.common.errors import UserError

NOTICES = Path(__file__).parent / "notices"


def test_a_whole_known_year():
    listed = nodes_between(date(2026, 1, 1), date(2026, 12, 31))
    assert listed.missing_years == () and listed.messages == ()
    kinds = Counter(node.kind for node in listed.nodes)
    assert kinds == {HOLIDAY: 7, WORKDAY: 6, SOLAR_TERM: 24, LUNAR_FESTIVAL: 7, SHOP_FESTIVAL: 4}
    assert [n.day for n in listed.nodes] == sorted(n.day for n in listed.nodes)
    spring = next(n for n in listed.nodes if n.kind == HOLIDAY and n.name == "春节")
    assert (spring.day, spring.end) == (date(2026, 2, 15), date(2026, 2, 23))


def test_a_range_into_a_year_without_holiday_data_still_lists_the_rest():
    listed = nodes_between(date(2026, 12, 1), date(2027, 2, 28))
    assert listed.missing_years == (2027,)
    assert "没有 2027 年的节假日数据" in listed.messages[0]
    names = {(n.day, n.name) for n in listed.nodes}
    assert (date(2027, 2, 6), "春节") in names and (date(2026, 12, 12), "双12") in names
    assert not [n for n in listed.nodes if n.kind in (HOLIDAY, WORKDAY) and n.day.year == 2027]


def test_an_imported_notice_clears_the_banner():
    import_notice(parse_notice((NOTICES / "made-up-2027.txt").read_text(encoding="utf-8")))
    listed = nodes_between(date(2027, 1, 1), date(2027, 12, 31))
    assert listed.missing_years == ()
    assert Counter(n.kind for n in listed.nodes)[WORKDAY] == 4


def test_a_break_overlapping_the_range_and_new_year_starting_in_december():
    inside = nodes_between(date(2026, 2, 20), date(2026, 2, 28), kinds=(HOLIDAY,))
    assert [(n.name, n.day) for n in inside.nodes] == [("春节", date(2026, 2, 15))]
    december = nodes_between(date(2022, 12, 1), date(2022, 12, 31), kinds=(HOLIDAY,))
    assert [(n.name, n.day, n.end) for n in december.nodes] == [
        ("元旦", date(2022, 12, 31), date(2023, 1, 2))
    ]


def test_kinds_filter_and_bad_ranges():
    only = nodes_between(date(2026, 1, 1), date(2026, 12, 31), kinds=(SHOP_FESTIVAL,))
    assert [n.name for n in only.nodes] == ["520", "618", "双11", "双12"]
    with pytest.raises(UserError, match="早于"):
        nodes_between(date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(UserError, match="三年"):
        nodes_between(date(2020, 1, 1), date(2026, 1, 1))
    with pytest.raises(UserError, match="未知的节点类型"):
        nodes_between(date(2026, 1, 1), date(2026, 2, 1), kinds=("birthday",))


def test_seeding_a_plan():
    listed = nodes_between(date(2026, 1, 1), date(2026, 12, 31))
    by_name = {(n.kind, n.name): n for n in listed.nodes}
    eleven = seed_plan(by_name[(SHOP_FESTIVAL, "双11")])
    assert (eleven.name, eleven.day, eleven.lead_days, eleven.start) == (
        "双11营销",
        date(2026, 11, 11),
        25,
        date(2026, 10, 17),
    )
    mid_autumn = seed_plan(by_name[(LUNAR_FESTIVAL, "中秋节")])
    assert mid_autumn.lead_days == 14 and mid_autumn.day == date(2026, 9, 25)
    term = seed_plan(by_name[(SOLAR_TERM, "立秋")])
    assert term.lead_days == 3
    worked = next(n for n in listed.nodes if n.kind == WORKDAY)
    reminder = seed_plan(worked)
    assert reminder.name == "元旦调休上班提醒" and reminder.lead_days == 1
    assert eleven.node_key == "shop_festival:2026-11-11:双11"
