"""A member's search keys, derived from their names, 微信号 and phone on every write.

`zxf` and `zhangxiaofan` must both find 张小凡 (the pinyin keys of core/common/search_keys.py),
and `0016` must find 138****0016; these keys are what the indexed search in SQL matches against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from core.common.search_keys import name_pinyin_keys, names_search_text

# The member columns that hold the keys, in SearchKeys' order.
SEARCH_COLUMNS = ("search_pinyin", "search_initials", "phone_tail", "search_text")


class SearchKeys(NamedTuple):
    """The derived columns of a member row that the search box and sorting use (a tuple:
    made once per member written, it costs a quarter of a frozen dataclass)."""

    pinyin: str  # of the nickname: 张小凡 → zhangxiaofan (also the pinyin sort key)
    initials: str  # of the nickname: 张小凡 → zxf
    phone_tail: str  # last four digits
    text: str  # everything above and the names themselves, lower-cased, for one LIKE


def member_search_keys(
    nickname: str,
    remark: str = "",
    wechat_id: str | None = None,
    phone: str | None = None,
    group_nicknames: Iterable[str] = (),
) -> SearchKeys:
    """All search keys of a member, from their names, 微信号, phone and group nicknames."""
    pinyin, initials = name_pinyin_keys(nickname) if nickname else ("", "")
    return SearchKeys(
        pinyin=pinyin,
        initials=initials,
        phone_tail=phone_tail(phone),
        text=names_search_text((nickname, remark, *group_nicknames), (wechat_id,)),
    )


def phone_tail(phone: str | None) -> str:
    if not phone:
        return ""
    # Stored phones are digits already (or +digits); only others need the regex.
    digits = phone if phone.isdecimal() else re.sub(r"\D", "", phone)
    return digits[-4:] if len(digits) >= 4 else ""
