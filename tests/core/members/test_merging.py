"""合并重复成员: suggestions, merge, undo and history, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.common.errors import UserError
from core.members.editing import refresh_search_keys, update_member
from core.members.merging.merge import combine_memberships
from core.members.merging.names import name_similarity, tidy_name
from core.members.merging.sides import default_kept, merge_sides
from core.members.merging.suggestions import mark_not_same_person, merge_suggestions
from core.members.query import MemberFilter, find_member_ids
from core.workflows.merging import merge_history, merge_members, undo_merge
from db.models import (
    ActivityEvent,
    Base,
    Community,
    GroupNicknameHistory,
    Member,
    MemberMerge,
    Membership,
    MembershipEvent,
    MemberTag,
    NotSamePerson,
    Tag,
)

T0 = datetime(2025, 3, 1, 9, 30, 15, 123456)


def person(session, nickname: str, **fields) -> int:
    member = Member(
        nickname=nickname, created_at=fields.pop("created_at", T0), updated_at=T0, **fields
    )
    session.add(member)
    session.flush()
    refresh_search_keys(session, member)
    session.flush()
    return member.id


def group(session, name: str) -> int:
    community = Community(name=name, platform="wechat")
    session.add(community)
    session.flush()
    return community.id


def join(session, member_id: int, community_id: int, **fields) -> int:
    fields.setdefault("joined_at", T0)
    membership = Membership(member_id=member_id, community_id=community_id, **fields)
    session.add(membership)
    session.flush()
    refresh_search_keys(session, session.get(Member, member_id))
    return membership.id


def tag(session, member_id: int, name: str) -> None:
    tag_id = session.scalar(select(Tag.id).where(Tag.name == name))
    if tag_id is None:
        new = Tag(name=name)
        session.add(new)
        session.flush()
        tag_id = new.id
    session.add(MemberTag(member_id=member_id, tag_id=tag_id))
    session.flush()


def pairs(suggestions) -> set[tuple[int, int]]:
    return {(s.a_id, s.b_id) for s in suggestions}


def pair(a: int, b: int) -> tuple[int, int]:
    return (min(a, b), max(a, b))


# ------------------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("张小凡🌸", "张小凡"),
        ("A-张姐", "张姐"),
        ("A张姐", "张姐"),
        ("Ａ－张姐", "张姐"),
        ("AA_王哥", "王哥"),
        ("Amy", "amy"),
        ("A", "a"),
        ("张小凡（3栋）", "张小凡"),
        ("【团长】", "团长"),
        ("  李 四 ", "李四"),
        ("🌸🌸", ""),
    ],
)
def test_tidy_name(raw, tidy):
    assert tidy_name(raw) == tidy


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("张小凡", "张小凡", 100, 100),
        ("张小凡", "张小凡🌸", 95, 95),
        ("A-张姐", "张姐", 95, 95),
        ("Amy", "amy", 95, 95),
        ("张小凡", "张晓凡", 90, 90),
        ("张小凡", "zhangxiaofan", 90, 90),
        ("李小红", "李小红2", 85, 94),
        ("Jessica", "Jesica", 85, 94),
        ("王伟", "王芳", 0, 0),
        ("张小凡", "李小凡", 0, 0),
        ("微信用户", "微信用户", 0, 0),
    ],
)
def test_name_similarity(a, b, low, high):
    assert low <= name_similarity(a, b) <= high


# ------------------------------------------------------------------------------ suggestions


@pytest.fixture
def crowd(database):
    """Members planted for each rule of the suggestions."""
    with database.session() as session:
        bakery = group(session, "麦香烘焙福利1群")
        gym = group(session, "悦动健身打卡群")
        cafe = group(session, "转角咖啡交流群")
        ids: dict[str, int] = {}

        def add(key, nickname, *communities, **fields):
            ids[key] = person(session, nickname, **fields)
            for community in communities:
                join(session, ids[key], community)

        add("fan", "张小凡", bakery)
        add("fan_flower", "张小凡🌸", bakery)
        add("amy", "Amy", gym)
        add("amy_lower", "amy", gym)
        add("inviter", "王老板", cafe)
        add("jie", "A-张姐", bakery, inviter_id=ids["inviter"])
        add("jie2", "张姐", gym, inviter_id=ids["inviter"])
        add("hong", "李小红", cafe)
        add("hong2", "李小红2", cafe)
        add("xiao", "张晓凡", gym)
        # never suggested:
        add("wu_a", "王五", bakery, phone="13800000001")
        add("wu_b", "王五", bakery, phone="13800000002")
        add("si_a", "李四", gym)
        add("si_b", "李四", gym)
        add("liu_a", "赵六", bakery)
        add("liu_b", "赵六", cafe)
        add("old", "陈七", cafe)
        add("old_merged", "陈七", cafe)
        add("boss", "店长", cafe, is_team=True)
        add("fake_boss", "店长", cafe)
        add("staff", "小美", cafe, is_team=True)
        add("staff2", "小美🌸", cafe, is_team=True)
        add("busy", "开心果", gym)
        # certain: the same strong id, even with no community and another name
        add("phone_a", "周杰", bakery, phone="13800000099")
        add("phone_b", "周先生", phone="13800000099")
        add("wx_a", "Kevin", wechat_id="Kevin_88")
        add("wx_b", "凯文", wechat_id="kevin_88")
        add("clash_a", "孙八", phone="13800000077", wxid="wxid_sample_a")
        add("clash_b", "孙八", phone="13800000077", wxid="wxid_sample_b")
        session.add(NotSamePerson(member_a_id=ids["si_a"], member_b_id=ids["si_b"]))
        session.get(Member, ids["old_merged"]).merged_into_id = ids["old"]
    return database, ids, {"bakery": bakery, "gym": gym, "cafe": cafe}


def test_suggestions_find_the_planted_pairs(crowd):
    database, ids, _ = crowd
    with database.session() as session:
        found = merge_suggestions(session)
    got = pairs(found)
    for a, b in [
        ("fan", "fan_flower"),
        ("amy", "amy_lower"),
        ("jie", "jie2"),
        ("hong", "hong2"),
        ("staff", "staff2"),
        ("phone_a", "phone_b"),
        ("wx_a", "wx_b"),
    ]:
        assert pair(ids[a], ids[b]) in got, (a, b)


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        ("wu_a", "wu_b", "different phones"),
        ("si_a", "si_b", "said not the same person"),
        ("liu_a", "liu_b", "different groups, no shared inviter"),
        ("old", "old_merged", "already merged"),
        ("boss", "fake_boss", "team with a customer"),
        ("clash_a", "clash_b", "same phone but different wxid"),
        ("xiao", "fan", "same pinyin but no shared group"),
    ],
)
def test_suggestions_leave_out(crowd, a, b, why):
    database, ids, _ = crowd
    with database.session() as session:
        assert pair(ids[a], ids[b]) not in pairs(merge_suggestions(session)), why


def test_certain_pairs_come_first_with_their_evidence(crowd):
    database, ids, _ = crowd
    with database.session() as session:
        found = merge_suggestions(session)
    certain = [s for s in found if s.certain]
    assert pairs(certain) == {pair(ids["phone_a"], ids["phone_b"]), pair(ids["wx_a"], ids["wx_b"])}
    assert found[: len(certain)] == certain
    by_pair = {(s.a_id, s.b_id): s for s in found}
    assert "手机号相同" in by_pair[pair(ids["phone_a"], ids["phone_b"])].evidence
    assert "微信号相同" in by_pair[pair(ids["wx_a"], ids["wx_b"])].evidence
    assert all(s.score == 100 for s in certain)
    scores = [s.score for s in found[len(certain) :]]
    assert scores == sorted(scores, reverse=True)


def test_evidence_is_chinese_and_names_the_group_or_inviter(crowd):
    database, ids, groups = crowd
    with database.session() as session:
        by_pair = {(s.a_id, s.b_id): s for s in merge_suggestions(session)}
    fan = by_pair[pair(ids["fan"], ids["fan_flower"])]
    assert fan.evidence == "昵称相似 95%（张小凡 / 张小凡🌸），同在 麦香烘焙福利1群"
    assert fan.shared_community_ids == (groups["bakery"],)
    jie = by_pair[pair(ids["jie"], ids["jie2"])]
    assert jie.evidence == "昵称相似 95%（A-张姐 / 张姐），同一邀请人 王老板"
    assert jie.same_inviter and jie.shared_community_ids == ()
    hong = by_pair[pair(ids["hong"], ids["hong2"])]
    assert hong.evidence.startswith("昵称相似 ") and 85 <= hong.score <= 94


def test_pinyin_alike_names_in_one_group_are_suggested(database):
    with database.session() as session:
        gym = group(session, "悦动健身打卡群")
        a, b = person(session, "张小凡"), person(session, "张晓凡")
        c = person(session, "路人甲")
        join(session, a, gym)
        join(session, b, gym)
        join(session, c, gym, group_nickname="张小凡（3栋）")
        found = {(s.a_id, s.b_id): s for s in merge_suggestions(session)}
    assert found[pair(a, b)].evidence.startswith("昵称读音相同（张小凡 / 张晓凡）")
    assert found[pair(a, b)].score == 90
    assert found[pair(a, c)].evidence.startswith("昵称与群昵称相似 95%")


def test_a_name_half_the_group_shares_is_not_evidence(database):
    with database.session() as session:
        gym = group(session, "悦动健身打卡群")
        for _ in range(15):
            join(session, person(session, "开心果"), gym)
        assert merge_suggestions(session) == []


def test_limit_and_community_filter(crowd):
    database, ids, groups = crowd
    with database.session() as session:
        assert len(merge_suggestions(session, limit=3)) == 3
        in_gym = merge_suggestions(session, community_id=groups["gym"])
    assert pair(ids["amy"], ids["amy_lower"]) in pairs(in_gym)
    assert pair(ids["jie"], ids["jie2"]) in pairs(in_gym)  # 张姐 is in the gym
    assert pair(ids["fan"], ids["fan_flower"]) not in pairs(in_gym)
    assert pair(ids["wx_a"], ids["wx_b"]) not in pairs(in_gym)


def test_not_the_same_person_is_remembered_either_way_round(crowd):
    database, ids, _ = crowd
    with database.session() as session:
        mark_not_same_person(session, ids["fan_flower"], ids["fan"])
        mark_not_same_person(session, ids["fan"], ids["fan_flower"])  # twice: no error
    with database.session() as session:
        assert pair(ids["fan"], ids["fan_flower"]) not in pairs(merge_suggestions(session))
        assert session.scalar(select(func.count()).select_from(NotSamePerson)) == 2
    with pytest.raises(UserError), database.session() as session:
        mark_not_same_person(session, ids["fan"], ids["fan"])


# ------------------------------------------------------------------------------ merging


@pytest.fixture
def two_accounts(database):
    """One customer twice: an old account with history and a new one added in a shared group."""
    with database.session() as session:
        bakery = group(session, "麦香烘焙福利1群")
        gym = group(session, "悦动健身打卡群")
        cafe = group(session, "转角咖啡交流群")
        inviter = person(session, "王老板")
        kept = person(
            session,
            "张小凡",
            phone="13800000016",
            city="",
            custom_fields={"会员卡号": "1024"},
            inviter_id=inviter,
            last_active_at=T0,
        )
        merged = person(
            session,
            "张小凡🌸",
            remark="老顾客",
            phone="13800000099",
            wechat_id="wx_fan",
            city="杭州",
            birthday=date(1990, 5, 1),
            custom_fields={"会员卡号": "9999", "口味": "少糖"},
            last_active_at=T0 + timedelta(days=3),
        )
        invitee = person(session, "小凡的朋友", inviter_id=merged)
        join(
            session,
            kept,
            bakery,
            joined_at=T0 + timedelta(days=10),
            role="follower",
            group_nickname="",
            join_channel="扫码",
        )
        join(
            session,
            merged,
            bakery,
            joined_at=T0,
            role="leader",
            group_nickname="凡凡",
            join_channel="邀请",
            left_at=T0 + timedelta(days=5),
            is_seed_user=True,
        )
        join(session, merged, gym, joined_at=T0, group_nickname="健身凡")
        join(session, kept, cafe)
        tag(session, kept, "VIP")
        tag(session, merged, "VIP")
        tag(session, merged, "爱吃面包")
        for when in range(3):
            session.add(
                ActivityEvent(
                    member_id=merged,
                    community_id=bakery,
                    kind="checkin",
                    occurred_at=T0 + timedelta(days=when),
                )
            )
        session.add(
            ActivityEvent(member_id=kept, community_id=cafe, kind="message", occurred_at=T0)
        )
        session.add(
            MembershipEvent(member_id=merged, community_id=gym, kind="join", occurred_at=T0)
        )
        session.add(
            GroupNicknameHistory(member_id=merged, community_id=gym, nickname="健身凡", seen_at=T0)
        )
        session.get(Community, cafe).owner_member_id = merged
    return database, {
        "kept": kept,
        "merged": merged,
        "invitee": invitee,
        "inviter": inviter,
        "bakery": bakery,
        "gym": gym,
        "cafe": cafe,
    }


def snapshot(session) -> dict[str, list[tuple]]:
    """Every row of every table but the merge log, in primary-key order."""
    session.flush()
    tables = {}
    for table in Base.metadata.sorted_tables:
        if table.name in {"member_merges", "alembic_version"}:
            continue
        order = list(table.primary_key.columns)
        tables[table.name] = [tuple(row) for row in session.execute(select(table).order_by(*order))]
    return tables


def test_merge_keeps_every_row_and_combines_a_shared_group(two_accounts):
    database, ids = two_accounts
    kept, merged = ids["kept"], ids["merged"]
    with database.session() as session:
        merge_id = merge_members(session, kept, merged)
    with database.session() as session:
        memberships = {
            m.community_id: m
            for m in session.scalars(select(Membership).where(Membership.member_id == kept))
        }
        assert set(memberships) == {ids["bakery"], ids["gym"], ids["cafe"]}
        bakery = memberships[ids["bakery"]]
        assert bakery.joined_at == T0  # the earliest
        assert bakery.join_channel == "邀请"  # with the earliest join
        assert bakery.group_nickname == "凡凡"  # the kept one was empty
        assert bakery.role == "leader"  # the stronger
        assert bakery.left_at is None  # the kept account is still in the group
        assert bakery.is_seed_user is True
        assert memberships[ids["gym"]].group_nickname == "健身凡"
        assert session.scalar(select(func.count()).select_from(Membership)) == 3
        assert sorted(
            session.scalars(select(Tag.name).join(MemberTag).where(MemberTag.member_id == kept))
        ) == ["VIP", "爱吃面包"]
        left_behind = [
            session.scalar(select(func.count()).select_from(t).where(t.member_id == merged))
            for t in (Membership, MemberTag, ActivityEvent, MembershipEvent, GroupNicknameHistory)
        ]
        assert left_behind == [0, 0, 0, 0, 0]
        assert (
            session.scalar(
                select(func.count())
                .select_from(ActivityEvent)
                .where(ActivityEvent.member_id == kept)
            )
            == 4
        )
        assert session.get(Member, ids["invitee"]).inviter_id == kept
        assert session.get(Community, ids["cafe"]).owner_member_id == kept

        person_kept, person_merged = session.get(Member, kept), session.get(Member, merged)
        assert person_kept.nickname == "张小凡"  # never overwritten
        assert person_kept.phone == "13800000016"  # never overwritten, though different
        assert person_kept.remark == "老顾客"  # filled
        assert person_kept.wechat_id == "wx_fan"
        assert person_kept.city == "杭州"
        assert person_kept.birthday == date(1990, 5, 1)
        assert person_kept.custom_fields == {"会员卡号": "1024", "口味": "少糖"}
        assert person_kept.inviter_id == ids["inviter"]
        assert person_kept.last_active_at == T0 + timedelta(days=3)
        assert person_merged.merged_into_id == kept
        record = session.get(MemberMerge, merge_id)
        assert (record.kept_id, record.merged_id, record.undone_at) == (kept, merged, None)
        assert set(record.moved["rows"]) >= {"activity_events", "memberships", "invitations"}

    # The merged member is hidden; the kept one is found by the merged one's names.
    with database.session() as session:
        shown = set(find_member_ids(session, MemberFilter()))
        assert shown == {kept, ids["invitee"], ids["inviter"]}
        assert find_member_ids(session, MemberFilter(text="健身凡")) == [kept]
        assert find_member_ids(session, MemberFilter(text="老顾客")) == [kept]


def test_undo_restores_every_row_exactly(two_accounts):
    database, ids = two_accounts
    with database.session() as session:
        mark_not_same_person(session, ids["merged"], ids["invitee"])
    with database.session() as session:
        before = snapshot(session)
    with database.session() as session:
        merge_id = merge_members(session, ids["kept"], ids["merged"])
    with database.session() as session:
        assert snapshot(session) != before
        # "not the same person" said of the merged account now holds for the kept one
        assert session.get(NotSamePerson, pair(ids["kept"], ids["invitee"])) is not None
    with database.session() as session:
        undo_merge(session, merge_id)
    with database.session() as session:
        assert snapshot(session) == before
        assert session.get(MemberMerge, merge_id).undone_at is not None


def test_undo_keeps_what_was_edited_since(two_accounts):
    database, ids = two_accounts
    with database.session() as session:
        merge_id = merge_members(session, ids["kept"], ids["merged"])
    with database.session() as session:
        update_member(session, ids["kept"], {"city": "上海"})
    with database.session() as session:
        undo_merge(session, merge_id)
    with database.session() as session:
        assert session.get(Member, ids["kept"]).city == "上海"
        assert session.get(Member, ids["kept"]).remark == ""  # the filled field went back
        assert find_member_ids(session, MemberFilter(text="健身凡")) == [ids["merged"]]


def test_undo_refusals(two_accounts):
    database, ids = two_accounts
    with database.session() as session:
        first = merge_members(session, ids["kept"], ids["merged"])
        later = merge_members(session, ids["inviter"], ids["kept"])
    with pytest.raises(UserError, match="请先撤销那一次"), database.session() as session:
        undo_merge(session, first)
    with database.session() as session:
        history = merge_history(session)
    assert [r.id for r in history] == [later, first]
    assert [r.can_undo for r in history] == [True, False]
    assert history[1].blocked_by == later
    with database.session() as session:
        undo_merge(session, later)
    with pytest.raises(UserError, match="撤销过了"), database.session() as session:
        undo_merge(session, later)
    with database.session() as session:
        undo_merge(session, first)
    with pytest.raises(UserError, match="找不到这次合并"), database.session() as session:
        undo_merge(session, 999_999)


def test_merge_refusals(two_accounts):
    database, ids = two_accounts
    with pytest.raises(UserError, match="自己"), database.session() as session:
        merge_members(session, ids["kept"], ids["kept"])
    with pytest.raises(UserError, match="找不到"), database.session() as session:
        merge_members(session, ids["kept"], 999_999)
    with database.session() as session:
        session.get(Member, ids["invitee"]).is_team = True
    with pytest.raises(UserError, match="团队成员"), database.session() as session:
        merge_members(session, ids["kept"], ids["invitee"])
    with database.session() as session:
        merge_members(session, ids["kept"], ids["merged"])
    with pytest.raises(UserError, match="已被合并"), database.session() as session:
        merge_members(session, ids["inviter"], ids["merged"])


def test_a_merged_pair_leaves_the_suggestions_and_comes_back_after_undo(database):
    with database.session() as session:
        bakery = group(session, "麦香烘焙福利1群")
        a, b = person(session, "张小凡"), person(session, "张小凡🌸")
        join(session, a, bakery)
        join(session, b, bakery)
        assert pairs(merge_suggestions(session)) == {(a, b)}
        merge_id = merge_members(session, a, b)
        assert merge_suggestions(session) == []
        undo_merge(session, merge_id)
        assert pairs(merge_suggestions(session)) == {(a, b)}


def test_inviter_pointing_at_the_merged_account_does_not_become_a_loop(database):
    with database.session() as session:
        inviter = person(session, "王老板")
        merged = person(session, "张小凡🌸", inviter_id=inviter)
        kept = person(session, "张小凡", inviter_id=merged)
        merge_members(session, kept, merged)
        assert session.get(Member, kept).inviter_id == inviter


def test_history_says_what_moved(two_accounts):
    database, ids = two_accounts
    with database.session() as session:
        merge_members(session, ids["kept"], ids["merged"])
        (record,) = merge_history(session)
    assert (record.kept_name, record.merged_name) == ("张小凡", "张小凡🌸")
    assert record.can_undo and record.undone_at is None
    assert record.summary == (
        "1 个共同社群的入群记录合为一条、1 条入群记录、1 条入退群记录、1 条群昵称记录、"
        "3 条行为记录、1 条邀请关系、1 条群主身份、2 个标签、补全 5 项资料"
    )


def test_combine_memberships_rules():
    early, late = datetime(2025, 1, 1), datetime(2025, 6, 1)
    kept = dict(
        joined_at=late,
        left_at=late,
        join_channel="",
        group_nickname="阿凡",
        role="contributor",
        is_seed_user=False,
    )
    merged = dict(
        joined_at=early,
        left_at=early,
        join_channel="海报",
        group_nickname="凡凡",
        role="follower",
        is_seed_user=False,
    )
    combined = combine_memberships(kept, merged)
    assert combined == {
        "joined_at": early,
        "join_channel": "海报",
        "group_nickname": "阿凡",
        "role": "contributor",
        "is_seed_user": False,
        "left_at": late,  # both left: the later leave
    }
    assert (
        combine_memberships({**kept, "joined_at": None}, {**merged, "joined_at": None})["joined_at"]
        is None
    )


def test_sides_for_the_dialog_and_the_default_kept(two_accounts):
    database, ids = two_accounts
    with database.session() as session:
        sides = merge_sides(session, [ids["kept"], ids["merged"]])
    kept, merged = sides[ids["kept"]], sides[ids["merged"]]
    assert merged.activity_count == 3 and kept.activity_count == 1
    assert {name for name, _, _ in merged.communities} == {"麦香烘焙福利1群", "悦动健身打卡群"}
    assert merged.tags == ["VIP", "爱吃面包"]
    assert merged.wechat_id == "wx_fan"
    assert default_kept(kept, merged) == ids["merged"]  # the more active one
    merged.activity_count = 1
    assert default_kept(kept, merged) == ids["kept"]  # as active, joined as early: the older id
    kept.communities = [("转角咖啡交流群", T0 + timedelta(days=1), None)]
    assert default_kept(kept, merged) == ids["merged"]  # as active: the one who joined first


# ------------------------------------------------------------------------------ property


ROLES = ["manager", "leader", "executor", "follower", "connector", "contributor"]
moments = st.one_of(
    st.none(),
    st.builds(
        lambda days, micro: T0 + timedelta(days=days, microseconds=micro),
        st.integers(0, 400),
        st.integers(0, 999_999),
    ),
)
short_text = st.sampled_from(["", "", "张小凡", "凡凡", "A-凡", "阿凡🌸"])


@st.composite
def populations(draw):
    size = draw(st.integers(2, 5))
    members = [
        {
            "nickname": draw(st.sampled_from(["张小凡", "张小凡🌸", "Amy", "amy", "李四"])),
            "remark": draw(short_text),
            "phone": draw(st.sampled_from([None, "13800000016", "13800000017"])),
            "wechat_id": draw(st.sampled_from([None, "wx_fan"])),
            "city": draw(st.sampled_from(["", "杭州"])),
            "birthday": draw(st.sampled_from([None, date(1990, 5, 1)])),
            "custom_fields": draw(
                st.sampled_from([{}, {"卡号": "1"}, {"卡号": "2", "口味": "甜"}])
            ),
            "last_active_at": draw(moments),
            "inviter": draw(st.one_of(st.none(), st.integers(0, size - 1))),
        }
        for _ in range(size)
    ]
    communities = draw(st.integers(1, 3))
    memberships = draw(
        st.lists(
            st.tuples(
                st.integers(0, size - 1),
                st.integers(0, communities - 1),
                short_text,
                moments,
                moments,
                st.sampled_from(ROLES),
                st.booleans(),
            ),
            max_size=8,
            unique_by=lambda m: (m[0], m[1]),
        )
    )
    tags = draw(st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, 2)), unique=True))
    events = draw(
        st.lists(
            st.tuples(st.integers(0, size - 1), st.integers(0, communities - 1), moments),
            max_size=6,
        )
    )
    not_same = draw(
        st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=3)
    )
    owners = draw(st.lists(st.one_of(st.none(), st.integers(0, size - 1)), min_size=3, max_size=3))
    merges = draw(
        st.lists(
            st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)).filter(
                lambda p: p[0] != p[1]
            ),
            min_size=1,
            max_size=2,
        )
    )
    return members, communities, memberships, tags, events, not_same, owners, merges


def build(session, population) -> tuple[list[int], list[int]]:
    members, communities, memberships, tags, events, not_same, owners, _ = population
    ids = [
        person(
            session,
            m["nickname"],
            **{k: v for k, v in m.items() if k != "inviter" and k != "nickname"},
        )
        for m in members
    ]
    for member, values in zip(ids, members, strict=True):
        if values["inviter"] is not None and ids[values["inviter"]] != member:
            session.get(Member, member).inviter_id = ids[values["inviter"]]
    groups = [group(session, f"群{i}") for i in range(communities)]
    for owner, community in zip(owners, groups, strict=False):
        if owner is not None:
            session.get(Community, community).owner_member_id = ids[owner]
    for member, community, nickname, joined, left, role, seed in memberships:
        join(
            session,
            ids[member],
            groups[community],
            group_nickname=nickname,
            joined_at=joined,
            left_at=left,
            role=role,
            is_seed_user=seed,
        )
        session.add(
            MembershipEvent(
                member_id=ids[member], community_id=groups[community], kind="join", occurred_at=T0
            )
        )
        if nickname:
            session.add(
                GroupNicknameHistory(
                    member_id=ids[member],
                    community_id=groups[community],
                    nickname=nickname,
                    seen_at=T0,
                )
            )
    for member, tag_index in tags:
        tag(session, ids[member], f"标签{tag_index}")
    for member, community, when in events:
        session.add(
            ActivityEvent(
                member_id=ids[member],
                community_id=groups[community],
                kind="message",
                occurred_at=when or T0,
            )
        )
    for a, b in not_same:
        if a != b and session.get(NotSamePerson, pair(ids[a], ids[b])) is None:
            session.add(
                NotSamePerson(
                    member_a_id=min(ids[a], ids[b]),
                    member_b_id=max(ids[a], ids[b]),
                    decided_at=T0 + timedelta(microseconds=a * 10 + b),
                )
            )
    session.flush()
    return ids, groups


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(population=populations())
def test_merge_then_undo_restores_everything(database, population):
    session = database.session_factory()
    try:
        session.begin()
        ids, _ = build(session, population)
        before = snapshot(session)
        done = []
        for kept, merged in population[-1]:
            with contextlib.suppress(UserError):  # e.g. a member already merged away
                done.append(merge_members(session, ids[kept], ids[merged]))
        for merge_id in reversed(done):
            undo_merge(session, merge_id)
        assert snapshot(session) == before
    finally:
        session.rollback()
        session.close()
