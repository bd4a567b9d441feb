"""Each exporter's file read into the neutral stream reproduces truth.json: senders (by wxid),
messages per sender, kinds, join edges (inviter, invitee, how, time), removals, renames, recalls
and 拍一拍 — from the fixtures, and from the formats rendered in chat_helpers."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from core.chat import model as m
from core.chat.detect import open_chats
from core.common.errors import UserError
from tests.core.chat import chat_helpers as h

TRUTH = h.truth()
PEOPLE = TRUTH["people"]


def edges_by_name(stream) -> list[tuple]:
    return [
        (h.moment(e), h.name_of(e.inviter, PEOPLE), h.name_of(e.invitee, PEOPLE), e.how)
        for e in stream
        if isinstance(e, m.Join)
    ]


def truth_edges_by_name(group: str) -> list[tuple]:
    return [
        (e["time"], e["inviter_name"], e["invitee_name"], e["how"])
        for e in TRUTH[group]["referral_edges"]
    ]


def truth_edges_by_wxid(group: str) -> list[tuple]:
    return [
        (e["time"], e["inviter_wxid"], e["invitee_wxid"], e["how"])
        for e in TRUTH[group]["referral_edges"]
    ]


def check_group1_messages(stream) -> None:
    g1 = TRUTH["group1"]
    assert not [e for e in stream if isinstance(e, m.Unreadable)]
    assert len(h.messages(stream)) == g1["sent_messages"]
    assert len(h.per_sender(stream)) == g1["distinct_senders"]
    assert h.per_sender(stream) == g1["messages_per_sender"]
    assert [e.kind for e in h.messages(stream) if e.kind == m.JIELONG]
    jielong = [e.sender.wxid for e in h.messages(stream) if e.kind == m.JIELONG]
    assert jielong == g1["jielong"]["participants_in_order"]
    days = Counter(e.time.strftime("%Y-%m-%d") for e in h.messages(stream))
    assert dict(days) == g1["messages_per_day"]


# ------------------------------------------------------------------------------ group 1


def test_wechatmsg_csv_reproduces_group_1():
    found = open_chats(h.WECHATMSG)
    [export] = found.chats
    assert export.chat.format == "wechatmsg_csv"
    assert export.chat.name == "样例烘焙福利1群"
    stream = list(export.events())
    check_group1_messages(stream)
    g1 = TRUTH["group1"]
    assert h.by_kind(stream) == g1["messages_by_kind"]
    # System texts name people by nickname only: the edges are compared by name.
    assert edges_by_name(stream) == truth_edges_by_name("group1")
    removals = [
        (h.moment(e), h.name_of(e.by, PEOPLE), e.removed.nickname)
        for e in stream
        if isinstance(e, m.Removal)
    ]
    assert removals == [
        (r["time"], PEOPLE[r["remover_wxid"]]["nickname"], r["removee_name"])
        for r in g1["removals"]
    ]
    renames = [(h.moment(e), e.by.nickname, e.new_name) for e in stream if isinstance(e, m.Rename)]
    assert renames == [
        (r["time"], PEOPLE[r["by_wxid"]]["nickname"], r["new_name"]) for r in g1["renames"]
    ]
    recalls = [(h.moment(e), h.name_of(e.by, PEOPLE)) for e in stream if isinstance(e, m.Recall)]
    assert recalls == [(r["time"], PEOPLE[r["by_wxid"]]["nickname"]) for r in g1["recalls"]]
    pats = [
        (h.moment(e), h.name_of(e.by, PEOPLE), h.name_of(e.target, PEOPLE))
        for e in stream
        if isinstance(e, m.Pat)
    ]
    assert pats == [
        (p["time"], PEOPLE[p["patter_wxid"]]["nickname"], PEOPLE[p["patted_wxid"]]["nickname"])
        for p in g1["pats"]
    ]
    claims = [h.name_of(e.claimer, PEOPLE) for e in stream if isinstance(e, m.RedPacketClaim)]
    expected = [
        PEOPLE[w]["nickname"] for p in g1["red_packets"] for w in p["claims_visible_in_export"]
    ]
    assert sorted(claims) == sorted(expected)
    [not_friends] = [e for e in stream if isinstance(e, m.Notice) and e.about]
    assert not_friends.about.nickname == "微商小赵"
    # Nothing is invented: no leave events, and every system row became one event or more.
    assert not any(isinstance(e, m.Notice) and e.about is None for e in stream)


def test_wechatmsg_names_remark_and_former_members():
    stream = list(open_chats(h.WECHATMSG).chats[0].events())
    senders = {e.sender.wxid: e.sender for e in h.messages(stream)}
    # the sanitised remark stays (it is the only form the export has); a plain nickname is no remark
    assert senders["wxid_sample0001"].remark == "王师傅_13800001234"
    assert senders["wxid_sample0001"].nickname == "烘焙小王"
    assert senders["wxid_sample0005"].remark is None
    assert senders["wxid_sample0007"].nickname == "Sunny 阳光."
    assert senders["wxid_sample0007"].remark is None  # "Sunny_阳光_" is the nickname made safe
    # left/removed strangers: the wxid only
    assert senders["wxid_sample0002"] == m.Person(wxid="wxid_sample0002")
    assert senders[h.ME].is_self
    times = [e.time for e in stream]
    assert all(t.utcoffset().total_seconds() == 8 * 3600 for t in times)


def test_chatlog_json_reproduces_group_1_with_wxids(tmp_path):
    found = open_chats(h.write_chatlog_json(tmp_path / "chatlog_45890012345@chatroom.json"))
    [export] = found.chats
    assert export.chat == m.Chat(
        format="chatlog_json", id=h.GROUP1, name="样例烘焙福利1群", is_group=True
    )
    stream = list(export.events())
    check_group1_messages(stream)
    kinds = dict(TRUTH["group1"]["messages_by_kind"])
    assert h.by_kind(stream) == kinds
    # 4.x system messages carry nickname(wxid): every edge has both wxids, even for members
    # who never speak and the one who was no contact.
    edges = [
        (
            h.moment(e),
            e.inviter.wxid or (h.ME if e.inviter.is_self else None),
            e.invitee.wxid,
            e.how,
        )
        for e in stream
        if isinstance(e, m.Join)
    ]
    assert edges == truth_edges_by_wxid("group1")
    [removal] = [e for e in stream if isinstance(e, m.Removal)]
    assert (removal.removed.wxid, removal.by.is_self) == ("wxid_sample0112", True)
    pats = [(h.moment(e), e.by.wxid, e.target.wxid) for e in stream if isinstance(e, m.Pat)]
    assert pats == [
        (p["time"], p["patter_wxid"], p["patted_wxid"]) for p in TRUTH["group1"]["pats"]
    ]
    # red-packet claims are lost by chatlog (content ""): kept as notices saying so
    lost = [e for e in stream if isinstance(e, m.Notice) and e.reason]
    assert len(lost) == 10
    senders = {e.sender.wxid: e.sender for e in h.messages(stream)}
    assert senders["wxid_sample0102"].display == "Lily(三年级家长)"  # 群昵称 first


def test_chatlog_csv_reproduces_group_1(tmp_path):
    [export] = open_chats(h.write_chatlog_csv(tmp_path / "chatlog.csv")).chats
    assert (export.chat.format, export.chat.id) == ("chatlog_csv", h.GROUP1)
    stream = list(export.events())
    assert not [e for e in stream if isinstance(e, m.Unreadable)]
    assert h.per_sender(stream) == TRUTH["group1"]["messages_per_sender"]
    kinds = dict(TRUTH["group1"]["messages_by_kind"])
    kinds["other"] = kinds.pop("jielong")  # chatlog's CSV writes 接龙 as "[分享]"
    assert h.by_kind(stream) == kinds
    edges = [
        (
            h.moment(e),
            e.inviter.wxid or (h.ME if e.inviter.is_self else None),
            e.invitee.wxid,
            e.how,
        )
        for e in stream
        if isinstance(e, m.Join)
    ]
    assert edges == truth_edges_by_wxid("group1")
    assert len([e for e in stream if isinstance(e, m.Pat)]) == 2


# ------------------------------------------------------------------------------ group 2


def check_group2(stream, *, red_packet_kind: str) -> None:
    g2 = TRUTH["group2"]
    assert not [e for e in stream if isinstance(e, m.Unreadable)]
    assert h.per_sender(stream) == g2["messages_per_sender"]
    assert len(h.per_sender(stream)) == g2["distinct_senders"]
    kinds = dict(g2["messages_by_kind"])
    kinds[red_packet_kind] = kinds.pop("redpacket")
    assert h.by_kind(stream) == kinds
    renames = [(h.moment(e), e.by.is_self, e.new_name) for e in stream if isinstance(e, m.Rename)]
    assert renames == [(r["time"], True, r["new_name"]) for r in g2["renames"]]
    assert not [e for e in stream if isinstance(e, m.Removal)]
    jielong = [e.sender.wxid for e in h.messages(stream) if e.kind == m.JIELONG]
    assert jielong == g2["jielong"]["participants_in_order"]


def test_pywxdump_csv_reproduces_group_2_and_its_two_xiaoyu():
    [export] = open_chats(h.PYWXDUMP).chats
    assert export.chat == m.Chat(format="pywxdump_csv", id=h.GROUP2, is_group=True, self_wxid=h.ME)
    stream = list(export.events())
    # PyWxDump has no name for a red packet ("未知"): the message counts, its kind is unknown
    check_group2(stream, red_packet_kind="other")
    assert edges_by_name(stream) == truth_edges_by_name("group2")
    # two members nicknamed 小雨 are two senders, told apart by wxid
    xiaoyu = {e.sender.wxid for e in h.messages(stream) if e.sender.nickname == "小雨"}
    assert xiaoyu == {"wxid_sample0201", "wxid_sample0202"}
    # …while the join names "小雨" only: the reader does not guess which
    [join] = [e for e in stream if isinstance(e, m.Join) and e.invitee.nickname == "小雨"]
    assert join.invitee.wxid is None
    senders = {e.sender.wxid: e.sender for e in h.messages(stream)}
    assert senders["wxid_sample0011"].remark == "刘姐 团长"  # users.json
    quotes = [e for e in h.messages(stream) if e.kind == m.QUOTE]
    assert len(quotes) == 8 and all(q.quoted and q.quoted.display for q in quotes)
    [recall] = [e for e in stream if isinstance(e, m.Recall)]
    assert (h.moment(recall), recall.by.nickname) == ("2025-03-20 10:10:10", "面点王师傅")


def test_pywxdump_json_reads_like_its_csv(tmp_path):
    path = h.write_pywxdump_json(tmp_path)
    [export] = open_chats(path).chats
    assert (export.chat.format, export.chat.id, export.chat.self_wxid) == (
        "pywxdump_json",
        h.GROUP2,
        h.ME,
    )
    stream = list(export.events())
    check_group2(stream, red_packet_kind="other")
    assert edges_by_name(stream) == truth_edges_by_name("group2")
    csv_stream = list(open_chats(h.PYWXDUMP).chats[0].events())
    assert [(type(e), e.time) for e in stream] == [(type(e), e.time) for e in csv_stream]


def test_weflow_json_reproduces_group_2(tmp_path):
    [export] = open_chats(h.write_weflow_json(tmp_path / "样例烘焙福利2群.json")).chats
    assert export.chat == m.Chat(
        format="weflow_json", id=h.GROUP2, name="样例烘焙福利2群", is_group=True
    )
    stream = list(export.events())
    check_group2(stream, red_packet_kind="redpacket")  # 4.x local_type keeps 2001
    assert edges_by_name(stream) == truth_edges_by_name("group2")
    assert len([e for e in stream if isinstance(e, m.Pat)]) == 1


def test_weflow_unfilled_join_template_is_a_notice_with_its_reason(tmp_path):
    path = h.write_weflow_json(tmp_path / "w.json")
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '"\\"小区团长刘姐\\"邀请\\"邻居张姐\\"加入了群聊"',
            '"\\"$username$\\"邀请\\"$names$\\"加入了群聊"',
        ),
        encoding="utf-8",
    )
    stream = list(open_chats(path).chats[0].events())
    assert len([e for e in stream if isinstance(e, m.Join)]) == 7
    [lost] = [e for e in stream if isinstance(e, m.Notice) and e.reason]
    assert "$names$" in lost.text and "没有被导出工具填入" in lost.reason


# ------------------------------------------------------------------------------ copied text


def test_windows_copy_needs_the_day_and_counts_per_name():
    with pytest.raises(UserError, match="--date"):
        open_chats(h.COPY_WINDOWS)
    [export] = open_chats(h.COPY_WINDOWS, day=date(2025, 3, 20)).chats
    stream = list(export.events())
    assert not [e for e in stream if isinstance(e, m.Unreadable)]
    names = Counter(e.sender.display for e in h.messages(stream))
    assert dict(names) == TRUTH["copy_txt"]["per_name"]
    assert len(h.messages(stream)) == TRUTH["copy_txt"]["messages"]
    assert {(e.time.isoformat(), e.precision) for e in stream} == {
        ("2025-03-20T00:00:00+08:00", m.DAY)
    }
    assert Counter(e.kind for e in h.messages(stream))[m.EMOJI] >= 1


def test_mac_copy_keeps_the_minute(tmp_path):
    [export] = open_chats(h.write_copy_mac(tmp_path / "copied.txt")).chats
    assert export.chat.format == "copy_mac"
    stream = list(export.events())
    names = Counter(e.sender.display for e in h.messages(stream))
    assert dict(names) == TRUTH["copy_txt"]["per_name"]
    first = h.messages(stream)[0]
    assert (first.time.isoformat(), first.precision) == ("2025-03-20T07:16:00+08:00", m.MINUTE)
    assert "\n\n" not in first.text and first.length == len(first.text)


# ------------------------------------------------------------------------------ WeCom


def test_wecom_archive_per_sender_and_recalls():
    found = open_chats(h.WECOM)
    [export] = found.chats
    assert (export.chat.format, export.chat.id) == (
        "wecom_jsonl",
        "wrSAMPLEqDgAAxk2VbGs7Ec1pZtfYyQAAA",
    )
    stream = list(export.events())
    assert h.per_sender(stream) == TRUTH["wecom"]["sent_per_sender"]
    assert len([e for e in stream if isinstance(e, m.Recall)]) == TRUTH["wecom"]["recalls"]
    assert not [e for e in stream if isinstance(e, m.Join)]  # the archive has none
    assert all(e.source_id for e in stream)


def test_wecom_archive_with_two_rooms_and_a_private_line(tmp_path):
    lines = h.WECOM.read_text(encoding="utf-8").splitlines()
    other = lines[0].replace("wrSAMPLEqDgAAxk2VbGs7Ec1pZtfYyQAAA", "wrOTHER")
    private = lines[1].replace('"wrSAMPLEqDgAAxk2VbGs7Ec1pZtfYyQAAA"', '""')
    path = tmp_path / "chatdata.jsonl"
    path.write_text("\n".join([*lines, other, private, "{not json"]) + "\n", encoding="utf-8")
    chats = open_chats(path).chats
    assert [(c.chat.id, c.chat.is_group) for c in chats] == [
        ("wrSAMPLEqDgAAxk2VbGs7Ec1pZtfYyQAAA", True),
        ("wrOTHER", True),
        (None, False),
    ]
    assert len(h.messages(chats[1].events())) == 1
    private_stream = list(chats[2].events())
    assert len(h.messages(private_stream)) == 1
    [bad] = [e for e in private_stream if isinstance(e, m.Unreadable)]
    assert bad.line == len(lines) + 3
