"""Lunar festivals and solar terms for any year (lunar_python)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from core.calendar.lunar import lunar_festivals, solar_terms


def test_known_festival_dates():
    assert dict((n, d) for d, n in lunar_festivals(2025)) == {
        "除夕": date(2025, 1, 28),
        "春节": date(2025, 1, 29),
        "元宵节": date(2025, 2, 12),
        "端午节": date(2025, 5, 31),
        "七夕": date(2025, 8, 29),
        "中秋节": date(2025, 10, 6),
        "重阳节": date(2025, 10, 29),
    }
    festivals_2026 = {n: d for d, n in lunar_festivals(2026)}
    assert festivals_2026["春节"] == date(2026, 2, 17)
    assert festivals_2026["端午节"] == date(2026, 6, 19)
    assert festivals_2026["中秋节"] == date(2026, 9, 25)


def test_the_mainland_convention_where_hong_kongs_table_differs():
    assert {n: d for d, n in lunar_festivals(1978)}["中秋节"] == date(1978, 9, 17)


def test_the_library_holidays_fall_on_the_lunar_festivals():
    # chinesecalendar's 春节, 端午 and 中秋 breaks contain the lunar dates computed here.
    for year in range(2008, 2027):
        festivals = {n: d for d, n in lunar_festivals(year)}
        for name, english in (
            ("春节", "Spring Festival"),
            ("端午节", "Dragon Boat Festival"),
            ("中秋节", "Mid-autumn Festival"),
        ):
            day = festivals[name]
            on, holiday = chinese_calendar.get_holiday_detail(day)
            # None: a weekend day the break joins (与周末连休) is off without a name.
            assert on and holiday in (english, "National Day", None), (year, name, day)


@pytest.mark.parametrize("year", [1901, 1950, 2000, 2026, 2027, 2050, 2100, 2500])
def test_every_year_has_24_terms_and_7_festivals_in_order(year):
    terms = solar_terms(year)
    assert len(terms) == 24 and terms[0][1] == "小寒" and terms[-1][1] == "冬至"
    assert all(day.year == year for day, _ in terms)
    festivals = lunar_festivals(year)
    assert len(festivals) == 7
    named = {n: d for d, n in festivals}
    assert named["除夕"] == named["春节"] - timedelta(days=1)
    assert named["元宵节"] == named["春节"] + timedelta(days=14)


def test_solar_terms_agree_with_chinesecalendar_this_century():
    # chinesecalendar computes them with a formula and corrections; the only day they read
    # differently from 2000 to 2099 is 2084's 春分 (its correction moves it to the 20th).
    disagree = []
    for year in range(2000, 2100):
        ours = dict(solar_terms(year))
        for day, name in chinese_calendar.get_solar_terms(date(year, 1, 1), date(year, 12, 31)):
            if ours.get(day) != name:
                disagree.append((day, name))
    assert disagree == [(date(2084, 3, 20), "春分")]


def test_years_outside_the_range_are_refused():
    with pytest.raises(ValueError):
        solar_terms(1800)
