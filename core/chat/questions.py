"""Whether a quoted message asks something: a quote that replies to a question is an answer,
the evidence for 贡献者 (answer-givers). Read once at import (the text itself is not kept)."""

from __future__ import annotations

import re

# A question mark anywhere near the end, or the words a Chinese question is built with.
_ASKING = re.compile(
    r"[?？]\s*[\u3000-\u303f\uff00-\uffef\W]*$"  # ends with ? (emoji or 。 may follow)
    r"|吗|怎么|如何|为什么|为啥|咋|哪里|哪儿|哪个|哪些|什么|多少|几点|几号|几个|能不能|可不可以"
    r"|是不是|有没有|请问|求助|求推荐"
)


def is_question(text: str | None) -> bool | None:
    """True when `text` asks something, False when it does not, None when there is no text
    (the format keeps no quoted text: unknown, never guessed)."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    return bool(_ASKING.search(text))
