"""Pasted 接龙 → check-ins, and recording activity by hand: matching, idempotence, refusals."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.activity.paste import plan_paste
from core.activity.record import NewEvent
from core.common.errors import UserError
from core.members.editing import refresh_search_keys
from core.workflows.activity import record_activity, record_paste
from db.models import ActivityEvent, Member, Membership
from tests.core.tiers.helpers import NOW, community, member

TODAY = NOW.date()
JIELONG = """#接龙
11月20日 早起打卡第3天
例 张三 已打卡

1. 小凡同学 已打卡
2. 🌸Lily🌸 打卡
3. 张小帆 ✅
4. 老王（健身）已完成
5. 路人甲 +1
6. 阿杰
"""


@pytest.fixture
def group(database):
    """A community with members whose names the 接龙 uses in different ways."""
    with database.session() as session:
        cid = community(session, "晨跑群")
        people = {}
        for nickname in ("张小凡", "Lily", "王建国", "阿杰", "阿杰"):
            mid = member(session, cid, nickname)
            refresh_search_keys(session, session.get(Member, mid))
            people.setdefault(nickname, []).append(mid)
        for mid, group_nickname in (
            (people["张小凡"][0], "小凡同学"),
            (people["王建国"][0], "老王"),
        ):
            session.query(Membership).filter_by(member_id=mid).update(
                {"group_nickname": group_nickname}
            )
        outsider = community(session, "别的群")
        member(session, outsider, "路人甲")
        session.commit()
    return database, cid, people


def test_names_are_matched_by_group_nickname_nickname_and_pinyin(group):
    database, cid, people = group
    with database.session() as session:
        plan = plan_paste(session, JIELONG, cid, today=TODAY)
    assert plan.day == date(2026, 11, 20)
    matched = {m.name: (m.member_id, m.matched_by) for m in plan.matched}
    assert matched == {
        "小凡同学": (people["张小凡"][0], "group_nickname"),
        "🌸Lily🌸": (people["Lily"][0], "nickname"),
        "老王（健身）": (people["王建国"][0], "group_nickname"),
    }
    # 张小帆 sounds like 张小凡 — but 小凡同学 already is 张小凡: one member, counted once.
    assert plan.same_member == ["小凡同学 / 张小帆"]
    unmatched = {u.name: len(u.candidates) for u in plan.unmatched}
    assert unmatched == {"路人甲": 0, "阿杰": 2}  # not in this group; two members share the name


def test_pasting_twice_adds_nothing_the_second_time(group):
    database, cid, _people = group
    with database.session() as session:
        first = record_paste(session, plan_paste(session, JIELONG, cid, today=TODAY), now=NOW)
        session.commit()
    with database.session() as session:
        again = plan_paste(session, JIELONG, cid, today=TODAY)
        assert all(m.already_recorded for m in again.matched)
        second = record_paste(session, again, now=NOW)
        total = session.scalar(select(func.count()).select_from(ActivityEvent))
    assert (first.added, second.added, second.skipped, total) == (3, 0, 3, 3)


def test_a_resolved_name_is_recorded_for_the_chosen_member(group):
    database, cid, people = group
    chosen = people["阿杰"][1]
    with database.session() as session:
        plan = plan_paste(session, JIELONG, cid, today=TODAY, chosen={"阿杰": chosen})
        assert "阿杰" in {m.name for m in plan.matched}
        record_paste(session, plan, now=NOW)
        day = session.scalar(
            select(ActivityEvent.occurred_at).where(ActivityEvent.member_id == chosen)
        )
        assert session.get(Member, chosen).last_active_at == day
    assert day.date() == date(2026, 11, 20)
    with database.session() as session, pytest.raises(UserError, match="不在这个群里"):
        plan_paste(session, JIELONG, cid, today=TODAY, chosen={"阿杰": 99999})


def test_a_future_date_and_a_paste_without_names_are_refused(group):
    database, cid, _people = group
    with database.session() as session:
        with pytest.raises(UserError, match="将来"):
            plan_paste(session, JIELONG, cid, day=TODAY + timedelta(days=1), today=TODAY)
        with pytest.raises(UserError, match="没有找到接龙名单"):
            plan_paste(session, "#接龙\n\n", cid, today=TODAY)


def test_check_ins_move_levels_at_once(group):
    database, cid, people = group
    mid = people["Lily"][0]
    with database.session() as session:
        for day in range(3):
            text = "#接龙\n1. Lily 打卡\n2. 小凡同学 打卡\n"
            plan = plan_paste(session, text, cid, day=TODAY - timedelta(days=day), today=TODAY)
            record_paste(session, plan, now=NOW)
        level = session.scalar(select(Membership.level).where(Membership.member_id == mid))
    assert level == "participant"  # three active days


def test_recording_refuses_bad_events_and_writes_nothing(database):
    with database.session() as session:
        cid = community(session)
        mid = member(session, cid)
        good = NewEvent(mid, "message", NOW - timedelta(days=1), cid)
        bad = [
            (NewEvent(mid, "hug", NOW, cid), "未知的行为类型"),
            (NewEvent(99999, "message", NOW, cid), "不存在"),
            (NewEvent(mid, "purchase", NOW, cid, amount_cents=-5), "金额"),
            (NewEvent(mid, "message", datetime.now() + timedelta(days=3), cid), "将来"),
            (NewEvent(mid, "message", NOW, 99999), "社群不存在"),
        ]
        for event, message in bad:
            with pytest.raises(UserError, match=message):
                record_activity(session, [good, event], source="manual", now=NOW)
        count = session.scalar(select(func.count()).select_from(ActivityEvent))
    assert count == 0


def test_last_active_moves_forward_only(database):
    later, earlier = datetime(2026, 3, 10, 9, 0), datetime(2026, 3, 1, 9, 0)
    with database.session() as session:
        someone = Member(nickname="早起的人", last_active_at=later)
        session.add(someone)
        session.flush()
        record_activity(session, [NewEvent(someone.id, "message", earlier)], source="manual")
        record_activity(session, [NewEvent(someone.id, "violation", later + timedelta(days=1))],
                        source="manual")  # fmt: skip
        session.expire_all()
        assert session.get(Member, someone.id).last_active_at == later
        newest = later + timedelta(days=2)
        record_activity(session, [NewEvent(someone.id, "checkin", newest)], source="manual")
        session.expire_all()
        assert session.get(Member, someone.id).last_active_at == newest
