"""The one member-name matcher (接龙 paste, activity import, later chat import): the best strength
wins, a tie at that strength is a question, nothing weaker is consulted once something matched."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from core.members.lookup import live_members_by_id, members_by_phone, members_by_wechat_id
from core.members.name_match import (
    BARE,
    EXACT,
    LETTERS,
    PINYIN,
    MemberNames,
    community_member_names,
    match_keys_of,
    name_keys,
)
from db.models import Member, Membership
from tests.core.tiers.helpers import community, member

XIUYUN, JIHUI, WANG, WANG_FLOWER, LILY, FAN = 1, 2, 3, 4, 5, 6


def names() -> MemberNames:
    index = MemberNames()
    # Issue 15: A_季辉's group nickname is 张秀云; another member is called exactly 张秀云🍀.
    index.add(XIUYUN, nickname="张秀云🍀", group_nickname="")
    index.add(JIHUI, nickname="A_季辉", group_nickname="张秀云")
    index.add(WANG, nickname="老王")
    index.add(WANG_FLOWER, nickname="老王🌸")
    index.add(LILY, nickname="Lily")
    index.add(FAN, nickname="张小凡", pinyin="zhangxiaofan")
    return index


def test_an_exact_name_wins_over_a_partial_one():
    found = names().match("张秀云🍀")
    assert (found.member_id, found.strength, found.how) == (XIUYUN, EXACT, "nickname")
    assert found.exact and not found.ambiguous
    # And the other way round: 张秀云 is exactly A_季辉's group nickname.
    found = names().match("张秀云")
    assert (found.member_id, found.strength, found.how) == (JIHUI, EXACT, "group_nickname")


def test_a_match_is_as_weak_as_its_weaker_side():
    index = MemberNames()
    index.add(XIUYUN, nickname="张秀云🍀")
    found = index.match("张秀云")  # written without the clover
    assert (found.member_id, found.strength) == (XIUYUN, LETTERS)
    assert not found.exact


def test_two_members_at_the_best_strength_are_a_question():
    index = MemberNames()
    index.add(10, nickname="小王", group_nickname="王总")
    index.add(11, nickname="王小二", group_nickname="小王")
    index.add(12, nickname="小王🌸")  # only a LETTERS match: not a candidate
    found = index.match("小王")
    assert found.ambiguous and found.member_id is None
    assert (found.member_ids, found.strength) == ((10, 11), EXACT)
    assert index.candidates(found.member_ids) == [(10, "小王"), (11, "王小二")]
    # Two partial readings, nothing exact: a question too.
    found = index.match("小王🍀")
    assert found.member_ids == (10, 11, 12) and found.strength == LETTERS


def test_brackets_before_emoji_before_pinyin():
    found = names().match("老王（健身）")
    assert (found.member_id, found.strength) == (WANG, BARE)  # not 老王🌸 (LETTERS)
    found = names().match("🌸Lily🌸")
    assert (found.member_id, found.strength, found.how) == (LILY, LETTERS, "nickname")
    found = names().match("张小帆")  # sounds like 张小凡; no name key fits
    assert (found.member_id, found.strength, found.how) == (FAN, PINYIN, "pinyin")
    assert names().match("路人甲").member_ids == ()


def test_nickname_group_nickname_and_remark_weigh_the_same():
    index = MemberNames()
    index.add(20, nickname="阿花", remark="花姐")
    index.add(21, nickname="花花", group_nickname="花姐")
    assert index.match("花姐").member_ids == (20, 21)
    assert index.display == {20: "花姐", 21: "花花"}


def test_keys_keep_the_old_order_and_carry_their_strength():
    assert name_keys("老王（健身）🌸") == {
        "老王(健身)🌸": EXACT,
        "老王🌸": BARE,
        "老王健身": LETTERS,
        "老王": LETTERS,
    }
    assert match_keys_of("Ｌｉｌｙ") == ("lily",)


def test_a_wechat_id_matches_exactly_or_not_at_all():
    index = MemberNames()
    index.add(XIUYUN, nickname="张秀云", wechat_id="zhang_xiuyun")
    index.add(JIHUI, nickname="zhangxiuyun🌸")
    found = index.match("zhang_xiuyun")
    assert (found.member_id, found.strength, found.how) == (XIUYUN, EXACT, "wechat_id")
    found = index.match("ｚｈａｎｇ_ｘｉｕｙｕｎ ")  # full width, a trailing space: the same id
    assert (found.member_id, found.how) == (XIUYUN, "wechat_id")
    # Without its underscore it is no 微信号 of anyone: only JIHUI's nickname, loosely.
    found = index.match("zhangxiuyun")
    assert (found.member_ids, found.strength) == ((JIHUI,), LETTERS)


def test_an_exact_wechat_id_wins_over_a_partial_nickname():
    index = MemberNames()
    index.add(10, nickname="老王", wechat_id="laowang")
    index.add(11, nickname="老王🌸")
    index.add(12, nickname="LaoWang🍀")  # the same letters once the emoji goes: LETTERS only
    found = index.match("laowang")
    assert (found.member_ids, found.strength) == ((10,), EXACT)


# ----- on the database: who counts as a member of the community, on SQLite and PostgreSQL -----


def test_the_community_index_holds_its_current_members_with_their_names_there(database):
    with database.session() as session:
        club, other = community(session, "读书会"), community(session, "跑步群")
        here = member(session, club, "阿杰")
        elsewhere = member(session, other, "小周")
        session.execute(
            update(Membership)
            .where(Membership.member_id == elsewhere)
            .values(group_nickname="阿杰")  # 阿杰 in another group: not a candidate here
        )
        left = member(session, club, "阿杰🌸")
        session.execute(
            update(Membership).where(Membership.member_id == left).values(left_at=datetime.now())
        )
        merged = member(session, club, "阿杰")  # merged into `here`: hidden everywhere
        session.get(Member, merged).merged_into_id = here
        by_wechat = member(session, club, "Jay")
        session.get(Member, by_wechat).wechat_id = "ajie_1990"
        grouped = member(session, club, "周周")
        session.execute(
            update(Membership)
            .where(Membership.member_id == grouped)
            .values(group_nickname="【团长】阿周")
        )
        session.flush()
        names = community_member_names(session, club)
        assert {m for m in (here, elsewhere, left, merged, by_wechat, grouped) if m in names} == {
            here,
            by_wechat,
            grouped,
        }
        found = names.match("阿杰")
        assert (found.member_ids, found.strength, found.how) == ((here,), EXACT, "nickname")
        found = names.match("ajie_1990")
        assert (found.member_id, found.how) == (by_wechat, "wechat_id")
        found = names.match("阿周")  # the group nickname without its bracketed title
        assert (found.member_id, found.strength, found.how) == (grouped, BARE, "group_nickname")


def test_two_members_with_one_exact_name_are_a_question_on_the_database(database):
    with database.session() as session:
        club = community(session, "读书会")
        first = member(session, club, "小王")
        second = member(session, club, "王小二")
        session.execute(
            update(Membership).where(Membership.member_id == second).values(group_nickname="小王")
        )
        session.flush()
        names = community_member_names(session, club)
        found = names.match("小王")
        assert found.ambiguous and found.member_id is None
        assert names.candidates(found.member_ids) == [(first, "小王"), (second, "王小二")]


def test_members_are_found_by_number_wechat_id_and_phone_on_the_database(database):
    with database.session() as session:
        club = community(session, "读书会")
        kept = member(session, club, "留下")
        gone = member(session, club, "合并走")
        older = member(session, club, "更早合并")
        twin_a, twin_b = member(session, club, "甲"), member(session, club, "乙")
        session.get(Member, gone).merged_into_id = kept
        session.get(Member, older).merged_into_id = gone  # a chain: older → gone → kept
        session.get(Member, kept).wechat_id = "kept_wx"
        session.get(Member, gone).wechat_id = "gone_wx"  # merged: no longer anyone's
        session.get(Member, twin_a).phone = session.get(Member, twin_b).phone = "13800138000"
        session.flush()
        assert live_members_by_id(session, [kept, gone, older, 999_999]) == {
            kept: kept,
            gone: kept,
            older: kept,
        }
        assert members_by_wechat_id(session, ["kept_wx", "gone_wx", None, ""]) == {
            "kept_wx": {kept}
        }
        assert members_by_phone(session, ["13800138000"]) == {"13800138000": {twin_a, twin_b}}


def test_the_members_of_several_communities_in_one_index(database):
    """A campaign targets several groups: one index of their members (and, asked for, those who
    left), each with the group nickname of every group they are in."""
    with database.session() as session:
        first, second, other = (community(session, n) for n in ("一群", "二群", "别的群"))
        here = member(session, first, "阿杰")
        there = member(session, second, "小周")
        outside = member(session, other, "老李")
        session.execute(
            update(Membership).where(Membership.member_id == there).values(
                group_nickname="周周", left_at=datetime(2026, 5, 1)
            )
        )
        session.flush()
        names = community_member_names(session, [first, second], with_former=True)
        assert here in names and there in names and outside not in names
        assert names.match("周周").member_id == there
        assert there not in community_member_names(session, [first, second])
