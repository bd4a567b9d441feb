"""Lists joined into one translatable message: the Chinese as before, every part translated."""

from __future__ import annotations

from core.common.joins import joined_clauses, joined_list, joined_phrases, joined_some
from core.common.text import msg, translated

ENGLISH = {
    "{a}、{b}": "{a}, {b}",
    "{a}、{b}、{c}": "{a}, {b}, {c}",
    "{a}、{b}、{c}、{d}": "{a}, {b}, {c}, {d}",
    "{a}；{b}": "{a}; {b}",
    "{a}，{b}，{c}": "{a}, {b}, {c}",
    "苹果": "apple",
    "{names} 等 {count} 项": "{names} ({count} in all)",
}


def english(text: str) -> str:
    return translated(text, ENGLISH.get)


def test_the_chinese_is_what_str_join_gave():
    for n in range(12):
        parts = [f"项{i}" for i in range(n)]
        assert joined_list(parts) == "、".join(parts)
        assert joined_phrases(parts) == "，".join(parts)
        assert joined_clauses(parts) == "；".join(parts)


def test_one_part_is_returned_as_it_is():
    apple = msg("苹果")
    assert joined_list([apple]) is apple
    assert joined_list([]) == ""


def test_the_parts_and_the_separators_are_translated():
    assert english(joined_list([msg("苹果"), "梨"])) == "apple, 梨"
    assert english(joined_clauses(["甲", msg("苹果")])) == "甲; apple"
    long = [msg("苹果")] * 11
    assert english(joined_list(long)) == ", ".join(["apple"] * 11)


def test_a_long_list_shows_its_first_names_and_how_many_in_all():
    names = [f"群{i}" for i in range(8)]
    assert joined_some(names[:5]) == "群0、群1、群2、群3、群4"
    assert joined_some(names) == "群0、群1、群2、群3、群4 等 8 项"
    assert english(joined_some(names, most=2)) == "群0, 群1 (8 in all)"
    assert english(joined_some([msg("苹果"), "梨"])) == "apple, 梨"  # not cut mid-name
