"""Names: how alike two members' names are (tidied, pinyin, rapidfuzz), and what to call a
member in a message."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Member

SIMILAR_AT = 85  # rapidfuzz ratio of the tidied names, 0–100, from which names are "similar"
PLACEHOLDER_NAMES = frozenset(
    {"微信用户", "用户", "客户", "未知", "匿名", "无", "未命名", "unknown", "null", "none", "user"}
)


_HANZI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_HANZI}]+|[0-9A-Za-z]+")
_BRACKETED = re.compile(r"[（(【\[{《〈「『].*?[）)】\]}》〉」』]")
# "A-张姐", "A张姐", "AA_王哥": the A that sorts a contact to the top of the list.
_SORT_PREFIX = re.compile(rf"^[Aa]+(?:[\s\-_.·~、|]+|(?=[{_HANZI}]))")
_TONE_LETTERS = {"ü": "v"}


@functools.cache
def _pinyin_table() -> dict[int, str]:
    """Codepoint → readings, loaded on first use (pypinyin's single-character table only)."""
    from pypinyin.pinyin_dict import pinyin_dict

    return pinyin_dict


@functools.cache
def _syllable(char: str) -> str:
    """The first reading of a hanzi without tone (张 → zhang); other characters stay."""
    readings = _pinyin_table().get(ord(char))
    if not readings:
        return char
    reading = readings.split(",")[0]
    reading = "".join(_TONE_LETTERS.get(c, c) for c in reading)
    decomposed = unicodedata.normalize("NFD", reading)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tidy_name(name: str) -> str:
    """The part of a name that identifies a person: 'A-张小凡🌸（3栋）' → '张小凡', 'Amy' → 'amy'.

    Full-width forms become half-width, the sorting prefix 'A' and bracketed notes go, and only
    hanzi, letters and digits remain, lower-cased.
    """
    text = unicodedata.normalize("NFKC", name or "").strip()
    unbracketed = _BRACKETED.sub("", text).strip()
    if _WORD.search(unbracketed):
        text = unbracketed
    stripped = _SORT_PREFIX.sub("", text)
    if _WORD.search(stripped):
        text = stripped
    return "".join(_WORD.findall(text)).lower()


def name_pinyin(tidy: str) -> str:
    """Pinyin of a tidied name, one reading per character: 张晓凡 and 张小凡 → zhangxiaofan."""
    return "".join(_syllable(c) if c >= "\u3400" else c for c in tidy)


@dataclass(frozen=True, slots=True)
class Name:
    raw: str
    tidy: str
    pinyin: str
    keys: tuple[str, ...]  # the names this one is compared with share one of these


@functools.lru_cache(maxsize=32768)  # the same names again when the dialog reloads
def make_name(raw: str) -> Name | None:
    raw = raw.strip()
    tidy = tidy_name(raw)
    if not tidy or tidy in PLACEHOLDER_NAMES:
        return None
    pinyin = name_pinyin(tidy)
    keys = {tidy}
    if len(tidy) >= 2:
        keys.add(pinyin)
    if 3 <= len(tidy) <= 12:
        # One character left out: 'A' and 'AB' share 'A' (an insertion), 'AXC' and 'AYC' share
        # 'AC' (a substitution) — the edits that keep short names above SIMILAR_AT.
        keys.update(tidy[:i] + tidy[i + 1 :] for i in range(len(tidy)))
    return Name(raw, tidy, pinyin, tuple(keys))


def name_similarity(a: str, b: str) -> int:
    """0–100: 100 the same name, 95 the same once tidied, 90 the same pinyin, else the
    rapidfuzz ratio of the tidied names (at most 94), or 0 below SIMILAR_AT."""
    first, second = make_name(a), make_name(b)
    if first is None or second is None:
        return 0
    if first.raw == second.raw:
        return 100
    if first.tidy == second.tidy:
        return 95
    return tidy_score(first, second)


def tidy_score(a: Name, b: Name) -> int:
    """Similarity of two different tidied names: 90 for the same pinyin, else the ratio."""
    if len(a.tidy) >= 2 and a.pinyin == b.pinyin:
        return 90
    ratio = fuzz.ratio(a.tidy, b.tidy, score_cutoff=SIMILAR_AT)
    return min(94, int(ratio)) if ratio else 0


def display_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    m = Member.__table__
    rows = session.execute(select(m.c.id, m.c.nickname, m.c.remark).where(m.c.id.in_(ids)))
    return {
        member_id: nickname or remark or f"#{member_id}" for member_id, nickname, remark in rows
    }
