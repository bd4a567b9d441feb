"""Names the program ships as data (levels, earn rules, poster layers) come back as messages
the window can translate while they are still the shipped ones; names the owner typed stay as
typed."""

from __future__ import annotations

import re

from core.common.builtin_names import builtin_name
from core.common.text import Message, msg, recognise
from core.ledger.rules import DEFAULT_RULES
from core.posters.builtin import ORDER, load_builtin
from core.tiers.ladder import DEFAULT_LADDER, Level, ladder_from_json, ladder_to_json

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def shipped_names() -> list[str]:
    names = [level.name for level in DEFAULT_LADDER.levels]
    names += [spec.name for spec in DEFAULT_RULES]
    for key in ORDER:
        template, _assets = load_builtin(key)
        names += [layer.name for layer in template.layers]
    return [str(name) for name in names if CHINESE.search(name)]


def test_every_shipped_name_is_known():
    names = shipped_names()
    assert len(names) > 100
    unknown = sorted({n for n in names if not isinstance(builtin_name(n), Message)})
    assert unknown == []


def test_a_shipped_name_keeps_its_chinese_text():
    for name in shipped_names():
        assert builtin_name(name) == name


def test_a_name_the_owner_typed_stays_as_typed():
    for typed in ("新人们", "烘焙达人", "KOC/KOL", "第一天", "第3天 ", ""):
        assert builtin_name(typed) == typed
        assert not isinstance(builtin_name(typed), Message)


def test_numbered_layers_are_recognised_with_their_number():
    found = builtin_name("第12天数字")
    assert isinstance(found, Message)
    assert (found.template, found.values) == ("第{n}天数字", {"n": "12"})
    assert builtin_name("勾2底").template == "勾{n}底"


def test_recognise_reads_a_text_back_into_its_template():
    templates = (msg("兑换「{reward}」"), msg("{rule}：{note}"))
    found = recognise("兑换「帆布袋：大号」", templates)
    assert (found.template, found.values) == ("兑换「{reward}」", {"reward": "帆布袋：大号"})
    found = recognise("每日签到：多给了", templates)
    assert found.values == {"rule": "每日签到", "note": "多给了"}
    assert recognise("随便写的", templates) is None


def test_a_level_still_named_as_shipped_is_a_message_through_a_save():
    stored = ladder_from_json(ladder_to_json(DEFAULT_LADDER))
    assert [isinstance(level.name, Message) for level in stored.levels] == [
        True,
        True,
        True,
        True,
        False,  # KOC/KOL reads the same in English
    ]
    assert Level("x", "核心成员 ").name == "核心成员 "  # not the shipped name: as typed
    assert not isinstance(Level("x", "核心成员 ").name, Message)
    assert ladder_to_json(stored) == ladder_to_json(DEFAULT_LADDER)
