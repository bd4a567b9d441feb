"""The report's activity slices come from one pass grouped by (member, community) with the
slices as bit masks; they must equal what a query per slice reads (the window read on its
own, the old per-slice grouping), posted or not, with more slices than one mask column holds,
events exactly on an edge, inactive kinds and a community filter."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from core.common.progress import Cancelled
from core.reports.stays import SLICES_PER_MASK, Activity
from db.models import ActivityEvent
from tests.core.reports.helpers import group, person

START = datetime(2026, 1, 5)  # a Monday


def edges() -> list[datetime]:
    """Weekly edges for 70 weeks (three mask columns) plus two odd ones inside."""
    found = [START + timedelta(weeks=n) for n in range(71)]
    return sorted([*found, START + timedelta(days=40, hours=5), START + timedelta(days=200)])


def populate(session) -> list[int]:
    groups = [group(session, "读书会"), group(session, "跑步群")]
    kinds = ("checkin", "message", "purchase", "reply", "redpacket", "violation")
    marks = edges()
    for n in range(40):
        cid = groups[n % 2]
        who = person(session, cid, f"成员{n}", joined=START - timedelta(days=30))
        for k in range(n % 9 + 1):
            if k % 3 == 0:  # exactly on an edge
                moment = marks[(n * 7 + k * 5) % len(marks)]
            else:
                moment = START + timedelta(days=(n * 13 + k * 29) % 520, hours=k % 24)
            session.add(
                ActivityEvent(
                    member_id=who, community_id=cid, kind=kinds[(n + k) % len(kinds)],
                    occurred_at=moment,
                )
            )  # fmt: skip
        if n % 5 == 0:  # also active in the other group
            other = groups[(n + 1) % 2]
            session.add(
                ActivityEvent(
                    member_id=who, community_id=other, kind="message",
                    occurred_at=START + timedelta(days=n * 3),
                )
            )  # fmt: skip
    session.flush()
    return groups


def test_slices_from_masks_equal_a_query_per_slice(database):
    marks = edges()
    assert len(marks) - 1 > 2 * SLICES_PER_MASK
    with database.session() as session:
        groups = populate(session)
        for cid in (None, groups[0]):
            activity = Activity(session, cid, marks)
            slices = activity._read_slices()
            assert len(slices) == len(marks) - 1
            for n, (start, end) in enumerate(pairwise(marks)):
                alone = Activity(session, cid).pairs(start, end)  # read on its own
                assert slices[n] == alone, (cid, n)
            # The fixture has what it claims: posts and non-posts, in many slices.
            assert sum(1 for part in slices if part) > SLICES_PER_MASK
            assert any(True in part.values() for part in slices)
            assert any(False in part.values() for part in slices)
            # And a window over several slices is their union, posted if posted in any.
            window = activity.pairs(marks[3], marks[40])
            assert window == Activity(session, cid).pairs(marks[3], marks[40])


def test_the_scan_reads_members_a_range_at_a_time_and_hears_cancel_between(database):
    marks = edges()
    with database.session() as session:
        populate(session)
        whole = Activity(session, None, marks)._read_slices()
        # Passes of 7 member ids: the same slices as one pass over everyone.
        assert Activity(session, None, marks, members_per_pass=7)._read_slices() == whole
        asked = []

        def cancelled() -> bool:  # the user closes the window once two passes were read
            asked.append(True)
            return len(asked) > 2

        activity = Activity(session, None, marks, cancelled=cancelled, members_per_pass=7)
        with pytest.raises(Cancelled):
            activity.pairs(marks[0], marks[-1])
        assert len(asked) == 3  # asked before each pass; 40 members are six passes
        assert activity._slices is None  # nothing half-read is kept
