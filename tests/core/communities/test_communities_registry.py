"""The community record: validation, edit, archive, delete-or-trash, restore, purge, people."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from core.common.errors import UserError
from core.communities.listing import list_communities
from core.communities.registry import (
    CommunityFields,
    create_community,
    delete_community,
    find_members,
    owner_and_admins,
    purge_community,
    read_fields,
    restore_community,
    set_admins,
    set_archived,
    split_tags,
    trash_list,
    update_community,
)
from db.models import Community, Membership, MembershipEvent
from tests.core.communities.builders import act, add_community, add_member, join

TODAY = date(2026, 11, 25)
JOINED = datetime(2026, 10, 1, 9, 0)


def test_create_stores_every_field_cleaned_up(database):
    with database.session() as session:
        owner = add_member(session, "店长小王", is_team=True)
        community_id = create_community(
            session,
            CommunityFields(
                name="  麦香烘焙   福利1群 ",
                platform="wecom",
                theme=" 新品试吃 ",
                target_audience="老顾客",
                rules_text="禁止广告\n",
                member_cap=500,
                scan_cap=200,
                tags="烘焙，福利、 老顾客,烘焙",
                created_on=date(2026, 3, 1),
                owner_member_id=owner,
                qr_valid_days=5,
            ),
            today=TODAY,
        )
    with database.session() as session:
        fields = read_fields(session, community_id)
    assert fields == CommunityFields(
        name="麦香烘焙 福利1群",
        platform="wecom",
        theme="新品试吃",
        target_audience="老顾客",
        rules_text="禁止广告",
        member_cap=500,
        scan_cap=200,
        tags=["烘焙", "福利", "老顾客"],
        created_on=date(2026, 3, 1),
        owner_member_id=owner,
        qr_valid_days=5,
    )


def test_created_on_defaults_to_today(database):
    with database.session() as session:
        community_id = create_community(session, CommunityFields(name="新群"), today=TODAY)
        assert read_fields(session, community_id).created_on == TODAY


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "   "}, "请填写社群名称"),
        ({"name": "群" * 101}, "最长 100"),
        ({"platform": "weibo"}, "未知的平台"),
        ({"member_cap": 0}, "群人数上限必须是正整数"),
        ({"member_cap": -5}, "群人数上限必须是正整数"),
        ({"scan_cap": 0}, "扫码进群上限必须是正整数"),
        ({"member_cap": 150, "scan_cap": 200}, "不能大于群人数上限"),
        ({"qr_valid_days": 0}, "有效天数"),
        ({"created_on": date(2026, 11, 26)}, "不能晚于今天"),
        ({"tags": ["很长" * 30]}, "标签"),
        ({"owner_member_id": 999_999}, "群主不存在"),
    ],
)
def test_validation_names_what_is_wrong(database, changes, message):
    fields = CommunityFields(**{"name": "好名字", **changes})
    with database.session() as session, pytest.raises(UserError, match=message):
        create_community(session, fields, today=TODAY)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Community)) == 0


def test_names_are_unique_among_communities_in_use(database):
    with database.session() as session:
        first = add_community(session, "打卡群")
        second = add_community(session, "交流群")
        with pytest.raises(UserError, match="已有名为「打卡群」"):
            add_community(session, "打卡群")
        with pytest.raises(UserError, match="已有名为"):
            update_community(session, second, CommunityFields(name="打卡群"))
        update_community(session, first, CommunityFields(name="打卡群", theme="每日打卡"))
        join(session, add_member(session, "甲"), first, JOINED)
        assert delete_community(session, first) == "trashed"
        # The name is free again while the old one sits in the trash.
        add_community(session, "打卡群")


def test_merged_member_cannot_be_owner(database):
    with database.session() as session:
        kept = add_member(session, "张小凡")
        merged = add_member(session, "张小凡2", merged_into_id=kept)
        with pytest.raises(UserError, match="已合并"):
            add_community(session, owner_member_id=merged)


def test_split_tags():
    assert split_tags("烘焙，福利；老顾客;  新品 、烘焙") == ["烘焙", "福利", "老顾客", "新品"]
    assert split_tags([" a ", "", "b", "a"]) == ["a", "b"]


def test_archive_hides_from_the_list_and_unarchive_brings_back(database):
    with database.session() as session:
        community_id = add_community(session)
        set_archived(session, community_id, True)
    with database.session() as session:
        assert list_communities(session) == []
        (row,) = list_communities(session, include_archived=True)
        assert row.archived
        set_archived(session, community_id, False)
    with database.session() as session:
        assert [r.id for r in list_communities(session)] == [community_id]


def test_an_empty_community_is_deleted_at_once(database):
    with database.session() as session:
        community_id = add_community(session)
        assert delete_community(session, community_id) == "deleted"
    with database.session() as session:
        assert session.get(Community, community_id) is None
        assert trash_list(session) == []


@pytest.mark.parametrize("history", ["member", "left_member", "activity_only"])
def test_a_community_with_anything_in_it_goes_to_the_trash(database, history):
    with database.session() as session:
        community_id = add_community(session)
        member = add_member(session, "阿香")
        if history == "member":
            join(session, member, community_id, JOINED)
        elif history == "left_member":
            join(session, member, community_id, JOINED, left_at=datetime(2026, 11, 1))
        else:
            act(session, member, community_id, JOINED)
        outcome = delete_community(session, community_id, now=datetime(2026, 11, 25, 10, 0))
    assert outcome == "trashed"
    with database.session() as session:
        assert list_communities(session, include_archived=True) == []
        (trashed,) = trash_list(session)
        assert (trashed.id, trashed.deleted_at) == (community_id, datetime(2026, 11, 25, 10, 0))
        assert trashed.memberships == (0 if history == "activity_only" else 1)
        with pytest.raises(UserError, match="不存在或已被删除"):
            update_community(session, community_id, CommunityFields(name="改名"))


def test_restore_from_trash_keeps_everything(database):
    with database.session() as session:
        community_id = add_community(session)
        join(session, add_member(session, "阿香"), community_id, JOINED)
        delete_community(session, community_id)
    with database.session() as session:
        restore_community(session, community_id)
    with database.session() as session:
        (row,) = list_communities(session)
        assert (row.id, row.members) == (community_id, 1)
        assert trash_list(session) == []
        with pytest.raises(UserError, match="不在回收站"):
            restore_community(session, community_id)


def test_purge_needs_confirmation_unless_empty(database):
    with database.session() as session:
        full = add_community(session, "有人的群")
        join(session, add_member(session, "阿香"), full, JOINED)
        empty = add_community(session, "空群")
        with pytest.raises(UserError, match="回收站里"):
            purge_community(session, empty)  # not in the trash
        delete_community(session, full)
        session.get(Community, empty).deleted_at = datetime(2026, 11, 1)  # e.g. emptied later
    with database.session() as session:
        purge_community(session, empty)
        with pytest.raises(UserError, match="还有入群记录"):
            purge_community(session, full)
    with database.session() as session:
        assert [t.id for t in trash_list(session)] == [full]
        purge_community(session, full, confirm=True)
    with database.session() as session:
        assert trash_list(session) == []
        assert session.scalar(select(func.count()).select_from(Membership)) == 0
        assert session.scalar(select(func.count()).select_from(MembershipEvent)) == 0


def test_owner_and_admins(database):
    with database.session() as session:
        community_id = add_community(session)
        boss = add_member(session, "王老板", remark="王总", is_team=True)
        staff = add_member(session, "客服小美", is_team=True)
        former = add_member(session, "老管理")
        fan = add_member(session, "粉丝")
        join(session, boss, community_id, JOINED, role="manager")
        join(session, staff, community_id, JOINED, role="manager")
        join(session, former, community_id, JOINED, role="manager", left_at=datetime(2026, 11, 1))
        join(session, fan, community_id, JOINED)
        update_community(session, community_id, CommunityFields(name="群", owner_member_id=boss))
    with database.session() as session:
        people = owner_and_admins(session, community_id)
        assert people.owner.name == "王总"  # 备注名 first
        assert [a.name for a in people.admins] == ["王总", "客服小美"]
        set_admins(session, community_id, [boss, fan])
    with database.session() as session:
        assert [a.id for a in owner_and_admins(session, community_id).admins] == [boss, fan]
        roles = dict(
            session.execute(
                select(Membership.member_id, Membership.role).where(
                    Membership.community_id == community_id
                )
            ).all()
        )
        assert roles[staff] == "follower"
        assert roles[former] == "manager"  # left already: not touched
        with pytest.raises(UserError, match="现有成员"):
            set_admins(session, community_id, [former])


def test_find_members_for_choosing_an_owner(database):
    with database.session() as session:
        community_id = add_community(session)
        other = add_community(session, "别的群")
        zhang = add_member(session, "张小凡")
        staff = add_member(session, "张店长", is_team=True)
        outsider = add_member(session, "张三")
        join(session, zhang, community_id, JOINED)
        join(session, staff, community_id, JOINED)
        join(session, outsider, other, JOINED)
        add_member(session, "张小凡旧号", merged_into_id=zhang)
    with database.session() as session:
        assert [m.id for m in find_members(session, "张", community_id=community_id)] == [
            staff,
            zhang,
        ]
        assert [m.name for m in find_members(session, "zxf")] == ["张小凡"]
        assert {m.id for m in find_members(session, "张")} == {zhang, staff, outsider}
        assert find_members(session, "100%_") == []
