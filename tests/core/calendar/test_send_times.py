"""The editor's best send times: per chosen community in the order chosen, a community without
chat history with core's reason; and the next moment a weekday × hour slot comes round from
the planned day, never in the past."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.calendar.send_times import next_slot, send_times
from tests.core.calendar.calendar_helpers import communities

NOW = datetime(2027, 3, 3, 15, 30)  # a Wednesday


@pytest.mark.parametrize(
    ("weekday", "hour", "planned", "expected"),
    [
        (2, 20, NOW, datetime(2027, 3, 3, 20)),  # later today
        (2, 9, NOW, datetime(2027, 3, 10, 9)),  # this morning has passed: next week
        (0, 8, NOW, datetime(2027, 3, 8, 8)),
        (4, 21, datetime(2027, 4, 12, 9), datetime(2027, 4, 16, 21)),  # the planned week kept
        (0, 7, datetime(2027, 4, 12, 9), datetime(2027, 4, 12, 7)),  # the planned day itself
        (5, 10, datetime(2026, 1, 1, 9), datetime(2027, 3, 6, 10)),  # planned in the past
    ],
)
def test_next_slot(weekday, hour, planned, expected):
    assert next_slot(weekday, hour, planned=planned, now=NOW) == expected


def test_send_times_keeps_the_order_and_says_why_without_history(database):
    with database.session(write=True) as session:
        first, second = communities(session, "烘焙群", "跑步群")
        found = send_times(session, [second, first])
        assert [(f.community_id, f.name) for f in found] == [(second, "跑步群"), (first, "烘焙群")]
        assert all(not f.times.slots and "还没有导入群聊记录" in str(f.times.reason) for f in found)
        assert send_times(session, []) == []
