"""Lunar festivals and the 24 solar terms of a Gregorian year, for any year.

lunar_python computes both astronomically in Beijing time (the Purple Mountain Observatory's
convention, which mainland calendars follow: 中秋 1978 is 17 September, where Hong Kong's
table says the 16th), so there is no table that runs out.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from lunar_python import Lunar

# (lunar month, lunar day, name): the festivals an operator plans for.
LUNAR_FESTIVALS = (
    (1, 1, "春节"),
    (1, 15, "元宵节"),
    (5, 5, "端午节"),
    (7, 7, "七夕"),
    (8, 15, "中秋节"),
    (9, 9, "重阳节"),
)
NEW_YEARS_EVE = "除夕"

# The table names the terms next to the lunar year by pinyin; the year's own by Chinese.
_PINYIN_TERMS = {
    "DONG_ZHI": "冬至",
    "XIAO_HAN": "小寒",
    "DA_HAN": "大寒",
    "LI_CHUN": "立春",
    "YU_SHUI": "雨水",
    "JING_ZHE": "惊蛰",
    "DA_XUE": "大雪",
}

# lunar_python's range; far beyond any plan, and a clear limit instead of a wrong answer.
FIRST_YEAR, LAST_YEAR = 1901, 2999


def _solar(lunar: Lunar) -> date:
    solar = lunar.getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _check(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year {year} outside {FIRST_YEAR}..{LAST_YEAR}")


@cache
def lunar_festivals(year: int) -> tuple[tuple[date, str], ...]:
    """The lunar festivals falling in Gregorian `year`, with 除夕, in date order."""
    _check(year)
    found = [
        (_solar(Lunar.fromYmd(year, month, day)), name) for month, day, name in LUNAR_FESTIVALS
    ]
    # 除夕 is the day before 春节, whether the twelfth month has 29 days or 30.
    found.append((found[0][0] - timedelta(days=1), NEW_YEARS_EVE))
    return tuple(sorted(found))


@cache
def solar_terms(year: int) -> tuple[tuple[date, str], ...]:
    """The 24 solar terms of Gregorian `year` (小寒 in January to 冬至 in December)."""
    _check(year)
    found: dict[date, str] = {}
    for lunar_year in (year, year + 1):
        for name, solar in Lunar.fromYmd(lunar_year, 6, 1).getJieQiTable().items():
            day = date(solar.getYear(), solar.getMonth(), solar.getDay())
            if day.year == year:
                found[day] = _PINYIN_TERMS.get(name, name)
    return tuple(sorted(found.items()))
