"""SOP templates: generating N weeks ahead is idempotent (twice adds nothing, a moved item is
not doubled, a deleted or skipped occurrence does not come back), one occurrence edited, the
six built-in kinds, and relative SOPs read into one line per community and step — a member who
joined at 23:50 counts from the next morning."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.calendar.builtin import ensure_builtin_templates
from core.calendar.items import delete_item, list_items, move_item
from core.calendar.relative import due_day, first_day, members_due, relative_lines
from core.calendar.settings import APPROVAL_SETTING, PROMO_LIMIT_BY_COMMUNITY_SETTING
from core.calendar.sop import (
    StepSpec,
    apply_template,
    create_template,
    edit_occurrence,
    find_template,
    skip_occurrence,
)
from core.calendar.today import due_today, mark_sent
from core.common.errors import UserError
from core.common.settings_store import set_setting
from db.calendar_models import SOP_KINDS, ContentItem, ContentItemCommunity, SopTemplate
from tests.core.calendar.calendar_helpers import communities, joined

NOW = datetime(2027, 3, 1, 7, 30)  # a Monday


def weekly(session, cids, **extra):
    return create_template(
        session,
        "周三干货",
        rule="FREQ=WEEKLY;BYDAY=WE",
        starts_at=datetime(2027, 1, 6, 20),
        title="干货分享",
        community_ids=cids,
        **extra,
    )


def count(session, model=ContentItem):
    return session.scalar(select(func.count()).select_from(model))


def test_generating_twice_adds_nothing(database):
    with database.session() as session:
        cids = communities(session, "一群", "二群", "三群")
        weekly(session, cids)
        first = apply_template(session, "周三干货", weeks=4, now=NOW)
        assert (first.added, first.existing, first.communities) == (4, 0, 3)
        items = list_items(session, NOW, NOW + timedelta(weeks=4))
        assert [i.planned_at for i in items] == [datetime(2027, 3, d, 20) for d in (3, 10, 17, 24)]
        assert all(i.status == "scheduled" and i.communities == ["一群", "二群", "三群"]
                   for i in items)  # fmt: skip
        # The operator moves one to Thursday; generating again neither doubles nor moves it.
        move_item(session, items[0].id, datetime(2027, 3, 4, 20))
        again = apply_template(session, "周三干货", weeks=4, now=NOW)
        assert (again.added, again.existing) == (0, 4)
        assert count(session) == 4 and count(session, ContentItemCommunity) == 12
        longer = apply_template(session, "周三干货", weeks=6, now=NOW)
        assert (longer.added, longer.existing) == (2, 4)


def test_a_community_added_later_gets_the_unsent_items_too(database):
    with database.session() as session:
        a, b = communities(session, "一群", "二群")
        weekly(session, [a])
        apply_template(session, "周三干货", weeks=3, now=NOW)
        first = list_items(session)[0]
        schedule_sent = mark_sent(session, first.id, now=NOW)
        assert schedule_sent.status == "sent"
        again = apply_template(session, "周三干货", weeks=3, community_ids=[b], now=NOW)
        assert (again.added, again.existing, again.linked) == (0, 3, 2)
        assert [i.communities for i in list_items(session)] == [
            ["一群"],  # sent before 二群 joined the plan: it stays as it was sent
            ["一群", "二群"],
            ["一群", "二群"],
        ]
        assert apply_template(session, "周三干货", weeks=3, now=NOW).linked == 0


def test_skip_and_edit_one_occurrence(database):
    with database.session() as session:
        cids = communities(session, "一群")
        weekly(session, cids)
        skip_occurrence(session, "周三干货", datetime(2027, 3, 10, 20))
        edit_occurrence(
            session, "周三干货", datetime(2027, 3, 17, 20),
            planned_at=datetime(2027, 3, 18, 19), title="干货：特别篇",
        )  # fmt: skip
        result = apply_template(session, "周三干货", weeks=4, now=NOW)
        assert (result.added, result.skipped, result.edited) == (3, 1, 1)
        got = {(i.planned_at, i.title) for i in list_items(session)}
        assert got == {
            (datetime(2027, 3, 3, 20), "干货分享"),
            (datetime(2027, 3, 18, 19), "干货：特别篇"),
            (datetime(2027, 3, 24, 20), "干货分享"),
        }
        # A generated item deleted by hand stays deleted.
        first = next(i for i in list_items(session) if i.planned_at.day == 3)
        delete_item(session, first.id)
        assert apply_template(session, "周三干货", weeks=4, now=NOW).added == 0
        # Skipping an already generated occurrence removes its item.
        skip_occurrence(session, "周三干货", datetime(2027, 3, 24, 20))
        assert [i.title for i in list_items(session)] == ["干货：特别篇"]
        with pytest.raises(UserError, match="不是「周三干货」的一次"):
            skip_occurrence(session, "周三干货", datetime(2027, 3, 25, 20))


def test_generated_items_wait_for_review_when_approval_is_on(database):
    with database.session() as session:
        cids = communities(session, "一群")
        set_setting(session, APPROVAL_SETTING, True)
        weekly(session, cids)
        apply_template(session, "周三干货", weeks=1, now=NOW)
        assert [i.status for i in list_items(session)] == ["pending_review"]


def test_a_promotional_plan_warns_where_it_exceeds_the_daily_limit(database):
    with database.session() as session:
        a, b = communities(session, "一群", "二群")
        set_setting(session, PROMO_LIMIT_BY_COMMUNITY_SETTING, {str(b): 2})
        create_template(
            session, "每日秒杀", rule="FREQ=DAILY", starts_at=datetime(2027, 1, 1, 12),
            title="今日秒杀", community_ids=[a, b],
        )  # fmt: skip
        create_template(
            session, "每日优惠券", rule="FREQ=DAILY", starts_at=datetime(2027, 1, 1, 20),
            title="今晚优惠券", community_ids=[a, b],
        )  # fmt: skip
        assert apply_template(session, "每日秒杀", weeks=1, now=NOW).overruns == []
        second = apply_template(session, "每日优惠券", weeks=1, now=NOW)
        assert {o.community for o in second.overruns} == {"一群"}
        assert len(second.overruns) == 7
        assert "超过每天 1 条的上限" in second.overruns[0].message


def test_the_six_builtin_kinds_are_templates_added_once(database):
    with database.session() as session:
        assert ensure_builtin_templates(session, now=NOW) == 8
        assert ensure_builtin_templates(session, now=NOW) == 0
        kinds = set(session.scalars(select(SopTemplate.sop_kind)))
        assert kinds == set(SOP_KINDS)
        (a,) = communities(session, "一群")
        launch = apply_template(session, "新品宣发", weeks=2, community_ids=[a], now=NOW)
        assert launch.added == 3  # COUNT=3 from tomorrow
        with pytest.raises(UserError, match="相对 SOP"):
            apply_template(session, "新客欢迎", weeks=1, community_ids=[a], now=NOW)
        with pytest.raises(UserError, match="还没有目标社群"):
            apply_template(session, "每日早安", weeks=1, now=NOW)
        with pytest.raises(UserError, match="没有编号或名称"):
            find_template(session, "不存在")


def test_day_zero_is_the_first_day_the_send_window_can_still_be_met():
    window_end = 21 * 60
    assert first_day(datetime(2027, 3, 1, 20, 59), window_end) == date(2027, 3, 1)
    assert first_day(datetime(2027, 3, 1, 21, 0), window_end) == date(2027, 3, 2)
    assert first_day(datetime(2027, 3, 1, 23, 50), window_end) == date(2027, 3, 2)
    assert first_day(datetime(2027, 3, 1, 0, 10), window_end) == date(2027, 3, 1)
    assert due_day(datetime(2027, 3, 1, 23, 50), 3, window_end) == date(2027, 3, 5)


def test_relative_sop_one_line_per_community_and_step(database):
    with database.session() as session:
        a, b = communities(session, "一群", "二群")
        create_template(
            session,
            "新客",
            sop_kind="新客",
            anchor="member_joined",
            steps=[StepSpec(0, "欢迎"), StepSpec(3, "邀请打卡", "checkin")],
            community_ids=[a, b],
        )
        # 12 joined group one yesterday evening after the window closed or this morning.
        late = [datetime(2027, 2, 28, 23, 50)] * 5 + [datetime(2027, 3, 1, 8, 0)] * 7
        joined(session, a, *late)
        joined(session, a, datetime(2027, 2, 28, 20, 0))  # welcomed yesterday already
        joined(session, a, datetime(2027, 3, 1, 9, 0), team=True)  # staff: not counted
        joined(session, b, datetime(2027, 2, 25, 22, 0))  # day 0 = 26th, day 3 = 1 March
        lines = relative_lines(session, date(2027, 3, 1))
        assert [(line.community, line.text) for line in lines] == [
            ("一群", "今天：欢迎 12 位新成员"),
            ("二群", "今天：邀请打卡 1 位新成员"),
        ]
        due = members_due(session, lines[0].step_id, a, date(2027, 3, 1))
        assert len(due) == 12 and due[0][2] == datetime(2027, 2, 28, 23, 50)
        assert lines[0].window == "09:00–21:00"
        # The welcome line sits in today's list, not 12 items.
        today = due_today(session, date(2027, 3, 1), community_id=a, now=NOW)
        assert [d.community for d in today] == ["一群"] and today[0].items == []
        assert [str(line.text) for line in today[0].lines] == ["今天：欢迎 12 位新成员"]


def test_new_group_steps_follow_the_groups_creation_day(database):
    with database.session() as session:
        (a,) = communities(session, "新群", created_on=date(2027, 2, 26))
        ensure_builtin_templates(session, now=NOW)
        template = find_template(session, "新群培育")
        from core.calendar.sop import add_communities

        add_communities(session, template, [a])
        lines = relative_lines(session, date(2027, 3, 1))
        assert [str(line.text) for line in lines] == ["今天：新群第 3 天 · 第一次打卡"]
