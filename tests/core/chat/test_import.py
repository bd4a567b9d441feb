"""The chat import against truth.json, on SQLite and PostgreSQL: senders, messages per sender,
edges (inviter, invitee, how, time), removals and renames reach the database from each
fixture; the two 小雨 are a question; importing twice (or an overlapping export) adds nothing
twice; hostile files are refused and change nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from core.chat.importing.plan import plan_chat_import
from core.common.errors import UserError
from core.workflows.chat_import import import_chats
from db.chat_models import ChatMessage, CommunityName
from db.models import ActivityEvent, Community, Member, Membership, MembershipEvent
from db.referral_models import ReferralEdge
from tests.core.chat import chat_helpers as h

TABLES = (Member, Membership, MembershipEvent, ActivityEvent, ChatMessage, CommunityName)


def run(database, path, **options):
    with database.session(write=True) as session:
        plan = plan_chat_import(session, path, create_communities=True, **options)
        done = import_chats(session, plan)
        session.commit()
    return plan, done


def counts(database) -> dict[str, int]:
    with database.session() as session:
        found = {
            table.__tablename__: session.scalar(select(func.count()).select_from(table))
            for table in (*TABLES, ReferralEdge, Community)
        }
    return found


def per_sender(database, community: str) -> dict[str, int]:
    """Messages per member, named by wxid (else nickname)."""
    with database.session() as session:
        rows = session.execute(
            select(Member.wxid, Member.external_userid, Member.nickname, func.count())
            .join(ChatMessage, ChatMessage.member_id == Member.id)
            .join(Community, Community.id == ChatMessage.community_id)
            .where(Community.name == community)
            .group_by(Member.id, Member.wxid, Member.external_userid, Member.nickname)
        )
        return {wxid or external or nickname: n for wxid, external, nickname, n in rows}


def edges(database) -> set[tuple]:
    with database.session() as session:
        inviter, invitee = Member.__table__.alias(), Member.__table__.alias()
        rows = session.execute(
            select(
                inviter.c.wxid,
                inviter.c.nickname,
                invitee.c.wxid,
                invitee.c.nickname,
                ReferralEdge.how,
                ReferralEdge.occurred_at,
                ReferralEdge.sources,
            )
            .join(inviter, inviter.c.id == ReferralEdge.inviter_id)
            .join(invitee, invitee.c.id == ReferralEdge.invitee_id)
        )
        return {
            (a or an, b or bn, how, at.strftime("%Y-%m-%d %H:%M:%S"), sources)
            for a, an, b, bn, how, at, sources in rows
        }


HOW = {"invite": "direct_invite", "qr": "group_qr", "link": "direct_invite"}
CHAT_HISTORY = 1 << 4  # db.referral_models.EDGE_SOURCES


def truth_edges(group: dict, *, by_name: set[str] = frozenset()) -> set[tuple]:
    """The edges a correct import writes; people in `by_name` are known only by name."""
    return {
        (
            e["inviter_name"] if e["inviter_name"] in by_name else e["inviter_wxid"],
            e["invitee_name"] if e["invitee_name"] in by_name else e["invitee_wxid"],
            HOW[e["how"]],
            e["time"],
            CHAT_HISTORY,
        )
        for e in group["referral_edges"]
    }


# Who the PC export can only name (never speaks, or speaks only as a wxid): their edge's
# invitee is a member known by that name.
G1_BY_NAME_ONLY = {"微商小赵", "张姐家老二", "楼下王阿姨"}


@pytest.mark.parametrize("fixture", ["wechatmsg", "chatlog_json", "chatlog_csv"])
def test_group1_reaches_the_database_as_truth_says(database, tmp_path, fixture):
    path = {
        "wechatmsg": lambda: h.WECHATMSG,
        "chatlog_json": lambda: h.write_chatlog_json(tmp_path / "chatlog.json"),
        "chatlog_csv": lambda: h.write_chatlog_csv(tmp_path / "chatlog.csv"),
    }[fixture]()
    group = h.truth()["group1"]
    # chatlog's CSV does not say which rows are mine: "你" is a question, answered here.
    answers = {"我": h.ME} if fixture == "chatlog_csv" else {}
    plan, done = run(database, path, answers=answers)
    [chat] = plan.chats
    assert chat.messages == group["sent_messages"]
    assert not chat.resolution.questions
    name = chat.community_name
    assert per_sender(database, name) == group["messages_per_sender"]
    by_name = G1_BY_NAME_ONLY if fixture == "wechatmsg" else set()
    assert edges(database) == truth_edges(group, by_name=by_name)
    with database.session() as session:
        [(removed, left_at)] = session.execute(
            select(Member.wxid, Membership.left_at)
            .join(Membership, Membership.member_id == Member.id)
            .where(Membership.left_at.is_not(None))
        ).all()
        [removal] = group["removals"]
        assert str(left_at) == removal["time"]
        assert removed == (None if fixture == "wechatmsg" else removal["removee_wxid"])
        [rename] = group["renames"]
        [(new_name, changed_at, by)] = session.execute(
            select(CommunityName.name, CommunityName.changed_at, Member.wxid).join(
                Member, Member.id == CommunityName.by_member_id
            )
        ).all()
        assert (new_name, str(changed_at), by) == (
            rename["new_name"],
            rename["time"],
            rename["by_wxid"],
        )
        kinds = Counter(session.scalars(select(ChatMessage.kind)))
        expected = Counter(group["messages_by_kind"])
        if fixture == "chatlog_csv":  # its CSV writes a 接龙 as "[分享]": the kind is lost
            expected["other"] = expected.pop("jielong")
        assert kinds == expected
        # Recalls and 拍一拍 are no activity: one record per message, nothing more.
        assert session.scalar(select(func.count()).select_from(ActivityEvent)) == chat.messages
    assert done.points_entries > 0  # the earn rules ran on the new activity


def test_group2_the_two_xiaoyu_are_a_question_until_answered(database):
    group = h.truth()["group2"]
    plan, _ = run(database, h.PYWXDUMP_DIR)
    [chat] = plan.chats
    [question] = chat.resolution.questions
    assert question.name == "小雨"
    assert sorted(answer for answer, _who in question.candidates) == [
        "wxid_sample0201",
        "wxid_sample0202",
    ]
    assert chat.community_name == "样例烘焙福利2群"  # from its rename: PyWxDump has no name
    per = per_sender(database, chat.community_name)
    assert per == group["messages_per_sender"]
    expected = truth_edges(group)
    xiaoyu = {e for e in expected if e[1] == "wxid_sample0201"}
    assert edges(database) == expected - xiaoyu
    before = counts(database)
    plan, done = run(database, h.PYWXDUMP_DIR, answers={"小雨": "wxid_sample0201"})
    assert not plan.chats[0].resolution.questions
    assert edges(database) == expected
    after = counts(database)
    assert after["referral_edges"] == before["referral_edges"] + 1
    assert done.imported.messages_added == 0 and done.imported.members_created == 0


def test_the_same_export_twice_and_an_overlapping_one_add_nothing_twice(database, tmp_path):
    rows = h.WECHATMSG.read_bytes().split(b"\r\n")
    header, body = rows[0], [r for r in rows[1:] if r]
    # Cut between records (a message may hold bare \n inside quotes, never \r\n).
    first = tmp_path / "a" / "样例烘焙福利1群_utf8.csv"
    later = tmp_path / "b" / "样例烘焙福利1群_utf8.csv"
    for path, part in ((first, body[:180]), (later, body[120:])):
        path.parent.mkdir()
        path.write_bytes(b"\r\n".join([header, *part, b""]))
    run(database, first)
    run(database, later)
    overlapped = counts(database)
    _, again = run(database, h.WECHATMSG)
    assert counts(database) == overlapped
    assert again.imported.messages_added == 0 and again.points_entries == 0
    assert overlapped["chat_messages"] == h.truth()["group1"]["sent_messages"]


def test_text_is_kept_only_when_asked(database):
    run(database, h.WECHATMSG)
    with database.session() as session:
        assert session.scalar(select(func.count()).where(ChatMessage.text.is_not(None))) == 0
        lengths = session.scalar(select(func.sum(ChatMessage.length)))
        assert lengths > 0
    run(database, h.PYWXDUMP_DIR, keep_text=True)
    with database.session() as session:
        kept = session.scalars(select(ChatMessage.text).where(ChatMessage.text.is_not(None)))
        assert len(list(kept)) > 50


def test_windows_copy_takes_its_day_and_names(database):
    copy = h.truth()["copy_txt"]
    with pytest.raises(UserError, match="--date"):
        run(database, h.COPY_WINDOWS)
    plan, _ = run(database, h.COPY_WINDOWS, community=None, day=date(2025, 3, 20))
    [chat] = plan.chats
    assert chat.messages == copy["messages"]
    assert per_sender(database, chat.community_name) == copy["per_name"]
    with database.session() as session:
        days = set(session.scalars(select(ChatMessage.sent_at)))
        assert {d.date() for d in days} == {date(2025, 3, 20)}


def test_wecom_archive_senders(database):
    wecom = h.truth()["wecom"]
    plan, _ = run(database, h.WECOM)
    assert sum(chat.messages for chat in plan.chats) == sum(wecom["sent_per_sender"].values())
    found: Counter = Counter()
    for chat in plan.chats:
        found.update(per_sender(database, chat.community_name))
    assert dict(found) == wecom["sent_per_sender"]


def test_a_community_is_created_only_when_confirmed(database):
    with database.session(write=True) as session:
        plan = plan_chat_import(session, h.WECHATMSG)
        assert [chat.matched_by for chat in plan.chats] == ["new"]
        with pytest.raises(UserError, match="没有对应的社群"):
            import_chats(session, plan)
        session.rollback()
    assert counts(database)["communities"] == 0


def test_an_existing_community_is_found_by_name_then_by_chat_id(database):
    from core.communities.registry import create_community, new_fields

    with database.session(write=True) as session:
        fields = new_fields(session)
        fields.name = "样例烘焙福利1群"
        create_community(session, fields)
        session.commit()
    plan, _ = run(database, h.WECHATMSG)
    assert plan.chats[0].matched_by == "name"
    plan, _ = run(database, h.PYWXDUMP_DIR)
    assert plan.chats[0].matched_by == "new"
    plan, _ = run(database, h.PYWXDUMP_DIR)
    assert plan.chats[0].matched_by == "chat_id"
    assert counts(database)["communities"] == 2


def _png(path):
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)


def _truncated_json(path):
    whole = h.write_chatlog_json(path.with_name("whole.json")).read_bytes()
    path.with_name("whole.json").unlink()
    path.write_bytes(whole[: len(whole) // 2])


def _wrong_encoding(path):
    path.write_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0x80, 0x00]) * 20_000)


@pytest.mark.parametrize(
    ("make", "reason"),
    [(_png, "PNG"), (_truncated_json, "不完整"), (_wrong_encoding, "编码|不是文本")],
)
def test_hostile_files_are_refused_and_change_nothing(database, tmp_path, make, reason):
    run(database, h.PYWXDUMP_DIR)
    before = counts(database)
    path = tmp_path / "聊天记录.json"
    make(path)
    with pytest.raises(UserError, match=reason) as caught:
        run(database, path)
    assert "\n" not in caught.value.message
    assert counts(database) == before


def test_a_10_mb_cell_is_listed_and_the_rest_imported(database, tmp_path):
    lines = h.WECHATMSG.read_bytes().split(b"\r\n")
    huge = b'19999,3,1,0,0,1740790000,3,"' + b"x" * (10 * 1024 * 1024) + b'",2025-03-01,a,a,wxid_x'
    path = tmp_path / "样例烘焙福利1群_utf8.csv"
    path.write_bytes(b"\r\n".join([*lines[:3], huge, *lines[3:]]))
    plan, done = run(database, path)
    [bad] = plan.chats[0].unreadable
    assert bad.line == 4 and "MB" in bad.reason
    assert done.imported.messages_added == h.truth()["group1"]["sent_messages"]


def test_times_are_local_china_time(database):
    run(database, h.WECHATMSG)
    with database.session() as session:
        first = session.scalar(select(func.min(ActivityEvent.occurred_at)))
    assert first.tzinfo is None and first >= datetime(2025, 3, 1)


def test_progress_reaches_the_end_and_cancel_changes_nothing(database):
    from core.common.progress import Cancelled

    run(database, h.PYWXDUMP_DIR)
    before = counts(database)
    seen: list[tuple[int, int]] = []
    with database.session(write=True) as session:
        plan = plan_chat_import(session, h.WECHATMSG, create_communities=True)
        with pytest.raises(Cancelled):
            import_chats(session, plan, cancelled=lambda: True)
        session.rollback()
    assert counts(database) == before
    with database.session(write=True) as session:
        plan = plan_chat_import(session, h.WECHATMSG, create_communities=True)
        import_chats(session, plan, progress=lambda done, total: seen.append((done, total)))
        session.commit()
    assert seen and seen[-1][0] == seen[-1][1] and seen == sorted(seen)


@pytest.mark.parametrize("fixture", ["pywxdump_json", "weflow"])
def test_group2_from_its_other_formats(database, tmp_path, fixture):
    group = h.truth()["group2"]
    if fixture == "weflow":
        path = h.write_weflow_json(tmp_path / "weflow.json")
    else:
        path = h.write_pywxdump_json(tmp_path / "export")
    plan, _ = run(database, path, answers={"小雨": "wxid_sample0201"})
    [chat] = plan.chats
    assert per_sender(database, chat.community_name) == group["messages_per_sender"]
    # WeFlow shows senders by my remark only (刘姐 团长): the join message's nickname
    # 小区团长刘姐 can't be tied to her wxid, so that inviter is a member known by name.
    by_name = {"小区团长刘姐"} if fixture == "weflow" else set()
    assert edges(database) == truth_edges(group, by_name=by_name)
