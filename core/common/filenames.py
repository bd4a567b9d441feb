"""File names made from people's text (nicknames, campaign names) that every OS accepts.

Nicknames come from WeChat exports and may carry anything: `/` and `:`, control characters,
and invisible format characters — a right-to-left override (U+202E) turns
「小美\u202egnp.exe」 into a name that *looks* like it ends in .png, zero-width spaces make two
names that look the same differ. The name of a file is not the place for any of them, so they
are dropped here; the stored text stays exactly as imported.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 80
MAX_NAME_BYTES = 180  # most file systems allow 255 bytes per name; leave room for "(2).jpeg"
# Forbidden on Windows (and `/` everywhere).
_FORBIDDEN = re.compile(r'[/\\:*?"<>|]')
# Control (Cc), format (Cf: bidi overrides, zero-width characters, BOM, tags), line and
# paragraph separators (Zl, Zp), surrogates (Cs) and unassigned code points (Cn).
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"})
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{p}{i}" for p in ("COM", "LPT") for i in (*range(1, 10), "¹", "²", "³")
}


def visible_text(text: str) -> str:
    """`text` without control and invisible format characters (NFC); line breaks, tabs and
    other spacing controls become spaces."""
    text = unicodedata.normalize("NFC", text)
    return "".join(
        " " if c.isspace() else c
        for c in text
        if c.isspace() or unicodedata.category(c) not in _DROPPED_CATEGORIES
    )


def safe_file_name(name: str, fallback: str) -> str:
    """A file name (without folder) every OS accepts and that shows what it is: no
    / \\ : * ? " < > |, no control or invisible format characters, no leading or trailing
    dots and spaces, not a reserved Windows device name, at most 80 characters and 180 bytes.
    `fallback` when nothing is left."""
    name = _FORBIDDEN.sub("", visible_text(name))
    name = re.sub(r"\s+", " ", name).strip(" ._")
    if len(name) > MAX_NAME_CHARS:
        name = name[:MAX_NAME_CHARS].rstrip(" ._")
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    name = name.rstrip(" ._")
    if name.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        name = f"_{name}"
    return name or fallback
