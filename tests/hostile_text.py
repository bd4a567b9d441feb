"""Text that attacks a terminal or its encoding, and the check that output is safe from it.

What the CLI tests feed in through names, reasons, file names and arguments: every string here
must reach the terminal as visible escapes (never obeyed), survive a GBK console, and come back
unchanged through --json.
"""

from __future__ import annotations

import unicodedata

HOSTILE = {
    "clear screen": "\x1b[2J\x1b[H",
    "OSC title ended by BEL": "\x1b]0;pwned\x07",
    "OSC 8 hyperlink ended by ST": "\x1b]8;;http://evil.example/\x1b\\点我\x1b]8;;\x1b\\",
    "colour that never resets": "\x1b[31;1m",
    "C1 CSI": "\x9b2J",
    "C1 OSC ended by C1 ST": "\x9d0;c1-title\x9c",
    "C1 NEL and DCS": "\x85\x90",
    "right-to-left override": "\u202e3pm.exe\u202c",
    "bidi isolates": "\u2066\u2067\u2068\u2069",
    "zero-width space, non-joiner, BOM, word joiner": "阿\u200b花\u200c\ufeff\u2060",
    "stray zero-width joiner": "花\u200d花",
    "backspaces and DEL": "真名\x08\x08\x08假名\x7f",
    "carriage return overwrite": "安全\r危险",
    "line separator": "一\u2028二\u2029三",
    "bell and other C0": "\x07\x01\x02\x1a",
    "soft hyphen and tag characters": "a\u00adb\U000e0041\U000e007f",
    "emoji outside GBK": "🌸🎉",
    "emoji family joined by ZWJ": "👨\u200d👩\u200d👧",
    "astral CJK": "𠀀𪚥",
}

# Characters that must never reach a terminal as themselves: C0 other than line feed and tab
# (carriage return included: it overwrites a line), DEL, C1, surrogates, and invisible format
# characters (bidi, zero-width), except a joiner inside an emoji sequence.
_ALLOWED_C0 = {"\n", "\t"}


def unsafe_characters(text: str, *, allow_cr: bool = False) -> list[str]:
    """The characters of `text` a terminal would obey or hide, as U+XXXX (empty when safe)."""
    allowed = _ALLOWED_C0 | ({"\r"} if allow_cr else set())
    found = []
    for at, char in enumerate(text):
        code = ord(char)
        category = unicodedata.category(char)
        if char in allowed:
            continue
        if code < 0x20 or 0x7F <= code <= 0x9F or category in ("Cs", "Cf", "Zl", "Zp"):
            if char == "\u200d" and _inside_emoji(text, at):
                continue
            found.append(f"U+{code:04X}")
    return found


def _inside_emoji(text: str, at: int) -> bool:
    return (
        0 < at < len(text) - 1
        and unicodedata.category(text[at - 1]) in ("So", "Sk")
        and unicodedata.category(text[at + 1]) == "So"
    )
