"""Today's list and the promotional limit: items due today and overdue ones per community
(overdue stand out, items waiting for review show but cannot be sent, sent ones leave the
list of their community only), and the warning before a plan passes a community's daily
limit (default 1, a community's own limit, moving an item counts it once)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.calendar.items import create_item
from core.calendar.limits import check_plan, overruns
from core.calendar.settings import PROMO_LIMIT_BY_COMMUNITY_SETTING, PROMO_LIMIT_SETTING
from core.calendar.status import schedule
from core.calendar.today import due_today, mark_sent
from core.common.settings_store import set_setting
from tests.core.calendar.calendar_helpers import communities

NOW = datetime(2027, 3, 10, 12, 0)


def test_todays_list_per_community_with_overdue_items(database):
    with database.session() as session:
        a, b = communities(session, "一群", "二群")
        morning = create_item(session, "早安", planned_at=NOW.replace(hour=8), community_ids=[a, b])
        evening = create_item(session, "晚安", planned_at=NOW.replace(hour=21), community_ids=[a])
        old = create_item(
            session, "上周干货", planned_at=NOW - timedelta(days=6), community_ids=[b]
        )
        waiting = create_item(session, "抽奖", planned_at=NOW.replace(hour=20), community_ids=[a])
        create_item(session, "草稿不显示", planned_at=NOW, community_ids=[a])
        create_item(session, "明天", planned_at=NOW + timedelta(days=1), community_ids=[a])
        for item in (morning, evening, old):
            schedule(session, item.id)
        schedule(session, waiting.id)
        waiting.status = "pending_review"
        mark_sent(session, morning.id, [a], now=NOW.replace(hour=8, minute=5))
        days = {d.community: d for d in due_today(session, now=NOW)}
        assert [(i.title, i.overdue, i.can_send) for i in days["一群"].items] == [
            ("抽奖", False, False),
            ("晚安", False, True),
        ]
        assert [(i.title, i.overdue) for i in days["二群"].items] == [
            ("上周干货", True),
            ("早安", True),
        ]
        # Another day: only what is due by then.
        earlier = due_today(session, date(2027, 3, 4), now=NOW)
        assert [i.title for d in earlier for i in d.items] == ["上周干货"]


def test_a_plan_past_the_daily_promotional_limit_warns(database):
    with database.session() as session:
        a, b = communities(session, "一群", "二群")
        first = create_item(session, "周五抽奖", planned_at=NOW, kind="抽奖", community_ids=[a, b])
        assert check_plan(session, NOW, [a, b], item_id=first.id) == []  # itself counts once
        (over,) = check_plan(session, NOW.replace(hour=20), [a])
        assert (over.community, over.count, over.limit) == ("一群", 2, 1)
        assert "超过每天 1 条的上限" in over.message
        assert check_plan(session, NOW + timedelta(days=1), [a]) == []
        set_setting(session, PROMO_LIMIT_BY_COMMUNITY_SETTING, {str(b): 2})
        assert [o.community for o in check_plan(session, NOW, [a, b])] == ["一群"]
        set_setting(session, PROMO_LIMIT_SETTING, 3)
        assert check_plan(session, NOW, [a, b]) == []
        set_setting(session, PROMO_LIMIT_SETTING, 1)
        create_item(session, "优惠券", planned_at=NOW.replace(hour=21), community_ids=[a, b])
        create_item(session, "普通", planned_at=NOW.replace(hour=22), community_ids=[a, b])
        found = overruns(session, NOW.date(), NOW.date())
        assert [(o.community, o.count) for o in found] == [("一群", 2)]
