"""What the import window needs of the chat core: a name that fits two members may be a third
person (the answer 「新成员」 makes it a new member of the group, offered beside each
candidate), and whether a file needs the day asked before it can be read."""

from __future__ import annotations

from sqlalchemy import func, select

from core.chat.importing.people import NEW_MEMBER
from core.chat.importing.plan import plan_chat_import
from core.workflows.chat_import import import_chats
from db.models import Member
from db.referral_models import ReferralEdge
from tests.core.chat import chat_helpers as h


def run(database, path, **options):
    with database.session(write=True) as session:
        plan = plan_chat_import(session, path, create_communities=True, **options)
        done = import_chats(session, plan)
        session.commit()
    plan.close()
    return plan, done


def test_the_answer_new_member_creates_a_third_xiaoyu(database):
    plan, _ = run(database, h.PYWXDUMP_DIR, answers={"小雨": NEW_MEMBER})
    [chat] = plan.chats
    assert not chat.resolution.questions
    assert [n.nickname for n in chat.resolution.new_members].count("小雨") == 3
    with database.session() as session:
        xiaoyu = session.execute(select(Member.id, Member.wxid).where(Member.nickname == "小雨"))
        by_wxid = {wxid: member_id for member_id, wxid in xiaoyu}
        assert set(by_wxid) == {"wxid_sample0201", "wxid_sample0202", None}
        invitees = set(session.scalars(select(ReferralEdge.invitee_id)))
        assert by_wxid[None] in invitees  # 宝妈团团 invited the third one
        assert by_wxid["wxid_sample0201"] not in invitees
        assert session.scalar(select(func.count()).select_from(Member)) == 18


def test_the_window_asks_for_a_day_only_for_text_copied_on_windows(tmp_path):
    import pytest

    from core.chat.detect import needs_day
    from core.common.errors import UserError

    assert needs_day(h.COPY_WINDOWS)
    assert not needs_day(h.WECHATMSG) and not needs_day(h.PYWXDUMP_DIR)
    picture = tmp_path / "聊天.txt"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(UserError, match="PNG"):
        needs_day(picture)


def test_a_folder_of_two_groups_sharing_people_makes_each_person_once(database, tmp_path):
    """The window imports a tool's whole export: people in both groups are one member each,
    in both communities (the plan of the second group was made before the first was written)."""
    import shutil

    from db.models import Membership

    folder = tmp_path / "导出"
    shutil.copytree(h.SAMPLES / "wechatmsg_v2.0.5", folder / "wechatmsg")
    shutil.copytree(h.SAMPLES / "pywxdump_v3.1.45", folder / "pywxdump")
    run(database, folder)
    shared = set(h.truth()["cross_group"]["members_in_both"])
    with database.session() as session:
        per_wxid = dict(
            session.execute(
                select(Member.wxid, func.count())
                .where(Member.wxid.is_not(None))
                .group_by(Member.wxid)
            ).all()
        )
        groups = dict(
            session.execute(
                select(Member.wxid, func.count(Membership.community_id))
                .join(Membership, Membership.member_id == Member.id)
                .where(Member.wxid.in_(shared))
                .group_by(Member.wxid)
            ).all()
        )
    assert {wxid: n for wxid, n in per_wxid.items() if n > 1} == {}
    assert groups == dict.fromkeys(shared, 2)


def test_a_chat_of_a_folder_goes_to_the_community_chosen_for_it(database, tmp_path):
    import shutil

    from core.chat.importing.plan import chat_key
    from core.communities.registry import create_community, new_fields

    with database.session(write=True) as session:
        fields = new_fields(session)
        fields.name = "烘焙2群"
        create_community(session, fields)
    folder = tmp_path / "导出"
    shutil.copytree(h.SAMPLES / "wechatmsg_v2.0.5", folder / "wechatmsg")
    shutil.copytree(h.SAMPLES / "pywxdump_v3.1.45", folder / "pywxdump")
    with database.session() as session:
        plan = plan_chat_import(session, folder, chosen={h.GROUP2: "烘焙2群"})
        plan.close()
    found = {chat_key(chat.export): (chat.community_name, chat.matched_by) for chat in plan.chats}
    assert found[h.GROUP2] == ("烘焙2群", "given")
    assert sorted(found.values())[0] == ("样例烘焙福利1群", "new")
