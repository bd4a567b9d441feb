"""Every sample file imports without hand-editing, with the planted quirks handled: exact counts
of added / linked / rejected rows and the reasons, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.members.importing import ADD, LINKED, REJECTED
from db.models import (
    Community,
    GroupNicknameHistory,
    Member,
    Membership,
    MembershipEvent,
    MemberTag,
    Tag,
)
from tests.core.members.importing_helpers import (
    counts_of,
    import_file,
    plan_file,
    rows_by_status,
    table_counts,
)

WECOM_JSON = "wecom_api_groupchat_get__2groups.json"
WECOM_CUSTOMERS = "wecom_api_batch_get_by_user__2pages.json"
SCRM = "scrm_easypoi_客户群详情_样例烘焙福利1群.xls"
LINKWECHAT = "linkwechat_客户信息表_1742265751000.xlsx"
WEFLOW = "weflow_群成员_样例烘焙福利1群.xlsx"
YOUZAN = "youzan_客户导出_Excel另存为GBK.csv"
ITCHAT = "itchat_群聊用户名单.xlsx"
# the campaign tool export, which is a member list too (kept with the campaign tests)
FISSION_SAMPLE = Path(__file__).parents[1] / "campaigns" / "samples" / "linkwechat_群裂变明细.xlsx"
GROUP1, GROUP2 = "样例烘焙福利1群", "样例烘焙福利2群"

# (added, updated, unchanged, linked, rejected) on an empty database, and joins recorded.
EXPECTED = {
    WECOM_JSON: ((34, 0, 0, 10, 0), 44),
    WECOM_CUSTOMERS: ((3, 0, 0, 1, 1), 0),
    SCRM: ((22, 0, 0, 0, 0), 22),
    LINKWECHAT: ((25, 0, 0, 1, 1), 0),
    WEFLOW: ((20, 0, 0, 0, 0), 20),
    YOUZAN: ((29, 0, 0, 0, 1), 0),
    ITCHAT: ((40, 0, 0, 0, 0), 40),
}


def members_by_nickname(database) -> dict[str, Member]:
    with database.session() as session:
        return {m.nickname: m for m in session.scalars(select(Member))}


def memberships(database) -> dict[tuple[str, str], Membership]:
    with database.session() as session:
        rows = session.execute(
            select(Member.nickname, Community.name, Membership)
            .join(Membership, Membership.member_id == Member.id)
            .join(Community, Community.id == Membership.community_id)
        )
        return {(nickname, community): ms for nickname, community, ms in rows}


def tags_of(database, member_id: int) -> set[str]:
    with database.session() as session:
        return set(
            session.scalars(
                select(Tag.name)
                .join(MemberTag, MemberTag.tag_id == Tag.id)
                .where(MemberTag.member_id == member_id)
            )
        )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_imports_with_exact_counts_and_reimports_unchanged(database, samples, name):
    (expected, joins) = EXPECTED[name]
    plan, result = import_file(database, samples / name)
    assert counts_of(plan) == expected
    assert plan.counts.joined == joins and plan.counts.left == 0
    assert (result.added, result.linked, result.rejected) == (expected[0], expected[3], expected[4])
    after_first = table_counts(database)
    assert after_first["members"] == expected[0]
    assert after_first["membership_events"] == joins

    again, _ = import_file(database, samples / name)
    added, _updated, _unchanged, linked, rejected = expected
    assert counts_of(again) == (0, 0, added, linked, rejected)
    assert again.counts.joined == again.counts.left == 0
    assert not again.has_changes
    after_second = table_counts(database)
    assert after_second.pop("import_batches") == after_first.pop("import_batches") + 1
    assert after_second == after_first  # no new member, event, nickname history or tag


def test_wecom_groupchat_json(database, samples):
    plan, result = import_file(database, samples / WECOM_JSON)
    assert plan.source_kind == "wecom_groupchat"
    assert [(c.name, c.community_id, c.platform, c.complete) for c in plan.communities] == [
        (GROUP1, None, "wecom", True),
        (GROUP2, None, "wecom", True),
    ]
    assert result.communities_created == 2
    linked = {(r.nickname, r.matched_by, r.linked_to) for r in plan.rows if r.status == LINKED}
    assert linked == {
        ("张三(样例店长)", "按企业微信成员账号", (GROUP1, 1)),
        ("李四(样例客服)", "按企业微信成员账号", (GROUP1, 2)),
        ("一只猫", "按unionid", (GROUP1, 15)),
        ("周周", "按企业微信客户ID", (GROUP1, 16)),  # no unionid: the external id links
        ("海风", "按unionid", (GROUP1, 17)),
        ("吴阿姨", "按unionid", (GROUP1, 18)),
        ("Lucy", "按unionid", (GROUP1, 19)),
        ("王大锤", "按unionid", (GROUP1, 20)),
        ("小鱼儿", "按企业微信客户ID", (GROUP1, 21)),
        ("沈先生", "按unionid", (GROUP1, 22)),
    }
    members = members_by_nickname(database)
    zhang, li = members["张三(样例店长)"], members["李四(样例客服)"]
    assert zhang.is_team and li.is_team
    assert zhang.custom_fields == {"企业微信账号": "ZhangSan"}
    assert zhang.external_userid is None  # a staff userid is not a customer's external id
    assert not members["🌸花花"].is_team  # emoji kept
    assert members["🌸花花"].unionid == "oSAMPLE0001unionidXXXXXXXXXXXX"
    assert members["陈姐"].unionid is None  # unionid missing on some
    assert "海风" in members  # the trailing space of "海风 " is not part of the name
    assert members["🌸花花"].inviter_id == zhang.id  # invitor.userid → the staff member
    assert members["小王"].inviter_id == li.id
    assert members["Amy李"].inviter_id is None  # no invitor given
    groups = memberships(database)
    assert groups[("🌸花花", GROUP1)].joined_at == datetime(2024, 6, 1, 9, 0)  # China time
    assert groups[("🌸花花", GROUP1)].group_nickname == ""  # empty group_nickname
    assert groups[("小王", GROUP1)].join_channel == "通过邀请链接入群"  # join_scene 2
    assert groups[("Amy李", GROUP1)].join_channel == "通过扫描群二维码入群"  # join_scene 3
    assert groups[("张三(样例店长)", GROUP1)].role == "manager"
    # The same person in both groups under different group nicknames.
    assert groups[("一只猫", GROUP1)].group_nickname == "一只猫-3栋"
    assert groups[("一只猫", GROUP2)].group_nickname == "一只猫(团购)"
    cat = members["一只猫"]
    assert "一只猫-3栋" in cat.search_text and "一只猫(团购)" in cat.search_text
    assert "yzm" in cat.search_text
    with database.session() as session:
        owners = dict(session.execute(select(Community.name, Community.owner_member_id)).all())
        history = session.scalars(
            select(GroupNicknameHistory.nickname).where(GroupNicknameHistory.member_id == cat.id)
        ).all()
    assert owners == {GROUP1: zhang.id, GROUP2: li.id}
    assert sorted(history) == ["一只猫(团购)", "一只猫-3栋"]


def test_wecom_customers_json_batch_get_by_user(database, samples):
    plan, _ = import_file(database, samples / WECOM_CUSTOMERS)
    assert plan.source_kind == "wecom_customers"
    assert plan.communities == [] and not plan.sheets[0].complete
    (rejected,) = plan.rejected_rows
    assert (rejected.row, rejected.nickname) == (5, "Emma")
    assert "10 位" in rejected.reason
    (linked,) = [r for r in plan.rows if r.status == LINKED]
    assert (linked.nickname, linked.linked_to) == ("🌷小雨", ("客户列表", 1))
    members = members_by_nickname(database)
    rain = members["🌷小雨"]
    assert (rain.phone, rain.gender, rain.remark) == ("13800000101", "f", "小雨-老客")
    assert rain.notes == "喜欢芝士蛋糕，周末到店"
    assert rain.source_channel == "扫描二维码"  # add_way 1
    assert rain.custom_fields["添加时间"] == "2024-06-01 09:00"  # createtime, Unix seconds
    assert rain.custom_fields["跟进员工账号"] == "ZhangSan、LiSi"  # followed by two staff
    assert tags_of(database, rain.id) == {
        "etSAMPLE0001tagIdXXXXXXXXXXXXXX",
        "etSAMPLE0002tagIdXXXXXXXXXXXXXX",
        "etSAMPLE0003tagIdXXXXXXXXXXXXXX",
    }
    wang = members["王先生"]
    assert (wang.phone, wang.gender, wang.unionid) == ("13800000102", "m", None)
    assert wang.custom_fields["企业名称"] == "样例科技有限公司"
    assert wang.custom_fields["客户类型"] == "企业微信用户"
    assert members["阿强"].phone == "13800000104"  # 8613800000104
    assert members["阿强"].gender == ""


def test_scrm_easypoi_xls(database, samples):
    plan, _ = import_file(database, samples / SCRM)
    (sheet,) = plan.sheets
    assert (sheet.sheet, sheet.header_row, sheet.community, sheet.complete) == (
        "sheet0",
        2,  # under the merged title row
        GROUP1,  # from the title 「样例烘焙福利1群客户群详情(导出时间: …)」
        True,
    )
    assert sheet.mapping.fields == [
        "nickname",
        "member_type",
        "joined_at",
        "join_channel",
        "custom",
        "unionid",
    ]
    assert [(c.name, c.platform) for c in plan.communities] == [(GROUP1, "wecom")]
    members = members_by_nickname(database)
    assert members["张三(样例店长)"].is_team and members["李四(样例客服)"].is_team
    assert not members["小王"].is_team
    nameless = members[""]  # the member with no nickname, known by unionid
    assert nameless.unionid == "oSAMPLE0007unionidXXXXXXXXXXXX"
    assert members["小王"].custom_fields == {}  # 邀请员工 always empty: nothing stored
    groups = memberships(database)
    assert groups[("Amy李", GROUP1)].joined_at == datetime(2024, 6, 15, 10, 14)  # text time
    assert groups[("Amy李", GROUP1)].join_channel == "通过扫描群二维码入群"


def test_linkwechat_customer_export(database, samples):
    plan, _ = import_file(database, samples / LINKWECHAT)
    assert plan.communities == []  # a customer list says nothing about groups
    (rejected,) = plan.rejected_rows
    assert (rejected.row, rejected.nickname) == (19, "样例空行客户")
    assert "只有昵称「样例空行客户」一项有内容" in rejected.reason
    # One customer on two rows (two staff follow him): linked by unionid.
    (linked,) = [r for r in plan.rows if r.status == LINKED]
    assert (linked.row, linked.nickname, linked.matched_by, linked.linked_to[1]) == (
        11,
        "阿杰",
        "按unionid",
        6,
    )
    members = members_by_nickname(database)
    assert not any(m.is_team for m in members.values())  # userid is the staff, not them
    assert not any(m.external_userid for m in members.values())
    assert members["阿杰"].custom_fields["跟进员工"] == "李四(样例客服)、王五(样例导购)"
    assert members["周周"].phone == "13800000015"  # 13800000015.0, a number cell
    assert members["海风"].phone == "13800000016"  # 8613800000016 (shown 8.6E+12)
    assert members["吴阿姨"].phone == "13800000017"  # +86 138-0000-0017
    assert members["🌸花花"].birthday == date(1985, 1, 1)  # a real date cell
    assert members["🌸花花"].custom_fields["添加时间"] == "2024-05-29 09:00"
    assert members["张小姐"].custom_fields["添加时间"] == "2024-03-05"  # text 2024.3.5
    assert members["一只猫"].custom_fields["添加时间"] == "2024-03-05"  # bare serial 45356
    assert members["老刘, 团长"].gender == "m"  # a comma in the nickname
    assert '"豆豆"妈' in members  # quotes in the nickname
    assert members["木子"].gender == ""  # 未知
    assert members["晴天"].custom_fields["是否加入黑名单"] == "是"
    assert members["Kevin"].custom_fields["客户类型"] == "企业用户"
    assert tags_of(database, members["晴天"].id) == {"意向客户", "已购", "宝妈"}


def test_weflow_group_member_export(database, samples):
    plan, _ = import_file(database, samples / WEFLOW)
    (sheet,) = plan.sheets
    assert (sheet.header_row, sheet.community, sheet.complete) == (4, GROUP1, True)
    assert sheet.mapping.fields[:5] == ["nickname", "remark", "group_nickname", "wxid", "wechat_id"]
    assert [(c.name, c.platform) for c in plan.communities] == [(GROUP1, "wechat")]
    members = members_by_nickname(database)
    assert members["🌸花花"].remark == "样例老客1"
    assert members["🌸花花"].wechat_id is None  # 微信号 often empty
    assert members["小王"].wechat_id == "sample_wang02"
    assert members["阿杰"].wxid == "sample_ajie1988"  # an old custom wxid
    groups = memberships(database)
    assert groups[("小王", GROUP1)].group_nickname == "小王-2栋"
    assert groups[("小王", GROUP1)].joined_at is not None  # no join time: when first seen


def test_youzan_gbk_csv(database, samples):
    plan, _ = import_file(database, samples / YOUZAN)
    # A phone Excel lost digits of costs the phone, not the row: 木子 is imported without it.
    assert rows_by_status(plan, REJECTED) == [("youzan_客户导出_Excel另存为GBK", 11)]
    assert "10 位" in plan.rejected_rows[0].reason
    lossy = {(i.row, i.field): i for i in plan.issues}[(7, "手机号")]
    assert lossy.value == "8.6138E+12" and not lossy.rejected
    assert "科学计数法" in lossy.reason and "不写手机号" in lossy.reason  # lossy: not guessed
    assert "第 23 行是重复的表头，已跳过" in plan.sheets[0].notes
    assert plan.sheets[0].mapping.fields[:2] == ["remark", "nickname"]
    members = members_by_nickname(database)
    assert "?花花" in members  # the ? Excel put for the emoji stays
    assert members["小王"].remark == "王样例"  # 客户姓名 beside 客户昵称
    assert members["小王"].custom_fields == {
        "免费等级": "VIP1",
        "客户储值余额": "12.5",
    }  # 付费等级 "-" is a placeholder: not stored; 客户积分 goes to the ledger (opening balance)
    assert members["张小姐"].phone is None  # empty phone: still imported
    assert members["海风"].phone == "13800000015"
    assert members["木子"].phone is None


def test_itchat_sheet_per_group(database, samples):
    plan, _ = import_file(database, samples / ITCHAT)
    assert [(s.sheet, s.community, s.complete) for s in plan.sheets] == [
        (GROUP1, GROUP1, True),
        (GROUP2, GROUP2, True),
    ]
    # Nicknames only: the eight people in both sheets are suggestions, never merged.
    duplicates = {(d.nickname, d.sheet, d.other_row) for d in plan.possible_duplicates}
    assert duplicates == {
        (name, GROUP2, (GROUP1, row))
        for name, row in [
            ("一只猫", 14),
            ("周周", 15),
            ("海风", 16),
            ("吴阿姨", 17),
            ("Lucy", 18),
            ("王大锤", 19),
            ("小鱼儿", 20),
            ("沈先生", 21),
        ]
    }
    assert table_counts(database)["members"] == 40
    groups = memberships(database)
    assert groups[("小王", GROUP1)].group_nickname == "小王-2栋"


def test_a_second_export_of_the_same_group_matches_rows_without_ids(database, samples):
    """SCRM after the WeCom JSON: unionid where there is one; rows without any id by their
    nickname in the same group; staff by their WeCom name."""
    import_file(database, samples / WECOM_JSON)
    plan, _ = import_file(database, samples / SCRM)
    assert counts_of(plan) == (0, 0, 22, 0, 0)
    matched = {r.nickname: r.matched_by for r in plan.rows}
    assert matched["张三(样例店长)"] == "员工同名"
    assert matched["陈姐"] == "同群同昵称"
    assert matched["小王"] == "按unionid"
    assert matched[""] == "按unionid"  # the row without a nickname
    assert plan.counts.left == 0


def test_a_list_matching_nobody_records_no_leaves(database, samples):
    """weflow (personal-WeChat wxids) after the WeCom JSON of a same-named group: nobody can be
    matched, so nobody is said to have left; the nicknames are suggestions."""
    import_file(database, samples / WECOM_JSON)
    plan, _ = import_file(database, samples / WEFLOW)
    assert counts_of(plan) == (20, 0, 0, 0, 0)
    assert plan.counts.left == 0
    assert any("一个都对不上" in note for note in plan.notes)
    assert len(plan.possible_duplicates) == 20
    assert {d.reason for d in plan.possible_duplicates} == {"昵称相同，但没有相同的编号或手机号"}


def test_a_wecom_list_of_a_personal_groups_name_records_no_leaves(database, samples):
    """SCRM (a WeCom customer group) after the personal-WeChat lists of a group with the same
    name: a WeCom export cannot list a personal group, so the few nickname matches do not make
    the other 36 members leave; its members are still added."""
    import_file(database, samples / ITCHAT)
    import_file(database, samples / WEFLOW)
    plan, _ = import_file(database, samples / SCRM)
    assert plan.counts.left == 0
    assert any("企业微信客户群的名单" in note and "个人微信群" in note for note in plan.notes)
    with database.session() as session:
        left = session.scalar(
            select(func.count()).select_from(Membership).where(Membership.left_at.is_not(None))
        )
    assert left == 0
    assert counts_of(plan)[0] == 18  # the 18 nobody could match are added


def test_a_cell_listing_several_groups_puts_the_member_in_each(database):
    """LinkWeChat's 群裂变明细 joins a customer's groups with commas ("1群,2群"): two groups, the
    member in both, never a community named after the whole cell."""
    plan, _ = import_file(database, FISSION_SAMPLE)
    assert counts_of(plan) == (20, 0, 0, 0, 0)
    with database.session() as session:
        names = set(session.scalars(select(Community.name)))
        in_both = session.scalars(
            select(Member.nickname)
            .join(Membership, Membership.member_id == Member.id)
            .join(Community, Community.id == Membership.community_id)
            .where(Community.name == GROUP2)
        ).all()
    assert names == {GROUP1, GROUP2}
    assert len(in_both) == 8 and all(nickname.endswith("-3栋") for nickname in in_both)
    assert {c.name: c.joins for c in plan.communities} == {GROUP1: 20, GROUP2: 8}


def test_a_known_group_with_a_comma_in_its_name_stays_whole(database, tmp_path):
    with database.session(write=True) as session:
        session.add(Community(name="吃喝,玩乐群", platform="wechat"))
    path = tmp_path / "list.csv"
    path.write_text('昵称,群名\n阿青,"吃喝,玩乐群"\n', encoding="utf-8")
    plan, _ = import_file(database, path)
    assert [c.name for c in plan.communities] == ["吃喝,玩乐群"]
    assert counts_of(plan) == (1, 0, 0, 0, 0)


def test_customer_lists_link_by_phone_and_see_through_excel_question_marks(database, samples):
    import_file(database, samples / LINKWECHAT)
    plan, _ = import_file(database, samples / YOUZAN)
    rows = {r.row: r for r in plan.rows}
    flower = rows[2]  # ?花花, phone 13800000001 = LinkWeChat's 🌸花花
    assert (flower.status, flower.matched_by) == ("update", "按手机号")
    assert "昵称" not in {c.field for c in flower.changes}  # "?花花" is "🌸花花" through GBK
    assert members_by_nickname(database)["🌸花花"].custom_fields["免费等级"] == "VIP1"
    # LinkWeChat's 周周 has the phone youzan gives 海风: a question, not a rename (see
    # test_import_doubtful.py for the answers).
    wind = rows[16]
    assert (wind.status, wind.matched_by, wind.changes) == ("doubtful", "按手机号", None)
    assert (wind.doubt.member_nickname, wind.doubt.answer) == ("周周", None)
    with database.session() as session:
        owner = session.scalars(select(Member).where(Member.phone == "13800000015")).one()
    assert owner.nickname == "周周"


def test_plan_alone_writes_nothing(database, samples):
    before = table_counts(database)
    plan = plan_file(database, samples / WECOM_JSON)
    assert plan.counts.added == 34 and all(r.status in (ADD, LINKED) for r in plan.rows)
    assert table_counts(database) == before


def test_membership_events_are_import_events(database, samples):
    import_file(database, samples / SCRM)
    with database.session() as session:
        kinds = session.execute(select(MembershipEvent.kind, MembershipEvent.source)).all()
    assert set(kinds) == {("join", "import")}
