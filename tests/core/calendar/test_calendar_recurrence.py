"""SOP recurrence (dateutil rrule, Asia/Shanghai wall-clock times): month ends, the 31st
skipping short months (no 31 February), 29 February only in leap years, no clock change all
year, COUNT counted from the series' start, UNTIL inclusive, and rules refused when they are
unreadable, end two ways at once, or never happen."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.calendar.recurrence import is_occurrence, occurrences, parse_rule
from core.common.errors import UserError


def run(text, start, window_start, window_end, **ends):
    rule = parse_rule(text, start, **ends)
    return occurrences(rule, start, window_start, window_end)


def test_the_31st_skips_months_without_one():
    got = run("FREQ=MONTHLY;BYMONTHDAY=31", datetime(2027, 1, 31, 20), datetime(2027, 1, 1),
              datetime(2028, 1, 1))  # fmt: skip
    assert [d.month for d in got] == [1, 3, 5, 7, 8, 10, 12]
    assert all(d.day == 31 and d.hour == 20 for d in got)


def test_month_end_is_every_months_last_day_february_too():
    got = run("FREQ=MONTHLY;BYMONTHDAY=-1", datetime(2027, 1, 31, 9), datetime(2027, 1, 1),
              datetime(2028, 4, 1))  # fmt: skip
    ends = {(d.year, d.month): d.day for d in got}
    assert ends[(2027, 2)] == 28 and ends[(2028, 2)] == 29 and ends[(2027, 4)] == 30
    assert len(got) == 15


def test_29_february_comes_only_in_leap_years():
    got = run("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", datetime(2024, 2, 29, 8),
              datetime(2024, 1, 1), datetime(2033, 1, 1))  # fmt: skip
    assert [d.year for d in got] == [2024, 2028, 2032]


def test_30_february_is_refused_when_written_not_looped_over():
    with pytest.raises(UserError, match="一次也不会发生"):
        parse_rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", datetime(2027, 1, 1, 8))
    with pytest.raises(UserError, match="一次也不会发生"):
        parse_rule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31", datetime(2027, 1, 1, 8))


def test_asia_shanghai_has_no_clock_change_8_oclock_all_year():
    """US and European clocks change in March and October/November; Shanghai's never does:
    every occurrence is 08:00 and exactly 24 hours after the one before."""
    got = run("FREQ=DAILY", datetime(2027, 1, 1, 8), datetime(2027, 1, 1), datetime(2028, 1, 1))
    assert len(got) == 365 and {(d.hour, d.minute) for d in got} == {(8, 0)}
    shanghai = ZoneInfo("Asia/Shanghai")
    instants = [d.replace(tzinfo=shanghai).timestamp() for d in got]
    assert {b - a for a, b in itertools.pairwise(instants)} == {86400.0}
    assert {d.replace(tzinfo=shanghai).utcoffset() for d in got} == {timedelta(hours=8)}


def test_count_counts_from_the_series_start_not_the_window():
    start = datetime(2027, 1, 6, 20)  # a Wednesday
    got = run("FREQ=WEEKLY;BYDAY=WE;COUNT=5", start, datetime(2027, 1, 20), datetime(2028, 1, 1))
    assert [d.date() for d in got] == [date(2027, 1, 20), date(2027, 1, 27), date(2027, 2, 3)]


def test_until_is_inclusive_and_taken_out_of_the_rule():
    start = datetime(2027, 3, 1, 8)
    rule = parse_rule("RRULE:FREQ=DAILY;UNTIL=20270303T235959Z", start)
    assert rule.text == "FREQ=DAILY" and rule.end_on == date(2027, 3, 3) and rule.end_count is None
    got = occurrences(rule, start, datetime(2027, 1, 1), datetime(2028, 1, 1))
    assert [d.day for d in got] == [1, 2, 3]
    ended = run("FREQ=DAILY", start, start, datetime(2028, 1, 1), end_on=date(2027, 3, 2))
    assert len(ended) == 2


def test_an_occurrence_is_known_by_its_exact_time():
    start = datetime(2027, 1, 6, 20)
    rule = parse_rule("FREQ=WEEKLY;BYDAY=WE", start)
    assert is_occurrence(rule, start, datetime(2027, 1, 13, 20))
    assert not is_occurrence(rule, start, datetime(2027, 1, 13, 21))
    assert not is_occurrence(rule, start, datetime(2027, 1, 14, 20))


@pytest.mark.parametrize(
    ("text", "ends", "says"),
    [
        ("", {}, "请写出重复规则"),
        ("FREQ=FORTNIGHTLY", {}, "按天、周、月或年"),
        ("FREQ=HOURLY", {}, "按天、周、月或年"),
        ("FREQ=WEEKLY;BYDAY=XX", {}, "看不懂"),
        ("FREQ=DAILY;COUNT=abc", {}, "看不懂"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20280101", {}, "只能选一种"),
        ("FREQ=DAILY;COUNT=3", {"end_on": date(2028, 1, 1)}, "只能选一种"),
        ("FREQ=DAILY;UNTIL=20280101", {"end_on": date(2028, 2, 1)}, "只能选一种"),
        ("FREQ=DAILY;COUNT=3", {"end_count": 4}, "只能选一种"),
        ("FREQ=DAILY;COUNT=0", {}, "重复次数"),
        ("FREQ=DAILY", {"end_on": date(2020, 1, 1)}, "早于开始日期"),
        ("DTSTART=20270101;FREQ=DAILY", {}, "看不懂"),
    ],
)
def test_bad_rules_get_a_one_line_reason(text, ends, says):
    with pytest.raises(UserError, match=says) as error:
        parse_rule(text, datetime(2027, 1, 1, 8), **ends)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=DAILY",
        "FREQ=DAILY;INTERVAL=3",
        "FREQ=DAILY;BYDAY=MO,WE,FR",
        "FREQ=DAILY;BYHOUR=8,20",
        "FREQ=WEEKLY",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SA",
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU;WKST=SU",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=MONTHLY;BYDAY=1MO",
    ],
)
def test_a_series_begun_long_ago_gives_the_same_occurrences_in_a_window(text):
    """Later windows skip whole periods of the series rather than walk them: the occurrences
    must be exactly those of walking every period from the start."""
    from dateutil.rrule import rrulestr

    start = datetime(2019, 5, 17, 8, 30)  # a Friday
    rule = parse_rule(text, start)
    walked = list(
        rrulestr(text, dtstart=start).between(datetime(2019, 1, 1), datetime(2031, 1, 1), inc=True)
    )
    for offset in (0, 1, 2, 6, 7, 13, 400, 2000, 3001):
        window_start = start + timedelta(days=offset, hours=offset % 24)
        window_end = window_start + timedelta(days=45)
        expected = [d for d in walked if window_start <= d < window_end]
        assert occurrences(rule, start, window_start, window_end) == expected, offset


@pytest.mark.parametrize(
    "text", ["FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2"]
)
@pytest.mark.parametrize("ends", [{}, {"end_count": 40}, {"end_on": date(2020, 2, 29)}])
def test_plain_daily_and_weekly_rules_are_counted_not_walked_with_the_same_result(text, ends):
    """A rule of only FREQ and INTERVAL is plain arithmetic (the SOP bench's year of daily
    items): the same occurrences as dateutil's walk, its COUNT and UNTIL included."""
    from dateutil.rrule import rrulestr

    start = datetime(2019, 5, 17, 8, 30)
    rule = parse_rule(text, start, **ends)
    full = text + (
        f";COUNT={ends['end_count']}" if "end_count" in ends
        else ";UNTIL=20200229T235959" if "end_on" in ends else ""
    )  # fmt: skip
    walked = list(rrulestr(full, dtstart=start).between(start, datetime(2031, 1, 1), inc=True))
    for offset in (-30, 0, 1, 5, 20, 200, 290, 3000):
        window_start = start + timedelta(days=offset, hours=offset % 7)
        window_end = window_start + timedelta(days=60)
        expected = [d for d in walked if window_start <= d < window_end]
        assert occurrences(rule, start, window_start, window_end) == expected, offset
    assert occurrences(rule, start, start, start) == []
