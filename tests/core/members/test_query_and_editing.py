"""Finding members (search, filters, order) and editing them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.common.errors import UserError
from core.members.editing import (
    add_members_to_community,
    create_member,
    member_detail,
    set_member_tags,
    set_members_role,
    tag_members,
    untag_members,
    update_member,
)
from core.members.query import MemberFilter, find_member_ids, load_rows
from db.models import Community, Member, MembershipEvent

NOW = datetime(2026, 11, 23, 12, 0)


@pytest.fixture
def people(database):
    """Four members in two communities, with activity dates and tags."""
    with database.session() as session:
        bakery = Community(name="麦香烘焙福利1群", platform="wechat")
        gym = Community(name="悦动健身打卡群", platform="wecom")
        session.add_all([bakery, gym])
        session.flush()
        ids = {
            "zhang": create_member(session, "张小凡", phone="13800000016", wechat_id="wx_fan"),
            "li": create_member(session, "李四🌸", remark="老顾客"),
            "wang": create_member(session, "王五", phone="+86 138-0000-0017"),
            "amy": create_member(session, "Amy", city="上海"),
        }
        add_members_to_community(
            session, [ids["zhang"], ids["li"]], bakery.id, when=NOW - timedelta(days=40)
        )
        add_members_to_community(
            session, [ids["wang"], ids["zhang"]], gym.id, when=NOW - timedelta(days=3)
        )
        set_members_role(session, [ids["zhang"]], gym.id, "leader")
        session.get(Member, ids["zhang"]).last_active_at = NOW - timedelta(days=2)
        session.get(Member, ids["li"]).last_active_at = NOW - timedelta(days=60)
        tag_members(session, [ids["li"], ids["amy"]], "老客户")
    return database, ids, bakery.id, gym.id


def ids_for(database, **spec) -> list[int]:
    with database.session() as session:
        return find_member_ids(session, MemberFilter(now=NOW, **spec))


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("zxf", {"zhang"}),
        ("zhangxiao", {"zhang"}),
        ("小凡", {"zhang"}),
        ("0016", {"zhang"}),
        ("0017", {"wang"}),
        ("wx_fan", {"zhang"}),
        ("WX_FAN", {"zhang"}),
        ("老顾客", {"li"}),
        ("lgk", {"li"}),
        ("amy", {"amy"}),
        ("  Amy ", {"amy"}),
        ("🌸", {"li"}),
        ("%", set()),
        ("_", {"zhang"}),
        ("nobody", set()),
    ],
)
def test_search_matches_names_pinyin_initials_wechat_id_and_phone_tail(people, text, who):
    database, ids, _, _ = people
    found = set(ids_for(database, text=text))
    assert found == {ids[name] for name in who}


def test_filters_combine_in_sql(people):
    database, ids, bakery, gym = people
    assert set(ids_for(database, community_id=bakery)) == {ids["zhang"], ids["li"]}
    assert ids_for(database, community_id=gym, role="leader") == [ids["zhang"]]
    assert set(ids_for(database, has_phone=True)) == {ids["zhang"], ids["wang"]}
    assert set(ids_for(database, has_phone=False)) == {ids["li"], ids["amy"]}
    assert ids_for(database, active_within_days=7) == [ids["zhang"]]
    assert set(ids_for(database, inactive_for_days=30)) == {ids["li"], ids["wang"], ids["amy"]}
    assert set(ids_for(database, joined_from=(NOW - timedelta(days=5)).date())) == {
        ids["wang"],
        ids["zhang"],
    }
    assert set(ids_for(database, joined_to=(NOW - timedelta(days=10)).date())) == {
        ids["zhang"],
        ids["li"],
    }
    with database.session() as session:
        tag_id = session.scalar(select(func.min(Member.id)))  # any id: a tag that does not exist
    assert ids_for(database, tag_id=tag_id + 999) == []


def test_sorting_by_pinyin_and_by_activity_with_never_active_last(people):
    database, ids, _, _ = people
    # amy, li si, wang wu, zhang xiao fan in pinyin order
    assert ids_for(database) == [ids["amy"], ids["li"], ids["wang"], ids["zhang"]]
    assert ids_for(database, descending=True) == [ids["zhang"], ids["wang"], ids["li"], ids["amy"]]
    by_activity = ids_for(database, sort_key="last_active_at", descending=True)
    assert by_activity[:2] == [ids["zhang"], ids["li"]]
    by_activity_ascending = ids_for(database, sort_key="last_active_at")
    assert by_activity_ascending[:2] == [ids["li"], ids["zhang"]]


def test_rows_carry_communities_and_tags(people):
    database, ids, _, _ = people
    with database.session() as session:
        rows = load_rows(session, [ids["zhang"], ids["li"]])
    assert rows[ids["zhang"]].communities == ["麦香烘焙福利1群", "悦动健身打卡群"]
    assert rows[ids["li"]].tags == ["老客户"]
    assert rows[ids["zhang"]].phone == "13800000016"


def test_edit_returns_previous_values_and_refreshes_search(people):
    database, ids, _, _ = people
    with database.session() as session:
        previous = update_member(session, ids["amy"], {"nickname": "陈晓", "city": "上海"})
    assert previous == {"nickname": "Amy"}  # city did not change
    assert ids_for(database, text="cx") == [ids["amy"]]
    assert ids_for(database, text="amy") == []
    with database.session() as session:  # undo = apply the previous values
        update_member(session, ids["amy"], previous)
    assert ids_for(database, text="amy") == [ids["amy"]]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nickname": "  "}, "昵称不能为空"),
        ({"phone": "12345"}, "手机号"),
        ({"gender": "x"}, "性别"),
        ({"password": "1"}, "不能修改字段"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(people, changes, message):
    database, ids, _, _ = people
    with pytest.raises(UserError, match=message), database.session() as session:
        update_member(session, ids["wang"], {"city": "北京", **changes})
    with database.session() as session:
        assert session.get(Member, ids["wang"]).city == ""


def test_tags_replace_and_bulk(people):
    database, ids, _, _ = people
    with database.session() as session:
        assert set_member_tags(session, ids["li"], ["VIP", " 爱吃面包 ", "VIP"]) == ["老客户"]
    with database.session() as session:
        assert member_detail(session, ids["li"]).tags == ["VIP", "爱吃面包"]
        assert tag_members(session, [ids["li"], ids["wang"]], "VIP") == 1
        assert untag_members(session, [ids["li"], ids["wang"], ids["amy"]], "VIP") == 2


def test_detail_shows_memberships_with_join_history(people):
    database, ids, _, _ = people
    with database.session() as session:
        detail = member_detail(session, ids["zhang"])
    names = [m.community_name for m in detail.memberships]
    assert names == ["麦香烘焙福利1群", "悦动健身打卡群"]
    gym_membership = detail.memberships[1]
    assert gym_membership.role == "leader"
    assert [kind for kind, _ in gym_membership.events] == ["join"]
    assert detail.fields["phone"] == "13800000016"


def test_adding_twice_joins_once(people):
    database, ids, bakery, _ = people
    with database.session() as session:
        assert add_members_to_community(session, [ids["zhang"], ids["amy"]], bakery) == 1
        events = session.scalar(
            select(func.count())
            .select_from(MembershipEvent)
            .where(MembershipEvent.community_id == bakery)
        )
    assert events == 3


def test_unknown_member_and_role_are_clear_errors(people):
    database, ids, _, gym = people
    with pytest.raises(UserError, match="找不到成员"), database.session() as session:
        member_detail(session, 999_999)
    with pytest.raises(UserError, match="未知的角色"), database.session() as session:
        set_members_role(session, [ids["zhang"]], gym, "king")
    with pytest.raises(UserError, match="已被合并或删除"), database.session() as session:
        tag_members(session, [ids["zhang"], 999_999], "x")


def test_birthday_is_a_date(people):
    database, ids, _, _ = people
    with database.session() as session:
        update_member(session, ids["wang"], {"birthday": date(1990, 5, 1)})
        assert member_detail(session, ids["wang"]).fields["birthday"] == date(1990, 5, 1)
