"""Search keys derived from a member's names and phone on every write.

`zxf` and `zhangxiaofan` must both find 张小凡, and `0016` must find 138****0016; these keys
are what the indexed search in SQL matches against.
"""

from __future__ import annotations

import functools
import re

# A run of hanzi (CJK unified ideographs and extension A) or a run of Latin letters/digits;
# everything else (emoji, punctuation, spaces) separates words and is dropped.
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")


@functools.cache
def _lazy_pinyin():
    """pypinyin loads its phrase dictionary (0.2 s) on import: only when a name is converted."""
    from pypinyin import Style, lazy_pinyin

    return functools.partial(lazy_pinyin, style=Style.NORMAL)


def _syllables(name: str) -> list[tuple[str, bool]]:
    """(syllable, from_hanzi) pairs: 张小凡Amy → (zhang, T) (xiao, T) (fan, T) (amy, F)."""
    result: list[tuple[str, bool]] = []
    for match in _WORD.finditer(name):
        word = match.group()
        if word.isascii():
            result.append((word.lower(), False))
        else:
            # Whole runs go to pypinyin so it can pick the right reading of polyphones.
            result.extend((s, True) for s in _lazy_pinyin()(word))
    return result


def pinyin_key(*names: str) -> str:
    """Full pinyin of each name, names separated by a space: 张小凡, Amy → 'zhangxiaofan amy'."""
    keys = ("".join(s for s, _ in _syllables(name)) for name in names if name)
    return " ".join(key for key in keys if key)


def initials_key(*names: str) -> str:
    """First letter of each hanzi's syllable, Latin words whole: 张小凡 → zxf, A-张姐 → azj."""
    keys = (
        "".join(s[0] if from_hanzi else s for s, from_hanzi in _syllables(name))
        for name in names
        if name
    )
    return " ".join(key for key in keys if key)


def search_keys(*names: str) -> tuple[str, str]:
    """(pinyin_key, initials_key) of the names, converting each name to pinyin only once."""
    pinyins, initials = [], []
    for name in names:
        syllables = _syllables(name) if name else []
        if syllables:
            pinyins.append("".join(s for s, _ in syllables))
            initials.append("".join(s[0] if hanzi else s for s, hanzi in syllables))
    return " ".join(pinyins), " ".join(initials)


def phone_tail(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:] if len(digits) >= 4 else ""
