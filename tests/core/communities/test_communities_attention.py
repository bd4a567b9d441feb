"""The 需要处理 list: each warning at the edge of its threshold, from the settings."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from core.common.settings_store import set_setting
from core.communities.attention import GroupState, warnings_for
from core.communities.limits import Limits
from core.communities.listing import attention_list, list_communities
from core.communities.qr import attach_qr
from core.communities.registry import delete_community, set_archived
from db.models import Member, Membership
from tests.core.communities import qr_images
from tests.core.communities.builders import add_community, add_member, fill, join

TODAY = date(2026, 11, 25)
LIMITS = Limits(
    qr_valid_days={"wechat": 7, "wecom": None, "qq": None, "other": None},
    qr_remind_days_left=1,
    scan_cap=200,
    scan_warn_at=180,
    member_cap=500,
    member_warn_at=480,
)


def state(members=10, *, platform="wechat", has_qr=True, generated=TODAY, valid=None, caps=None):
    member_cap, scan_cap = caps or (500, 200)
    return GroupState(
        1,
        "烘焙群",
        platform,
        members,
        member_cap,
        scan_cap,
        has_qr,
        generated if has_qr else None,
        valid,
    )


def kinds(group: GroupState, limits: Limits = LIMITS) -> list[str]:
    return [w.kind for w in warnings_for(group, limits, TODAY)]


@pytest.mark.parametrize(
    ("generated", "expected"),
    [
        (date(2026, 11, 20), []),  # 2 days left
        (date(2026, 11, 19), ["qr_expiring"]),  # 1 day left
        (date(2026, 11, 18), ["qr_expired"]),  # 0: expires today
        (date(2026, 10, 1), ["qr_expired"]),
    ],
)
def test_qr_expiry_edges(generated, expected):
    assert kinds(state(generated=generated)) == expected


def test_remind_days_come_from_the_settings():
    limits = Limits(**{**LIMITS.__dict__, "qr_remind_days_left": 2})
    assert kinds(state(generated=date(2026, 11, 20)), limits) == ["qr_expiring"]


def test_wecom_codes_never_expire_unless_the_community_says_so():
    assert kinds(state(platform="wecom", generated=date(2025, 1, 1))) == []
    assert kinds(state(platform="wecom", generated=date(2026, 11, 1), valid=30)) == []
    assert kinds(state(platform="wecom", generated=date(2026, 10, 1), valid=30)) == ["qr_expired"]


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        (179, []),
        (180, ["scan_cap"]),
        (199, ["scan_cap"]),
        (200, ["scan_cap"]),  # scan-in closed: the QR no longer matters
        (479, ["scan_cap"]),
        (480, ["member_cap"]),  # one capacity warning: the more pressing one
        (500, ["member_cap"]),
    ],
)
def test_capacity_edges(members, expected):
    # The QR expired days ago: it is reported only while people can still scan in.
    warnings = kinds(state(members, generated=date(2026, 11, 1)))
    qr = ["qr_expired"] if members < 200 else []
    assert warnings == expected + qr


def test_capacity_messages_say_how_many_places_are_left():
    (scan,) = warnings_for(state(185), LIMITS, TODAY)
    assert "185" in scan.message and "15" in scan.message
    (member,) = warnings_for(state(490), LIMITS, TODAY)
    assert "10 个名额" in member.message
    (full,) = warnings_for(state(500), LIMITS, TODAY)
    assert "群已满" in full.message


def test_thresholds_follow_the_communitys_own_caps():
    # A 2000-member group with a 300 scan cap: warned 20 places before each (the settings' margin).
    assert kinds(state(279, caps=(2000, 300))) == []
    assert kinds(state(280, caps=(2000, 300))) == ["scan_cap"]
    assert kinds(state(1979, caps=(2000, 300))) == ["scan_cap"]
    assert kinds(state(1980, caps=(2000, 300))) == ["member_cap"]


def test_scan_cap_only_for_wechat_and_wecom():
    assert kinds(state(190, platform="qq")) == []
    assert kinds(state(190, platform="wecom")) == ["scan_cap"]
    assert kinds(state(490, platform="qq")) == ["member_cap"]


def test_missing_qr_only_for_personal_wechat_groups():
    assert kinds(state(has_qr=False)) == ["qr_missing"]
    assert kinds(state(has_qr=False, platform="wecom")) == []
    assert kinds(state(250, has_qr=False)) == ["scan_cap"]


def test_attention_list_from_the_database_uses_the_settings(database):
    with database.session() as session:
        set_setting(session, "wechat.scan_warn_at", 5)  # warn 195 places before 200
        expiring = add_community(session, "A 快过期群")
        attach_qr(session, expiring, qr_images.qr_png(), date(2026, 11, 19), today=TODAY)
        busy = add_community(session, "B 人多群")
        fill(session, busy, 5, datetime(2026, 10, 1))
        add_community(session, "C 没二维码群")
        wecom = add_community(session, "D 企微群", platform="wecom")
        attach_qr(session, wecom, qr_images.qr_png(), date(2025, 1, 1), today=TODAY)
        archived = add_community(session, "E 归档群")
        set_archived(session, archived, True)
        trashed = add_community(session, "F 回收站群")
        join(session, add_member(session, "甲"), trashed, datetime(2026, 10, 1))
        delete_community(session, trashed)
    with database.session() as session:
        items = attention_list(session, today=TODAY)
        listed = {r.name: [w.kind for w in r.warnings] for r in list_communities(session)}
    assert [(i.kind, i.community_name) for i in items] == [
        ("qr_expiring", "A 快过期群"),
        ("scan_cap", "B 人多群"),
        ("qr_missing", "B 人多群"),
        ("qr_missing", "C 没二维码群"),
    ]
    assert listed["D 企微群"] == []


def test_merged_and_departed_members_do_not_count(database):
    with database.session() as session:
        community_id = add_community(session)
        ids = fill(session, community_id, 181, datetime(2026, 10, 1))
    with database.session() as session:
        (row,) = list_communities(session, today=TODAY)
        assert row.members == 181
        session.get(Member, ids[0]).merged_into_id = ids[1]
        session.scalars(
            select(Membership).where(Membership.member_id == ids[2])
        ).one().left_at = datetime(2026, 11, 1)
    with database.session() as session:
        (row,) = list_communities(session, today=TODAY)
        assert row.members == 179
        assert [w.kind for w in row.warnings] == ["qr_missing"]


def test_warnings_carry_their_figures():
    (scan,) = warnings_for(state(185), LIMITS, TODAY)
    assert (scan.members, scan.cap, scan.cap_reached) == (185, 200, False)
    (full,) = warnings_for(state(500), LIMITS, TODAY)
    assert (full.cap, full.cap_reached) == (500, True)
    (expiring,) = warnings_for(state(generated=date(2026, 11, 19)), LIMITS, TODAY)
    assert (expiring.days_left, expiring.expires_on) == (1, date(2026, 11, 26))


def test_new_records_take_their_caps_from_the_settings(database):
    from core.communities.registry import new_fields

    with database.session() as session:
        set_setting(session, "wechat.member_cap", 450)
        fields = new_fields(session)
    assert (fields.name, fields.member_cap, fields.scan_cap) == ("", 450, 200)


def test_a_group_past_the_scan_cap_shows_it_but_needs_no_action(database):
    with database.session() as session:
        grown = add_community(session, "老客户大群")
        fill(session, grown, 230, datetime(2026, 10, 1))
        nearly = add_community(session, "快满 200 群")
        fill(session, nearly, 185, datetime(2026, 10, 1))
        attach_qr(session, nearly, qr_images.qr_png(), date(2026, 11, 20), today=TODAY)
    with database.session() as session:
        rows = {r.name: r for r in list_communities(session, today=TODAY)}
        items = attention_list(session, today=TODAY)
    (status,) = rows["老客户大群"].warnings
    assert (status.kind, status.cap_reached, status.actionable) == ("scan_cap", True, False)
    assert [(i.kind, i.community_name) for i in items] == [("scan_cap", "快满 200 群")]
