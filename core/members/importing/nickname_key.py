"""The key two nicknames must share to be suggested as one person (possible duplicates, and
the snapshot's index of existing nicknames)."""

from __future__ import annotations

import re
import unicodedata

_NOT_NAME = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")


def duplicate_key(nickname: str) -> str:
    """What two nicknames must share to be suggested as one person: letters, digits and hanzi
    only, so 「🌸花花」 and 「?花花」 (Excel's GBK save) and 「海风 」 match."""
    key = nickname.lower()
    if _NOT_NAME.search(key) is not None:
        key = _NOT_NAME.sub("", unicodedata.normalize("NFKC", nickname).lower())
    return key if len(key) >= 2 else ""
