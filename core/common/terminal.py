"""Text bound for a terminal: it never crashes on the console's encoding, and data never
drives the terminal.

Names come from imported files, so they can hold anything: ESC[2J, an OSC title
(ESC]0;…BEL), other C0/C1 controls, right-to-left overrides, zero-width characters. Printed
as they are, the terminal would obey them. `visible` shows each one as an escape (\\x1b,
\\u202e) instead; the stored text stays as imported. `json_text` escapes the same characters
the JSON way, so a program reading --json gets the exact text back.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
import unicodedata
from typing import Any

# Invisible format characters (Unicode category Cf: bidi overrides and isolates, zero-width
# space/joiners, BOM, soft hyphen, tags…) and the line/paragraph separators (Zl, Zp).
# tests/core/test_terminal.py checks this list against the running Python's unicodedata.
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)
_SURROGATES = "\ud800-\udfff"
# Terminal text keeps its own line breaks and tabs; everything else below is neutralised.
_TERMINAL_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT}{_SURROGATES}]")
_ONE_LINE_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_FORMAT}{_SURROGATES}]")
# json.dumps already escapes C0; DEL, C1, format characters and lone surrogates are left.
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_FORMAT}{_SURROGATES}]")
_ZWJ = "\u200d"


def configure_streams() -> None:
    """Replace what the console cannot show (a GBK console and an emoji) instead of dying."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # None under pythonw
        if reconfigure is not None:
            reconfigure(errors="replace")


def visible(text: str, *, one_line: bool = False) -> str:
    """`text` with every control, bidi and invisible format character shown as an escape.

    Line breaks and tabs stay, unless `one_line` (an error message must stay one line).
    A zero-width joiner between two emoji stays: it only builds a family or a flag.
    """
    pattern = _ONE_LINE_UNSAFE if one_line else _TERMINAL_UNSAFE
    if pattern.search(text) is None:  # nearly every text: no closure made (every xlsx cell)
        return text

    def shown(match: re.Match) -> str:
        char, at = match.group(), match.start()
        if char == _ZWJ and _joins_emoji(text, at):
            return char
        return _escape(ord(char))

    return pattern.sub(shown, text)


def json_text(data: Any, *, ascii_only: bool) -> str:
    """One JSON document; `ascii_only` for a console that is not Unicode (a GBK one): every
    non-ASCII character becomes \\uXXXX, which any console shows and any JSON reader decodes."""
    text = json.dumps(data, ensure_ascii=ascii_only, default=str)
    if ascii_only:
        return text
    # Outside strings a JSON document is plain ASCII, so every match is inside a string.
    return _JSON_UNSAFE.sub(lambda m: _json_escape(ord(m.group())), text)


def writes_unicode(stream) -> bool:
    """True when `stream` can encode every character (a UTF-8 terminal, pipe or file)."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return False
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def _escape(code: int) -> str:
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _json_escape(code: int) -> str:
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _joins_emoji(text: str, at: int) -> bool:
    if at == 0 or at + 1 >= len(text):
        return False
    before, after = text[at - 1], text[at + 1]
    return (before == "\ufe0f" or unicodedata.category(before) in ("So", "Sk")) and (
        unicodedata.category(after) == "So"
    )
