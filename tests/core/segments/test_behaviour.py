"""流失预警, 新人活跃 and 本周最投入 at their edges; team members left out of each."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from core.segments.behaviour import most_engaged, new_and_active, slipping_away
from core.segments.compute import segment_member_ids
from core.tiers.ladder import DEFAULT_LADDER, Level, save_ladder
from db.models import Membership
from tests.core.tiers.helpers import NOW, community, events, member


def set_level(session, member_id, community_id, level, **fields):
    session.execute(
        update(Membership)
        .where(Membership.member_id == member_id, Membership.community_id == community_id)
        .values(level=level, **fields)
    )


def silent_member(session, cid, name, level, silent_days, **options) -> int:
    mid = member(session, cid, name, **options)
    set_level(session, mid, cid, level)
    if silent_days is not None:
        events(session, mid, cid, "message", [silent_days])
    return mid


def test_slipping_away_is_top_levels_silent_for_14_days(database):
    with database.session() as session:
        cid = community(session)
        fourteen = silent_member(session, cid, "14天", "active", 14)
        thirteen = silent_member(session, cid, "13天", "active", 13)
        core = silent_member(session, cid, "核心", "core", 40)
        never = silent_member(session, cid, "从不", "kol", None)
        low = silent_member(session, cid, "参与者", "participant", 30)
        team = silent_member(session, cid, "店员", "core", 30, is_team=True)
        gone = silent_member(session, cid, "退群", "active", 30)
        set_level(session, gone, cid, "active", left_at=NOW - timedelta(days=20))
        found = slipping_away(session, NOW)
    ids = [item.member_id for item in found]
    assert ids == [never, core, fourteen]  # KOC/KOL, 核心成员, 活跃成员: highest level first
    assert thirteen not in ids and low not in ids and team not in ids and gone not in ids
    bases = {item.member_id: item.basis for item in found}
    assert bases[fourteen] == "读书会：活跃成员 · 已 14 天没有行为"
    assert bases[never] == "读书会：KOC/KOL · 没有行为记录"


def test_a_violation_is_not_activity(database):
    with database.session() as session:
        cid = community(session)
        mid = silent_member(session, cid, "违规", "active", 20)
        events(session, mid, cid, "violation", [1])
        assert segment_member_ids(session, "slipping_away", NOW) == [mid]


def test_slipping_away_follows_a_communitys_own_ladder_and_manual_levels(database):
    with database.session() as session:
        shared = community(session, "共享等级群")
        own = community(session, "自有等级群")
        # The own ladder: a manual VIP at rank 1, and only two automatic levels.
        ladder = {
            "levels": [
                {"key": "newcomer", "name": "新人"},
                {"key": "vip", "name": "贵宾", "manual": True},
                {"key": "regular", "name": "常客", "window": {"active_days": 5}},
            ]
        }
        save_ladder(session, ladder, community_id=own)
        vip = silent_member(session, own, "贵宾", "vip", 20)
        regular = silent_member(session, own, "常客", "regular", 20)
        # "active" means nothing in the own ladder: an unknown key is its first level.
        stray = silent_member(session, own, "旧等级", "participant", 20)
        elsewhere = silent_member(session, shared, "活跃", "active", 20)
        ids = segment_member_ids(session, "流失预警", NOW)
    assert set(ids) == {vip, regular, elsewhere}
    assert stray not in ids


def test_top_levels_of_a_short_ladder_are_its_last_level():
    from core.segments.behaviour import top_levels
    from core.tiers.ladder import Ladder

    assert top_levels(DEFAULT_LADDER) == {"active", "core", "kol"}
    two = Ladder(levels=(Level("a", "甲"), Level("b", "乙")))
    assert top_levels(two) == {"b"}


def test_new_and_active_is_joined_within_30_days_and_active_3_days(database):
    with database.session() as session:
        cid = community(session)
        other = community(session, "老群")

        def newcomer(name, joined, active_days, **options):
            mid = member(session, cid, name, joined_days_ago=joined, **options)
            events(session, mid, cid, "checkin", range(active_days))
            return mid

        three = newcomer("三天", 10, 3)
        two = newcomer("两天", 10, 2)
        edge = newcomer("整30天", 30, 5)
        late = newcomer("31天", 31, 5)
        team = newcomer("新店员", 5, 5, is_team=True)
        veteran = newcomer("老成员新群", 5, 5)
        session.add(
            Membership(member_id=veteran, community_id=other, joined_at=NOW - timedelta(400))
        )
        # Activity before joining does not count.
        before = member(session, cid, "先活跃", joined_days_ago=3)
        events(session, before, cid, "checkin", range(2, 8))
        session.flush()
        found = new_and_active(session, NOW)
    ids = [item.member_id for item in found]
    assert ids == [edge, three]  # more active days first
    assert {two, late, team, veteran, before}.isdisjoint(ids)
    assert found[1].basis == "入群 10 天 · 已活跃 3 天"


def test_most_engaged_prefers_steady_days_over_a_burst(database):
    with database.session() as session:
        cid = community(session)
        steady = member(session, cid, "天天来")
        burst = member(session, cid, "刷屏")
        old = member(session, cid, "上周")
        team = member(session, cid, "店长", is_team=True)
        bad = member(session, cid, "违规")
        events(session, steady, cid, "message", range(7), per_day=5)  # 7 days × 5 = 35
        events(session, burst, cid, "message", [0], per_day=100)  # 100, capped at 20
        events(session, burst, cid, "invite", [1])  # + 12
        events(session, old, cid, "good_post", [7], per_day=5)  # 8 days ago by calendar
        events(session, team, cid, "event", range(7))
        events(session, bad, cid, "message", [2])
        events(session, bad, cid, "violation", [2])  # 1 - 10 < 0: no score at all
        found = most_engaged(session, NOW)
        assert [item.member_id for item in found] == [steady, burst]
        assert found[0].basis == "近 7 天活跃分 35（7 天有行为）"
        assert found[1].basis == "近 7 天活跃分 32（2 天有行为）"


def test_most_engaged_keeps_the_top_50(database):
    with database.session() as session:
        cid = community(session)
        mids = [member(session, cid, f"成员{n}") for n in range(53)]
        for n, mid in enumerate(mids):
            events(session, mid, cid, "checkin", range(1 + n % 7))
        ids = segment_member_ids(session, "本周最投入", NOW)
    assert len(ids) == 50
    assert set(mids) - set(ids) <= {mid for n, mid in enumerate(mids) if n % 7 == 0}
