"""What the month and week read for their days: holidays (休) and make-up workdays (班) from the
holiday data, marketing nodes, and the years without holiday data for the banner."""

from __future__ import annotations

from datetime import date

from ui.calendar.data import (
    HOLIDAY_MARK,
    NODE_MARK,
    WORKDAY_MARK,
    load_range,
    month_grid_first,
)


def test_a_month_of_2026_has_its_days_off_workdays_and_nodes(app, sqlite_database):
    first = month_grid_first(2026, 2)
    assert first == date(2026, 1, 26)  # the Monday before 1 February
    with sqlite_database.session() as session:
        data = load_range(session, first, date(2026, 3, 8))
    kinds = lambda day: {(m.kind, m.text) for m in data.marks.get(day, [])}  # noqa: E731
    assert (WORKDAY_MARK, "春节") in kinds(date(2026, 2, 14))  # 班 on a Saturday
    assert (HOLIDAY_MARK, "春节") in kinds(date(2026, 2, 17))
    assert (NODE_MARK, "元宵节") in kinds(date(2026, 3, 3))
    assert data.missing_years == () and data.messages == ()


def test_a_range_reaching_a_year_without_data_names_it(app, sqlite_database):
    with sqlite_database.session() as session:
        data = load_range(session, month_grid_first(2026, 12), date(2027, 1, 10))
    assert data.missing_years == (2027,)
    assert "2027" in data.messages[0]
