"""常青 content planned again once sent: N days after it was sent (at its time of day; a day
long past moves to the first day ahead), or into the next free slot of a recurring SOP, which
generating the SOP then leaves alone. Only evergreen items, only once sent."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.calendar.evergreen import recycle, set_evergreen
from core.calendar.history import history_of
from core.calendar.items import create_item, list_items
from core.calendar.settings import APPROVAL_SETTING
from core.calendar.sop import apply_template, create_template, skip_occurrence
from core.calendar.status import schedule
from core.calendar.today import mark_sent
from core.common.errors import UserError
from core.common.settings_store import set_setting
from db.calendar_models import ContentItem
from tests.core.calendar.calendar_helpers import communities

NOW = datetime(2027, 3, 1, 7, 30)  # a Monday


def _sent(session, cids, *, evergreen=True, at=datetime(2027, 2, 20, 20, 15)):
    item = create_item(session, "新人必看：群规与福利", planned_at=at, body="第一条……",
                       community_ids=cids, evergreen=evergreen, now=at)  # fmt: skip
    schedule(session, item.id, now=at)
    mark_sent(session, item.id, now=at)
    return item


def test_recycled_n_days_after_it_was_sent_at_its_time_of_day(database):
    with database.session() as session:
        cids = communities(session, "烘焙群", "跑步群")
        original = _sent(session, cids)
        copy = recycle(session, original.id, after_days=14, now=NOW)
        assert copy.planned_at == datetime(2027, 3, 6, 20, 15)
        assert (copy.status, copy.communities, copy.from_id) == ("scheduled", cids, original.id)
        row = session.get(ContentItem, copy.item_id)
        assert (row.title, row.body, row.evergreen, row.recycled_from_id) == (
            original.title, original.body, True, original.id,
        )  # fmt: skip
        assert row.sop_template_id is None and f"#{original.id}" in row.notes
        assert [h.action for h in history_of(session, copy.item_id)] == ["created"]
        # The default is 30 days; a day already past goes to the first day ahead.
        assert recycle(session, original.id, now=NOW).planned_at == datetime(2027, 3, 22, 20, 15)
        assert recycle(session, original.id, after_days=3, now=NOW).planned_at == datetime(
            2027, 3, 2, 20, 15
        )
        set_setting(session, APPROVAL_SETTING, True)
        assert recycle(session, original.id, after_days=40, now=NOW).status == "pending_review"


def test_recycled_into_the_next_free_slot_of_an_sop(database):
    with database.session() as session:
        a, b = communities(session, "烘焙群", "跑步群")
        create_template(session, "周三干货", rule="FREQ=WEEKLY;BYDAY=WE",
                        starts_at=datetime(2027, 1, 6, 20), community_ids=[a, b])  # fmt: skip
        apply_template(session, "周三干货", weeks=2, now=NOW)  # 3 and 10 March
        skip_occurrence(session, "周三干货", datetime(2027, 3, 17, 20), now=NOW)
        original = _sent(session, [a])
        copy = recycle(session, original.id, sop="周三干货", now=NOW)
        assert copy.planned_at == datetime(2027, 3, 24, 20)  # 17th skipped: not free
        assert (copy.template, copy.communities) == ("周三干货", [a, b])
        again = apply_template(session, "周三干货", weeks=4, now=NOW)
        assert (again.added, again.existing, again.skipped) == (0, 3, 1)
        titles = [i.title for i in list_items(session, NOW) if i.planned_at.day == 24]
        assert titles == ["新人必看：群规与福利"]  # the slot is the recycled one, once
        assert recycle(session, original.id, sop="周三干货", now=NOW).planned_at == datetime(
            2027, 3, 31, 20
        )


def test_only_sent_evergreen_items_are_recycled(database):
    with database.session() as session:
        cids = communities(session, "烘焙群")
        plain = _sent(session, cids, evergreen=False)
        with pytest.raises(UserError, match="不是常青内容"):
            recycle(session, plain.id, now=NOW)
        set_evergreen(session, plain.id)
        assert recycle(session, plain.id, after_days=30, now=NOW).from_id == plain.id
        waiting = create_item(session, "还没发", planned_at=datetime(2027, 3, 9, 9),
                              evergreen=True, now=NOW)  # fmt: skip
        with pytest.raises(UserError, match="还没有发送"):
            recycle(session, waiting.id, now=NOW)
        with pytest.raises(UserError, match="天数应在"):
            recycle(session, plain.id, after_days=0, now=NOW)
        with pytest.raises(UserError, match="只能选一种"):
            recycle(session, plain.id, after_days=3, sop="x", now=NOW)
        with pytest.raises(UserError, match="没有编号或名称"):
            recycle(session, plain.id, sop="无此模板", now=NOW)
