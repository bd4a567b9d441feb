"""Who is who: identifiers strongest first, conflicts, merged members, staff."""

from __future__ import annotations

from sqlalchemy import select

from core.members.importing import ADD, UPDATE
from db.models import Community, Member, Membership
from tests.core.members.importing_helpers import counts_of, import_file, plan_file


def add_member(database, **values) -> int:
    with database.session() as session:
        member = Member(**values)
        session.add(member)
        session.flush()
        return member.id


def write_csv(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_stronger_identifier_that_differs_is_another_person(database, tmp_path):
    first = add_member(database, nickname="阿花", unionid="oUNION1", phone="13800000001")
    path = write_csv(tmp_path, "c.csv", "昵称,unionid,手机号\n花花,oUNION2,13800000001\n")
    plan, _ = import_file(database, path)
    (row,) = plan.rows
    assert row.status == ADD and row.member_id is None
    (issue,) = plan.issues
    assert "手机号 13800000001 已属于另一位成员「阿花」" in issue.reason and not issue.rejected
    with database.session() as session:
        new = session.scalars(select(Member).where(Member.unionid == "oUNION2")).one()
        assert new.phone is None  # not written twice
        assert session.get(Member, first).nickname == "阿花"  # untouched


def test_the_same_unionid_with_a_new_phone_updates_the_phone(database, tmp_path):
    member = add_member(database, nickname="阿花", unionid="oUNION1", phone="13800000001")
    path = write_csv(tmp_path, "c.csv", "昵称,unionid,手机号\n阿花,oUNION1,13900000002\n")
    plan, _ = import_file(database, path)
    (row,) = plan.rows
    assert (row.status, row.matched_by, row.member_id) == (UPDATE, "按unionid", member)
    assert [(c.field, c.old, c.new) for c in row.changes] == [
        ("手机号", "13800000001", "13900000002")
    ]
    with database.session() as session:
        updated = session.get(Member, member)
        assert updated.phone == "13900000002" and updated.phone_tail == "0002"


def test_rows_of_one_file_sharing_a_phone_are_one_person(database, tmp_path):
    path = write_csv(
        tmp_path,
        "c.csv",
        "昵称,手机号,微信号,标签\n小麦,13800000001,,烘焙\n小麦,+86 138 0000 0001,xiaomai,老客\n",
    )
    plan, _ = import_file(database, path)
    assert counts_of(plan) == (1, 0, 0, 1, 0)
    with database.session() as session:
        member = session.scalars(select(Member)).one()
    assert member.wechat_id == "xiaomai"  # the second row adds what the first lacked


def test_identifiers_of_a_merged_member_lead_to_the_one_kept(database, tmp_path):
    kept = add_member(database, nickname="小麦", phone="13800000001")
    add_member(database, nickname="小麦（旧）", wechat_id="old_mai", merged_into_id=kept)
    path = write_csv(tmp_path, "c.csv", "昵称,微信号\n小麦,old_mai\n")
    plan = plan_file(database, path)
    (row,) = plan.rows
    assert (row.member_id, row.matched_by) == (kept, "按微信号")


def test_staff_are_matched_by_their_name_and_customers_never_are(database, tmp_path):
    staff = add_member(database, nickname="张三(店长)", is_team=True)
    add_member(database, nickname="小王", phone="13800000002")
    path = write_csv(tmp_path, "c.csv", "昵称,类型\n张三(店长),企业成员\n小王,外部联系人\n")
    plan = plan_file(database, path)
    by_name = {row.nickname: row for row in plan.rows}
    assert (by_name["张三(店长)"].member_id, by_name["张三(店长)"].matched_by) == (
        staff,
        "员工同名",
    )
    assert by_name["小王"].status == ADD  # only a suggestion:
    (duplicate,) = plan.possible_duplicates
    assert (duplicate.nickname, duplicate.other_nickname) == ("小王", "小王")


def test_rows_without_ids_in_a_group_take_that_groups_members_in_order(database, tmp_path):
    with database.session() as session:
        group = Community(name="福利群")
        session.add(group)
        session.flush()
        for phone in ("13800000001", "13800000002"):
            member = Member(nickname="晴天", phone=phone)
            session.add(member)
            session.flush()
            session.add(Membership(member_id=member.id, community_id=group.id))
    path = write_csv(tmp_path, "c.csv", "昵称,群昵称\n晴天,晴天-1\n晴天,晴天-2\n晴天,晴天-3\n")
    plan = plan_file(database, path, community_name="福利群")
    assert [(r.status, r.matched_by) for r in plan.rows] == [
        (UPDATE, "同群同昵称"),
        (UPDATE, "同群同昵称"),
        (ADD, ""),  # a third 晴天: new
    ]
    assert plan.rows[0].member_id != plan.rows[1].member_id
