"""Lists inside messages: joined the Chinese way (、 and ，), yet translatable.

`"、".join(parts)` gives a plain string whose separators stay Chinese in the English interface.
These join the parts as nested messages instead: the Chinese text is exactly the same, and the
interface translates each separator along with the parts that are messages themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.common.text import msg


def enumeration(parts: Sequence[str]) -> str:
    """Parts joined with 、 (an enumeration: 手机号、微信号)."""
    if not parts:
        return ""
    text = parts[0]
    for part in parts[1:]:
        text = msg("{first}、{then}", first=text, then=part)
    return text


def clauses(parts: Sequence[str]) -> str:
    """Parts joined with ， (clauses of one sentence: 昵称相同「…」，同在 …)."""
    if not parts:
        return ""
    text = parts[0]
    for part in parts[1:]:
        text = msg("{first}，{then}", first=text, then=part)
    return text
