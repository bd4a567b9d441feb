"""Search keys derived from a member's names and phone on every write.

`zxf` and `zhangxiaofan` must both find 张小凡, and `0016` must find 138****0016; these keys
are what the indexed search in SQL matches against.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

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


class SearchKeys(NamedTuple):
    """The derived columns of a member row that the search box and sorting use (a tuple:
    made once per member written, it costs a quarter of a frozen dataclass)."""

    pinyin: str  # of the nickname: 张小凡 → zhangxiaofan (also the pinyin sort key)
    initials: str  # of the nickname: 张小凡 → zxf
    phone_tail: str  # last four digits
    text: str  # everything above and the names themselves, lower-cased, for one LIKE


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


def member_search_keys(
    nickname: str,
    remark: str = "",
    wechat_id: str | None = None,
    phone: str | None = None,
    group_nicknames: Iterable[str] = (),
) -> SearchKeys:
    """All search keys of a member, from their names, 微信号, phone and group nicknames."""
    names = [n for n in (nickname, remark, *group_nicknames) if n]
    keys = [_keys(name) for name in names]
    pinyin, initials = keys[0] if nickname else ("", "")
    # Names, 微信号, every name's pinyin, then every name's initials; empty parts left out.
    parts = [*names, wechat_id, *(k[0] for k in keys), *(k[1] for k in keys)]
    return SearchKeys(
        pinyin=pinyin,
        initials=initials,
        phone_tail=phone_tail(phone),
        text=" ".join([part for part in parts if part]).lower(),
    )


def normalize_query(text: str) -> str:
    """What the user typed, as it is matched against SearchKeys.text."""
    return " ".join(text.split()).lower()


def phone_tail(phone: str | None) -> str:
    if not phone:
        return ""
    # Stored phones are digits already (or +digits); only others need the regex.
    digits = phone if phone.isdecimal() else re.sub(r"\D", "", phone)
    return digits[-4:] if len(digits) >= 4 else ""
