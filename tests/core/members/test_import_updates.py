"""Importing a newer export: changed fields only, joins and leaves, group-nickname history,
tags; cancelling or a stale preview leaves the database as it was."""

from __future__ import annotations

import gc
import json
import shutil
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import select

from core.common.errors import UserError
from core.common.progress import Cancelled
from core.members.importing import UPDATE, apply_import, plan_import
from db.models import GroupNicknameHistory, Member, Membership, MembershipEvent, MemberTag, Tag
from tests.core.members.importing_helpers import counts_of, import_file, table_counts

WEFLOW = "weflow_群成员_样例烘焙福利1群.xlsx"
WECOM_JSON = "wecom_api_groupchat_get__2groups.json"
LINKWECHAT = "linkwechat_客户信息表_1742265751000.xlsx"
GROUP1 = "样例烘焙福利1群"
EXPORTED_AT = datetime(2025, 3, 18, 10, 22, 31)  # weflow's 导出时间 metadata


def edit_weflow(path, *, rename=None, group_nickname=None, drop=None, add=None):
    """Change the weflow export like a newer export would: rows are found by wxid (column D)."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    for row in range(5, sheet.max_row + 1):
        wxid = sheet.cell(row, 4).value
        if rename and wxid == rename[0]:
            sheet.cell(row, 1).value = rename[1]
        if group_nickname and wxid == group_nickname[0]:
            sheet.cell(row, 3).value = group_nickname[1]
    if drop:
        for row in range(5, sheet.max_row + 1):
            if sheet.cell(row, 4).value == drop:
                sheet.delete_rows(row)
                break
    if add:
        sheet.append(add)
    workbook.save(path)
    return path


def state_of(database, wxid: str) -> tuple[Member, Membership, list[tuple[str, datetime]]]:
    with database.session() as session:
        member = session.scalars(select(Member).where(Member.wxid == wxid)).one()
        membership = session.scalars(
            select(Membership).where(Membership.member_id == member.id)
        ).one()
        events = session.execute(
            select(MembershipEvent.kind, MembershipEvent.occurred_at)
            .where(MembershipEvent.member_id == member.id)
            .order_by(MembershipEvent.id)
        ).all()
        return member, membership, [tuple(e) for e in events]


def test_newer_group_export_updates_changes_and_records_join_and_leave(database, sample_copy):
    original = sample_copy(WEFLOW)
    import_file(database, original)
    newer = original.with_name("weflow_newer.xlsx")
    shutil.copyfile(original, newer)
    newer = edit_weflow(
        newer,
        rename=("wxid_sample0002bb", "小王同学"),
        group_nickname=("wxid_sample0006ff", "木子-5栋"),
        drop="wxid_sample0008hh",  # 晴天 left the group
        add=["新朋友", "", "新朋友-1栋", "wxid_sample0099zz", ""],
    )
    before = table_counts(database)
    plan, result = import_file(database, newer)
    assert counts_of(plan) == (1, 2, 17, 0, 0)
    assert (plan.counts.joined, plan.counts.left) == (1, 1)
    assert (result.joined, result.left) == (1, 1)
    changes = {
        r.nickname: {(c.field, c.old, c.new) for c in r.changes}
        for r in plan.rows
        if r.status == UPDATE
    }
    assert changes == {
        "小王同学": {("昵称", "小王", "小王同学")},
        "木子": {(f"群昵称（{GROUP1}）", "木子-2栋", "木子-5栋")},
    }
    (leave,) = plan.leaves
    assert (leave.nickname, leave.community, leave.occurred_at) == ("晴天", GROUP1, EXPORTED_AT)

    after = table_counts(database)
    assert after["members"] == before["members"] + 1
    assert after["membership_events"] == before["membership_events"] + 2
    assert after["group_nickname_history"] == before["group_nickname_history"] + 2  # 木子, 新朋友
    wang, _, _ = state_of(database, "wxid_sample0002bb")
    assert wang.nickname == "小王同学"
    assert wang.search_pinyin == "xiaowangtongxue" and wang.search_initials == "xwtx"
    assert wang.updated_at > wang.created_at
    _, sunny, events = state_of(database, "wxid_sample0008hh")
    assert sunny.left_at == EXPORTED_AT
    assert [kind for kind, _ in events] == ["join", "leave"]
    mu, _, _ = state_of(database, "wxid_sample0006ff")
    assert "木子-5栋" in mu.search_text and "木子-2栋" not in mu.search_text
    with database.session() as session:
        history = session.scalars(
            select(GroupNicknameHistory.nickname)
            .where(GroupNicknameHistory.member_id == mu.id)
            .order_by(GroupNicknameHistory.id)
        ).all()
    assert history == ["木子-2栋", "木子-5栋"]

    # The same newer export again: nothing.
    again, _ = import_file(database, newer)
    assert counts_of(again) == (0, 0, 20, 0, 0) and again.counts.left == 0

    # The old export again: 晴天 rejoins, 新朋友 leaves, 小王's nickname goes back.
    back, _ = import_file(database, original)
    assert counts_of(back) == (0, 3, 17, 0, 0)
    assert (back.counts.joined, back.counts.left) == (1, 1)
    assert [leave.nickname for leave in back.leaves] == ["新朋友"]
    _, sunny, events = state_of(database, "wxid_sample0008hh")
    assert sunny.left_at is None
    assert [kind for kind, _ in events] == ["join", "leave", "join"]


def test_wecom_json_rename_and_member_gone(database, sample_copy):
    path = sample_copy(WECOM_JSON)
    import_file(database, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    members = data[0]["group_chat"]["member_list"]
    members[3]["name"] = "小王王"  # 小王 renamed themself
    del members[4]  # Amy李 left group 1
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    plan, _ = import_file(database, path)
    assert counts_of(plan) == (0, 1, 32, 10, 0)
    assert [(x.nickname, x.community) for x in plan.leaves] == [("Amy李", GROUP1)]
    with database.session() as session:
        wang = session.scalars(
            select(Member).where(Member.unionid == "oSAMPLE0002unionidXXXXXXXXXXXX")
        ).one()
    assert wang.nickname == "小王王" and "xww" in wang.search_text


def test_tags_are_added_never_removed(database, sample_copy):
    path = sample_copy(LINKWECHAT)
    import_file(database, path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet.cell(2, 1).value == "🌸花花" and sheet.cell(3, 1).value == "小王"
    sheet.cell(2, 13).value = "新品试吃"
    sheet.cell(3, 13).value = ""  # no tags in this export: 小王 keeps 意向客户
    workbook.save(path)
    tags_before = table_counts(database)["tags"]
    plan, _ = import_file(database, path)
    flower = next(r for r in plan.rows if r.nickname == "🌸花花")
    assert flower.status == UPDATE
    assert ("标签", "", "+新品试吃") in {(c.field, c.old, c.new) for c in flower.changes}
    assert table_counts(database)["tags"] == tags_before + 1
    with database.session() as session:
        names = set(
            session.scalars(
                select(Tag.name)
                .join(MemberTag, MemberTag.tag_id == Tag.id)
                .join(Member, Member.id == MemberTag.member_id)
                .where(Member.nickname == "小王")
            )
        )
    assert names == {"意向客户"}


def test_cancel_during_apply_rolls_everything_back(database, samples):
    before = table_counts(database)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled), database.session() as session:
        plan = plan_import(session, samples / WECOM_JSON)
        apply_import(session, plan, cancelled=cancelled)
    assert table_counts(database) == before
    assert gc.isenabled()  # paused during the import, back on after it, cancelled or not


def test_a_plan_is_refused_after_the_database_changed(database, samples):
    with database.session() as session:
        plan = plan_import(session, samples / WEFLOW)
    import_file(database, samples / "itchat_群聊用户名单.xlsx")
    before = table_counts(database)
    with pytest.raises(UserError, match="重新预览"), database.session() as session:
        apply_import(session, plan)
    assert table_counts(database) == before
    assert gc.isenabled()


def test_a_plan_is_applied_once(database, samples):
    with database.session() as session:
        plan = plan_import(session, samples / WEFLOW)
        apply_import(session, plan)
    with pytest.raises(UserError, match="已经执行过"), database.session() as session:
        apply_import(session, plan)


def test_import_batch_records_the_file_and_the_counts(database, samples, monkeypatch):
    from db.models import ImportBatch

    monkeypatch.setenv("USER", "shop-owner")
    monkeypatch.setenv("LOGNAME", "shop-owner")
    _, result = import_file(database, samples / "linkwechat_客户信息表_1742265751000.xlsx")
    with database.session() as session:
        batch = session.get(ImportBatch, result.batch_id)
    assert batch.file_name == "linkwechat_客户信息表_1742265751000.xlsx"
    assert len(batch.file_sha256) == 64
    assert (batch.added, batch.updated, batch.unchanged, batch.linked, batch.rejected) == (
        25,
        0,
        0,
        1,
        1,
    )
    assert batch.operator == "shop-owner"


def test_operator_from_the_configuration(database, samples):
    from core.common.config import AppConfig, save_config
    from db.models import ImportBatch

    save_config(AppConfig(operator="店长小张"))
    _, result = import_file(database, samples / WEFLOW)
    with database.session() as session:
        assert session.get(ImportBatch, result.batch_id).operator == "店长小张"


def test_imported_members_get_their_levels_at_once(database, sample_copy):
    """A small group is in cold start: its newcomers start one level up, written with history."""
    from db.models import LevelChange

    path = sample_copy(WEFLOW)
    _plan, result = import_file(database, path)
    with database.session() as session:
        levels = session.scalars(
            select(Membership.level).where(
                Membership.community_id.in_(result.community_ids.values())
            )
        ).all()
        causes = set(session.scalars(select(LevelChange.cause)))
    assert levels and set(levels) == {"participant"}
    assert causes == {"promote"}


def test_gc_pause_nests_and_leaves_a_disabled_collector_disabled():
    from core.members.importing.plan import gc_paused

    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def import_with_levels(database, path):
    """Plan and import as the CLI and the window do; what the import and the levels did."""
    from core.workflows.member_import import import_members

    with database.session() as session:
        return import_members(session, plan_import(session, path))


def test_levels_are_recalculated_where_the_import_can_change_them(database, sample_copy):
    """Newcomers get their level at once; a list in which nobody joins or leaves recalculates
    nobody; a group that drops below the cold-start line lifts everyone still in it."""
    from dataclasses import replace

    from sqlalchemy import update

    from core.tiers import recompute
    from core.tiers.ladder import DEFAULT_LADDER, save_ladder

    original = sample_copy(WEFLOW)
    done = import_with_levels(database, original)
    (community_id,) = done.imported.community_ids.values()
    in_group = Membership.community_id == community_id
    with database.session() as session:
        everyone = set(session.scalars(select(Membership.member_id).where(in_group)))
        # The line at the group's size: out of cold start (levels as if judged so), until
        # one member leaves.
        save_ladder(
            session,
            replace(
                DEFAULT_LADDER, cold_start_members=recompute.community_sizes(session)[community_id]
            ),
        )
        session.execute(update(Membership).where(in_group).values(level="newcomer"))
    assert done.levels.member_ids == everyone

    assert import_with_levels(database, original).levels.member_ids == frozenset()

    newer = original.with_name("weflow_newer.xlsx")
    shutil.copyfile(original, newer)
    edit_weflow(newer, drop="wxid_sample0008hh")  # 晴天 left the group
    assert import_with_levels(database, newer).levels.member_ids == everyone
    with database.session() as session:
        levels = session.execute(
            select(Membership.level, Membership.left_at.is_(None)).where(in_group)
        ).all()
    assert {level for level, current in levels if current} == {"participant"}
    assert [level for level, current in levels if not current] == ["newcomer"]


def test_the_import_itself_returns_who_moved_and_leaves_levels_alone(database, sample_copy):
    """apply_import is the members' side only: it says who joined or left, and the levels are
    the workflow's next step (core.workflows.member_import)."""
    from db.models import LevelChange

    with database.session() as session:
        result = apply_import(session, plan_import(session, sample_copy(WEFLOW)))
    with database.session() as session:
        joined = set(session.scalars(select(Membership.member_id)))
        levels = set(session.scalars(select(Membership.level)))
        history = session.scalars(select(LevelChange)).all()
    assert result.moved_member_ids == joined and joined
    assert levels == {"newcomer"} and history == []


def _refuse_level_history(database) -> None:
    """A real failure in the levels step, after the import's own writes: the database
    refuses every row of level history."""
    from sqlalchemy import text

    with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_level_history() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON level_changes FOR EACH ROW "
                    "EXECUTE FUNCTION refuse_level_history()"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON level_changes "
                    "BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )


def test_when_the_levels_fail_nothing_of_the_import_is_written(database, sample_copy):
    """The import and its levels are one transaction, whichever way in (CLI or window)."""
    from sqlalchemy.exc import DBAPIError

    from core.workflows.member_import import import_members

    _refuse_level_history(database)
    before = table_counts(database)
    with database.session() as session:
        plan = plan_import(session, sample_copy(WEFLOW))
    with pytest.raises(DBAPIError, match="refused"), database.session() as session:
        import_members(session, plan)
    assert table_counts(database) == before


def test_an_import_whose_levels_failed_can_be_tried_again_from_the_same_preview(
    database, sample_copy
):
    """The levels step failed and everything rolled back: 导入 again imports (it must not say
    "already imported"), and an import that did commit still refuses a second run."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from core.workflows.member_import import import_members

    _refuse_level_history(database)
    with database.session() as session:
        plan = plan_import(session, sample_copy(WEFLOW))
    with pytest.raises(DBAPIError, match="refused"), database.session() as session:
        import_members(session, plan)
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "DROP TRIGGER refuse"
                + (" ON level_changes" if connection.dialect.name == "postgresql" else "")
            )
        )
    with database.session() as session:
        result = import_members(session, plan).imported
    assert result.added == plan.counts.added > 0
    for _ in range(2):
        with pytest.raises(UserError, match="已经执行过"), database.session() as session:
            import_members(session, plan)


def test_a_gender_change_is_previewed_in_words(database, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("昵称,手机号,性别\n小满,13800138000,\n", encoding="utf-8")
    import_file(database, first)
    female = tmp_path / "female.csv"
    female.write_text("昵称,手机号,性别\n小满,13800138000,女\n", encoding="utf-8")
    plan, _ = import_file(database, female)
    assert [(c.field, c.old, c.new) for c in plan.rows[0].changes] == [("性别", "", "女")]
    male = tmp_path / "male.csv"
    male.write_text("昵称,手机号,性别\n小满,13800138000,男\n", encoding="utf-8")
    plan, _ = import_file(database, male)
    assert [(c.field, c.old, c.new) for c in plan.rows[0].changes] == [("性别", "女", "男")]
