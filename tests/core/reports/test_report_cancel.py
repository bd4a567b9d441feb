"""A dashboard read dropped in flight (a newer period, the window closing at start-up) stops
at the next of its long reads: quitting waits for none of the rest."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from core.common.progress import Cancelled
from core.reports.dashboard import dashboard
from core.reports.period import Period
from tests.core.reports.helpers import MONDAY, SUNDAY, seed_week

WEEK = Period(MONDAY, SUNDAY)


def _statements(session, on_statement=lambda: None) -> list[str]:
    seen: list[str] = []

    def executed(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)
        on_statement()

    event.listen(session.get_bind(), "before_cursor_execute", executed)
    return seen


def test_a_read_dropped_before_it_began_reads_nothing(database):
    with database.session(write=True) as session:
        seed_week(session)
    with database.session() as session:
        seen = _statements(session)
        with pytest.raises(Cancelled):
            dashboard(session, WEEK, cancelled=lambda: True)
    assert seen == []


def test_a_read_dropped_while_the_stays_load_reads_no_activity(database):
    with database.session(write=True) as session:
        seed_week(session)
    with database.session() as session:
        dropped = []  # the window closes as the first read (the stays) runs
        seen = _statements(session, lambda: dropped.append(True))
        with pytest.raises(Cancelled):
            dashboard(session, WEEK, cancelled=lambda: bool(dropped))
    assert seen, "the stays were read"
    assert not [s for s in seen if "activity_events" in s]
