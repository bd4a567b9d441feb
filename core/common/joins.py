"""Lists of messages joined the way a sentence joins them, translatable as a whole.

`"、".join(parts)` gives a plain string: the window could no longer show the parts in English.
These join them with a message template instead (甲、乙、丙 → "A, B, C" in English). Up to four
parts take one template; a longer list is joined in groups, so it nests only a few levels deep
(the level rule describes tens of thousands of promotions in one recalculation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core.common.text import msg


def _joined(items: Sequence[str], templates: tuple[Callable[..., str], ...]) -> str:
    if len(items) <= 1:
        return items[0] if items else ""
    if len(items) > len(templates) + 1:
        size = -(-len(items) // (len(templates) + 1))  # groups of this many, at most four groups
        items = [_joined(items[i : i + size], templates) for i in range(0, len(items), size)]
    return templates[len(items) - 2](*items)


_LIST = (
    lambda a, b: msg("{a}、{b}", a=a, b=b),
    lambda a, b, c: msg("{a}、{b}、{c}", a=a, b=b, c=c),
    lambda a, b, c, d: msg("{a}、{b}、{c}、{d}", a=a, b=b, c=c, d=d),
)
_PHRASES = (
    lambda a, b: msg("{a}，{b}", a=a, b=b),
    lambda a, b, c: msg("{a}，{b}，{c}", a=a, b=b, c=c),
    lambda a, b, c, d: msg("{a}，{b}，{c}，{d}", a=a, b=b, c=c, d=d),
)
_CLAUSES = (
    lambda a, b: msg("{a}；{b}", a=a, b=b),
    lambda a, b, c: msg("{a}；{b}；{c}", a=a, b=b, c=c),
    lambda a, b, c, d: msg("{a}；{b}；{c}；{d}", a=a, b=b, c=c, d=d),
)

_DOTS = (
    lambda a, b: msg("{a} · {b}", a=a, b=b),
    lambda a, b, c: msg("{a} · {b} · {c}", a=a, b=b, c=c),
    lambda a, b, c, d: msg("{a} · {b} · {c} · {d}", a=a, b=b, c=c, d=d),
)


def joined_list(items: Sequence[str]) -> str:
    """甲、乙、丙: names or short phrases in a row."""
    return _joined(items, _LIST)


def joined_some(items: Sequence[str], most: int = 5) -> str:
    """甲、乙、丙 等 7 项: the first `most` of a list that may be long, and how many in all."""
    if len(items) <= most:
        return joined_list(items)
    return msg("{names} 等 {count} 项", names=joined_list(items[:most]), count=len(items))


def joined_phrases(items: Sequence[str]) -> str:
    """甲，乙，丙: parts of one sentence."""
    return _joined(items, _PHRASES)


def joined_clauses(items: Sequence[str]) -> str:
    """甲；乙；丙: separate statements (a row's problems)."""
    return _joined(items, _CLAUSES)


def joined_dots(items: Sequence[str]) -> str:
    """甲 · 乙 · 丙: a name and the details that tell it apart."""
    return _joined(items, _DOTS)
