"""Line breaking by Chinese rules, long Latin words, emoji, explicit newlines and auto-shrink."""

from __future__ import annotations

import pytest

from core.posters.textlayout import (
    NO_LINE_END,
    NO_LINE_START,
    TextStyle,
    layout_text,
    missing_glyphs,
    wrap_lines,
)

STYLE = TextStyle(font_size=40, min_font_size=20)


def wrap(text: str, width: float = 300, size: int = 40) -> list[str]:
    return wrap_lines(text, width, size, STYLE)


def assert_kinsoku(lines: list[str]) -> None:
    for line in lines[1:]:
        assert line[:1] not in NO_LINE_START, lines
    for line in lines[:-1]:
        assert line[-1:] not in NO_LINE_END, lines


def test_plain_chinese_fills_each_line():
    lines = wrap("欢迎加入麦香烘焙福利群每天分享烘焙小技巧")
    assert lines == ["欢迎加入麦香烘", "焙福利群每天分", "享烘焙小技巧"]  # 7 × 40 px ≤ 300


@pytest.mark.parametrize(
    "text",
    [
        "一二三四五六七，八九十",  # a comma would start line 2
        "一二三四五六七。八九十",
        "一二三四五六七！",
        "一二三四五六七……再见",
        "一二三四五六“引号”里面",  # an opening quote would end line 1
        "一二三四五六《书名》很长",
        "一二三四五六七」八九",
        "一二三四五（六）七八九十一二三四五六七八九十一二三",
    ],
)
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(text):
    lines = wrap(text)
    assert len(lines) >= 2
    assert "".join(lines) == text
    assert_kinsoku(lines)


def test_the_rules_change_the_break_point():
    """Greedy breaking would give '一二三四五六七' / '，八九十'; the comma comes along."""
    lines = wrap("一二三四五六七，八九十")
    assert lines[1][0] != "，"
    assert lines == ["一二三四五六", "七，八九十"]


def test_latin_words_are_not_split_when_avoidable():
    lines = wrap("Join our bakery community today 欢迎", width=300)
    for line in lines:
        for word in ("Join", "bakery", "community", "today"):
            if word[:3] in line:
                assert word in line, lines


def test_a_word_longer_than_the_box_is_cut():
    word = "supercalifragilisticexpialidocious"
    lines = wrap(word, width=200)
    assert len(lines) > 1
    assert "".join(lines) == word


def test_explicit_newlines_and_empty_lines_are_kept():
    assert wrap("第一行\n\n第三行") == ["第一行", "", "第三行"]
    assert wrap("") == [""]


def test_characters_no_font_has_are_dropped_not_drawn_as_boxes():
    rare = "\U0002000b"  # outside the bundled subset; emoji are drawn (test_posters_emoji.py)
    assert missing_glyphs(f"小美{rare}的邀请") == [rare]
    layout = layout_text(f"小美{rare}的邀请", 400, 100, STYLE)
    assert layout.lines == ("小美的邀请",)


def test_auto_shrink_finds_a_size_that_fits():
    text = "欢迎加入麦香烘焙福利群，每天分享烘焙小技巧！" * 2
    roomy = layout_text(text, 900, 400, STYLE)
    assert roomy.size == 40 and not roomy.shrunk
    tight = layout_text(text, 300, 200, STYLE)
    assert tight.shrunk and 20 <= tight.size < 40
    assert tight.height <= 200.5
    assert not tight.truncated
    # One size larger would not have fitted.
    bigger = layout_text(text, 300, 200, TextStyle(tight.size + 1, tight.size + 1))
    assert bigger.truncated or bigger.height > 200.5


def test_text_that_cannot_fit_even_at_the_minimum_ends_in_an_ellipsis():
    layout = layout_text("很长的文字" * 40, 300, 100, STYLE)
    assert layout.size == 20 and layout.truncated
    assert layout.lines[-1].endswith("…")
    assert layout.height <= 100


def test_widths_never_exceed_the_box_except_hanging_punctuation():
    text = "社群运营工作台帮助店主管理会员、积分和裂变活动。Points, levels and posters!"
    layout = layout_text(text, 320, 1000, STYLE)
    for line, width in zip(layout.lines, layout.widths, strict=True):
        assert width <= 320 + 0.01 or line[-1] in NO_LINE_START
