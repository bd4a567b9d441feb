"""Terminal text: controls shown, never obeyed; JSON that gives the exact text back."""

from __future__ import annotations

import io
import json
import sys
import unicodedata

import pytest

from core.common.terminal import json_text, visible, writes_unicode
from tests.hostile_text import HOSTILE, unsafe_characters


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_is_shown_not_obeyed(name):
    text = f"昵称 {HOSTILE[name]} 结束"
    shown = visible(text)
    assert unsafe_characters(shown) == []
    assert shown.startswith("昵称 ") and shown.endswith(" 结束")
    assert unsafe_characters(visible(text, one_line=True)) == []


def test_escapes_name_the_character():
    assert visible("\x1b[2J") == "\\x1b[2J"
    assert visible("\x1b]0;t\x07") == "\\x1b]0;t\\x07"
    assert visible("a\x9bb") == "a\\x9bb"
    assert visible("\u202eabc") == "\\u202eabc"
    assert visible("a\u200bb") == "a\\u200bb"
    assert visible("\U000e0041") == "\\U000e0041"
    assert visible("安全\r危险") == "安全\\x0d危险"
    assert visible("\x00") == "\\x00"


def test_line_breaks_and_tabs_stay_except_in_one_line():
    assert visible("一\t二\n三") == "一\t二\n三"
    assert visible("一\t二\n三", one_line=True) == "一\\x09二\\x0a三"


def test_emoji_sequences_stay_whole_but_a_stray_joiner_is_shown():
    family = "👨\u200d👩\u200d👧"
    rainbow_flag = "🏳\ufe0f\u200d🌈"
    coder = "👩🏽\u200d💻"
    for emoji in (family, rainbow_flag, coder, "🌸🎉", "花花"):
        assert visible(emoji) == emoji
    assert visible("花\u200d花") == "花\\u200d花"
    assert visible("\u200d🌸") == "\\u200d🌸"


def test_every_control_format_and_separator_character_is_escaped():
    """Checked against this Python's Unicode tables: a character added to Cf in a new
    Unicode version fails here until the list in core/common/terminal.py has it."""
    missed = []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        if char in "\n\t" or category not in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            continue
        if visible(f"a{char}a") == f"a{char}a" and char != "\u200d":
            missed.append(f"U+{code:04X}")
    assert missed == []


@pytest.mark.parametrize("ascii_only", [False, True])
def test_json_gives_the_exact_text_back_with_every_control_escaped(ascii_only):
    data = {name: f"x{text}y" for name, text in HOSTILE.items()}
    data["nul"] = "a\x00b"
    text = json_text(data, ascii_only=ascii_only)
    assert json.loads(text) == data
    assert unsafe_characters(text) == []
    assert "\u200d" not in text  # JSON is for programs: even an emoji's joiner is escaped
    if ascii_only:
        assert text.isascii()
    else:
        assert "🌸" in text and "昵称" in json_text({"k": "昵称"}, ascii_only=False)


def test_which_streams_take_unicode():
    assert writes_unicode(io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
    assert writes_unicode(io.TextIOWrapper(io.BytesIO(), encoding="UTF8"))
    assert not writes_unicode(io.TextIOWrapper(io.BytesIO(), encoding="gbk"))
    assert not writes_unicode(io.TextIOWrapper(io.BytesIO(), encoding="cp936"))
    assert not writes_unicode(object())
