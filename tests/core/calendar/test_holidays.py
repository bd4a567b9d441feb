"""Holiday years: chinesecalendar's, an imported notice's, or a clear "no data" state."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from core.calendar.holidays import (
    LIBRARY,
    MISSING,
    NOTICE,
    day_mark,
    holiday_year,
    import_notice,
    library_years,
    load_imported,
    store_file,
)
from core.calendar.notice import parse_notice
from core.common.errors import UserError

NOTICES = Path(__file__).parent / "notices"


def made_up_2027():
    return parse_notice((NOTICES / "made-up-2027.txt").read_text(encoding="utf-8"))


def test_the_library_knows_2004_to_2026():
    first, last = library_years()
    assert first == 2004 and last >= 2026


def test_a_year_after_the_library_is_missing_with_a_message_not_an_error():
    year = holiday_year(2027)
    assert year.status == MISSING and not year.known
    assert "没有 2027 年的节假日数据" in year.message
    assert year.holidays == {} and year.breaks() == []
    assert year.is_day_off(date(2027, 1, 1)) is None
    assert day_mark(date(2027, 1, 1)) is None
    assert holiday_year(1990).status == MISSING


def test_2026_from_the_library():
    year = holiday_year(2026)
    assert year.status == LIBRARY and year.message is None
    assert year.is_day_off(date(2026, 2, 15)) is True  # 春节, a Sunday listed
    assert year.is_day_off(date(2026, 2, 14)) is False  # a Saturday worked
    assert year.is_day_off(date(2026, 3, 2)) is False  # an ordinary Monday
    assert day_mark(date(2026, 1, 4)) == "班" and day_mark(date(2026, 10, 3)) == "休"
    assert day_mark(date(2026, 3, 2)) is None


def test_breaks_join_the_weekend_next_to_a_single_day():
    breaks = holiday_year(2024).breaks()
    assert (date(2024, 6, 8), date(2024, 6, 10), "端午节") in breaks  # 与周末连休
    assert (date(2023, 12, 30), date(2024, 1, 1), "元旦") in breaks
    together = holiday_year(2025).breaks()
    assert (date(2025, 10, 1), date(2025, 10, 8), "国庆节、中秋节") in together


def test_new_years_break_begun_in_december_belongs_to_the_next_year():
    assert date(2022, 12, 31) not in holiday_year(2022).holidays
    assert holiday_year(2023).holidays[date(2022, 12, 31)] == "元旦"
    assert day_mark(date(2022, 12, 31)) == "休"


def test_importing_a_notice_fills_the_missing_year():
    dry = import_notice(made_up_2027(), dry_run=True)
    assert not dry.saved and not store_file().exists()
    assert holiday_year(2027).status == MISSING

    result = import_notice(made_up_2027())
    assert result.saved and not result.replaced
    year = holiday_year(2027)
    assert year.status == NOTICE and year.imported_at
    assert year.holidays == made_up_2027().holidays
    assert day_mark(date(2027, 2, 20)) == "班" and day_mark(date(2027, 10, 1)) == "休"

    again = import_notice(made_up_2027())
    assert again.replaced
    assert list(load_imported()) == [2027]


def test_a_notice_for_a_library_year_is_compared_not_stored():
    parsed = parse_notice((NOTICES / "2026.txt").read_text(encoding="utf-8"))
    assert import_notice(parsed, dry_run=True).library_differences == ()
    with pytest.raises(UserError, match="已内置"):
        import_notice(parsed)
    assert not store_file().exists()


@pytest.mark.parametrize(
    "content",
    ["{broken", "[]", '{"years": {"2027": {"holidays": 5}}}', '{"years": {"x": {}}}', "\x00\x01"],
)
def test_a_damaged_store_counts_as_no_imports(content):
    store_file().parent.mkdir(parents=True, exist_ok=True)
    store_file().write_text(content, encoding="utf-8")
    assert load_imported() == {}
    assert holiday_year(2027).status == MISSING
    import_notice(made_up_2027())  # and importing again repairs it
    assert holiday_year(2027).status == NOTICE
    assert json.loads(store_file().read_text(encoding="utf-8"))["version"] == 1
