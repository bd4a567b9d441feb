"""File names from people's text: safe on every OS, and showing what they are."""

from __future__ import annotations

import unicodedata

import pytest

from core.common.filenames import safe_file_name, visible_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ('a/b\\c:d*e?f"g<h>i|j', "abcdefghij"),
        ("小美\x00\x1f\x7f", "小美"),
        ("  .hidden. ", "hidden"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("COM¹", "_COM¹"),
        ("CONOUT$", "_CONOUT$"),
        ("", "海报"),
        ("///", "海报"),
        ("字" * 200, "字" * 60),  # 80 characters would pass 180 UTF-8 bytes
        # Format characters: bidi overrides, embeddings, isolates and marks.
        ("invoice\u202egnp.exe", "invoicegnp.exe"),
        ("\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c小美", "小美"),
        # Zero-width characters, the byte-order mark, the soft hyphen, tags.
        ("小\u200b美\u200c\u200d\u2060\ufeff\u00ad", "小美"),
        ("小美\U000e0041\U000e007f", "小美"),
        # Line and paragraph separators, and ESC sequences for terminals.
        ("a\u2028b\u2029c", "a b c"),
        ("第一行\r\n第二行\t\x0b末", "第一行 第二行 末"),
        ("\x1b[2J小美", "[2J小美"),
        # A name made of nothing visible.
        ("\u202e\u200b\ufeff", "海报"),
        # Decomposed (macOS) and composed forms give one name.
        (unicodedata.normalize("NFD", "Zoë"), "Zoë"),
        # Ends that Windows drops or refuses, even behind an invisible character.
        ("小美.\u200b", "小美"),
    ],
)
def test_file_names_are_safe_everywhere(raw, clean):
    assert safe_file_name(raw, "海报") == clean


def test_every_control_and_format_character_is_dropped():
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    categories = ("Cc", "Cf", "Zl", "Zp")
    dropped = {c for c in everything if unicodedata.category(c) in categories}
    assert not dropped & set(visible_text(everything))
    assert visible_text("小美😀") == "小美😀"  # visible characters, emoji included, stay


def test_lone_surrogates_do_not_reach_the_file_system():
    name = safe_file_name("小美\udc80", "海报")
    assert name == "小美"
    name.encode("utf-8")  # would raise on a lone surrogate
