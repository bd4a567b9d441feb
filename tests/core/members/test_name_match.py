"""The one member-name matcher (接龙 paste, activity import, later chat import): the best strength
wins, a tie at that strength is a question, nothing weaker is consulted once something matched."""

from __future__ import annotations

from core.members.name_match import (
    BARE,
    EXACT,
    LETTERS,
    PINYIN,
    MemberNames,
    match_keys_of,
    name_keys,
)

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
