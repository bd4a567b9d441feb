"""core's messages: the Chinese text as a plain string, plus what the interface translates."""

from __future__ import annotations

import pickle

from core.common.text import Message, msg, translated

ENGLISH = {
    "群里有 {count:,} 人": "{count:,} people in the group",
    "社群「{name}」：{problem}": "Community “{name}”: {problem}",
    "已满": "full",
}


def english(template: str) -> str | None:
    return ENGLISH.get(template)


def test_a_message_is_its_chinese_text():
    text = msg("群里有 {count:,} 人", count=12000)
    assert text == "群里有 12,000 人"
    assert isinstance(text, str)
    assert text.template == "群里有 {count:,} 人"
    assert text.values == {"count": 12000}
    assert f"「{text}」" == "「群里有 12,000 人」"


def test_a_template_without_values_keeps_its_braces():
    # Poster fields are written {邀请码}; with no values nothing is formatted.
    assert msg("模板里的 {邀请码} 会换成成员的邀请码") == "模板里的 {邀请码} 会换成成员的邀请码"


def test_translated_fills_the_english_template_with_the_same_values():
    text = msg("群里有 {count:,} 人", count=1500)
    assert translated(text, english) == "1,500 people in the group"


def test_values_that_are_messages_are_translated_too():
    text = msg("社群「{name}」：{problem}", name="烘焙1群", problem=msg("已满"))
    assert text == "社群「烘焙1群」：已满"
    assert translated(text, english) == "Community “烘焙1群”: full"


def test_untranslated_templates_and_plain_strings_stay_chinese():
    assert translated(msg("没有翻译的话"), english) == "没有翻译的话"
    assert translated("普通字符串", english) == "普通字符串"


def test_a_translation_that_does_not_fit_its_values_falls_back_to_chinese():
    def broken(template: str) -> str:
        return "{missing} people"

    assert translated(msg("群里有 {count:,} 人", count=3), broken) == "群里有 3 人"


def test_messages_survive_pickling_to_and_from_worker_processes():
    text = msg("社群「{name}」：{problem}", name="A", problem=msg("已满"))
    back = pickle.loads(pickle.dumps(text))
    assert isinstance(back, Message)
    assert back == text
    assert translated(back, english) == "Community “A”: full"
