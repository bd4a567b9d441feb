"""Search keys of names: pinyin and initials, so that `zxf` and `zhangxiaofan` both find
张小凡, and the one lower-cased text a LIKE matches what the user typed against.

Members (core/members/search_keys.py) and communities both search by name; the keys are
computed on write and indexed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

# A run of hanzi (CJK unified ideographs and extension A) or a run of Latin letters/digits;
# everything else (emoji, punctuation, spaces) separates words and is dropped.
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")


@functools.cache
def _lazy_pinyin():
    """pypinyin loads its phrase dictionary (0.2 s) on import: only when a name is converted."""
    from pypinyin import Style, lazy_pinyin

    return functools.partial(lazy_pinyin, style=Style.NORMAL)


def load_pinyin() -> None:
    """Load pypinyin now, e.g. on a thread while a big file is read, not at the first name."""
    _lazy_pinyin()


@functools.lru_cache(maxsize=65536)
def _hanzi_syllables(word: str) -> tuple[str, ...]:
    """Pinyin of one run of hanzi; cached because runs recur even where whole names differ
    (张伟 in 张伟🌸, 张伟2 and 阿张伟), and pypinyin costs ~70 µs a run."""
    # Whole runs go to pypinyin so it can pick the right reading of polyphones.
    return tuple(_lazy_pinyin()(word))


def _syllables(name: str) -> list[tuple[str, bool]]:
    """(syllable, from_hanzi) pairs: 张小凡Amy → (zhang, T) (xiao, T) (fan, T) (amy, F)."""
    result: list[tuple[str, bool]] = []
    for match in _WORD.finditer(name):
        word = match.group()
        if word.isascii():
            result.append((word.lower(), False))
        else:
            result.extend((s, True) for s in _hanzi_syllables(word))
    return result


@functools.lru_cache(maxsize=65536)
def _keys(name: str) -> tuple[str, str]:
    """(pinyin, initials) of one name; cached because names repeat across rows and imports."""
    syllables = _syllables(name)
    return (
        "".join(s for s, _ in syllables),
        "".join(s[0] if from_hanzi else s for s, from_hanzi in syllables),
    )


def name_pinyin_keys(name: str) -> tuple[str, str]:
    """(pinyin, initials) of one name: 张小凡 → (zhangxiaofan, zxf)."""
    return _keys(name)


def names_search_text(names: Iterable[str], words: Iterable[str | None] = ()) -> str:
    """What one LIKE matches: the names, other `words` as they are (a 微信号), then every
    name's pinyin and every name's initials; lower-cased, empty parts left out."""
    names = [name for name in names if name]
    keys = [_keys(name) for name in names]
    parts = [*names, *words, *(k[0] for k in keys), *(k[1] for k in keys)]
    return " ".join([part for part in parts if part]).lower()


def normalize_query(text: str) -> str:
    """What the user typed, as it is matched against `names_search_text`."""
    return " ".join(text.split()).lower()
