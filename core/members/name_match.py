"""Who a written name is: the one member-name matcher of the 接龙 paste, the activity import and
(later) the chat import.

A name is compared with each member's nickname, group nickname (in the community at hand),
remark and 微信号, at four strengths, best first:

    EXACT    the same name, as written (Unicode width, letter case, spaces and invisible
             characters aside): 「张秀云🍀」 for 张秀云🍀, 「Ｌｉｌｙ」 for lily; a 微信号 only
             ever matches this way (「zhang_san」 is not the member whose 微信号 is zhangsan)
    BARE     the same once bracketed parts are left out: 「老王（健身）」 for 老王
    LETTERS  the same once emoji, punctuation and symbols are left out too: 「🌸Lily🌸」 for
             Lily, 「张秀云🍀」 for 张秀云
    PINYIN   the same full pinyin: 「张小帆」 for 张小凡

A match is as strong as the weaker of its two sides: 「张秀云」 written for a member called
张秀云🍀 is a LETTERS match, as is 「张秀云🍀」 written for one called 张秀云. Only the best
strength that finds anyone counts: an exact match is never outvoted by a looser one
(「张秀云🍀」 is the member called 张秀云🍀, not the one whose group nickname is 张秀云), and a
looser one is only tried when nothing stronger was found. When two or more members fit at that
strength the name is ambiguous: a question for the user, with those members as candidates,
never a guess. Nickname, group nickname, remark and 微信号 weigh the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from core.common.text import msg
from core.members.search_keys import member_search_keys
from db.models import Member, Membership

EXACT, BARE, LETTERS, PINYIN = range(4)
STRENGTH_NAMES = ("exact", "bare", "letters", "pinyin")

# Where a name was found, in the order a member's own sources are reported (all weigh the same).
GROUP_NICKNAME, NICKNAME, REMARK, WECHAT_ID = "group_nickname", "nickname", "remark", "wechat_id"
SOURCES = (GROUP_NICKNAME, NICKNAME, REMARK, WECHAT_ID)

# Format characters: zero-width space/joiners, bidi marks and embeddings, word joiner, BOM, soft
# hyphen.
INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|《[^《》]*》|<[^<>]*>")
_WHITESPACE = re.compile(r"\s+")


def strip_brackets(text: str) -> str:
    """`老王（健身）` → `老王`, `【团长】张三` → `张三` (on NFKC text, so `（）` are `()`)."""
    return _BRACKETED.sub("", unicodedata.normalize("NFKC", text))


def letters_and_digits(text: str) -> str:
    """Drops emoji, punctuation and symbols: `🌸lily🌸` → `lily`."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def match_key(text: str) -> str:
    """The form two spellings of one name share: NFKC, case-folded, no spaces or invisibles."""
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _WHITESPACE.sub("", text).casefold()


def name_keys(name: str) -> dict[str, int]:
    """The keys of a name, each with the strength (EXACT, BARE, LETTERS) it stands for."""
    full = match_key(name)
    bare = match_key(strip_brackets(name))
    keys: dict[str, int] = {}
    for key, strength in (
        (full, EXACT),
        (bare, BARE),
        (letters_and_digits(full), LETTERS),
        (letters_and_digits(bare), LETTERS),
    ):
        if key and key not in keys:
            keys[key] = strength
    return keys


def match_keys_of(name: str) -> tuple[str, ...]:
    """The keys of a name, most specific first (as written, without brackets, without emoji)."""
    return tuple(name_keys(name))


def name_pinyin(name: str) -> str:
    """The full pinyin a name is compared by (of the name without its brackets)."""

    return member_search_keys(strip_brackets(name).strip() or name).pinyin


@dataclass(frozen=True)
class NameMatch:
    """The members a name fits at the best strength that finds anyone."""

    name: str
    strength: int | None  # EXACT … PINYIN; None: nobody
    member_ids: tuple[int, ...]  # ascending
    how: str = ""  # for one member: a SOURCES value, or "pinyin"

    @property
    def member_id(self) -> int | None:
        """The member, when exactly one fits."""
        return self.member_ids[0] if len(self.member_ids) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """Two or more members fit equally well: ask, do not guess."""
        return len(self.member_ids) > 1

    @property
    def exact(self) -> bool:
        return self.strength == EXACT


class MemberNames:
    """Members' names, indexed for `match`; fill it with `add`."""

    def __init__(self) -> None:
        # key → member → (strength of the member's side, source order)
        self._keys: dict[str, dict[int, tuple[int, int]]] = {}
        self._pinyin: dict[str, set[int]] = {}
        self.display: dict[int, str] = {}

    def add(
        self,
        member_id: int,
        *,
        nickname: str | None = "",
        group_nickname: str | None = "",
        remark: str | None = "",
        wechat_id: str | None = "",
        pinyin: str | None = "",
        display: str = "",
    ) -> None:
        """One member's names (a member may be added again with other names, e.g. a group
        nickname per community); `pinyin` is their nickname's (Member.search_pinyin)."""
        if member_id not in self.display:
            self.display[member_id] = (
                display or remark or nickname or msg("成员 #{id}", id=member_id)
            )
        for order, value in enumerate((group_nickname, nickname, remark)):
            for key, strength in name_keys(value or "").items():
                found = self._keys.setdefault(key, {})
                old = found.get(member_id)
                if old is None or (strength, order) < old:
                    found[member_id] = (strength, order)
        # An identifier: as written or not at all (no brackets or punctuation to let go of).
        key = match_key(wechat_id or "")
        if key:
            found = self._keys.setdefault(key, {})
            old = found.get(member_id)
            if old is None or (EXACT, SOURCES.index(WECHAT_ID)) < old:
                found[member_id] = (EXACT, SOURCES.index(WECHAT_ID))
        if pinyin:
            self._pinyin.setdefault(pinyin, set()).add(member_id)

    def match(self, name: str, *, pinyin: str | None = None) -> NameMatch:
        """The members `name` fits best (see the module's rules); `pinyin` saves computing it."""
        best: dict[int, tuple[int, int]] = {}
        for key, strength in name_keys(name).items():
            for member_id, (theirs, order) in self._keys.get(key, {}).items():
                found = (max(strength, theirs), order)
                if member_id not in best or found < best[member_id]:
                    best[member_id] = found
        if best:
            top = min(strength for strength, _order in best.values())
            ids = tuple(sorted(m for m, (strength, _o) in best.items() if strength == top))
            how = SOURCES[best[ids[0]][1]] if len(ids) == 1 else ""
            return NameMatch(name, top, ids, how)
        if self._pinyin:
            key = name_pinyin(name) if pinyin is None else pinyin
            ids = tuple(sorted(self._pinyin.get(key, ()))) if key else ()
            if ids:
                return NameMatch(name, PINYIN, ids, "pinyin" if len(ids) == 1 else "")
        return NameMatch(name, None, ())

    def candidates(self, member_ids: Iterable[int]) -> list[tuple[int, str]]:
        """(member id, display name) of each member, for a question."""
        return [(member_id, self.display[member_id]) for member_id in sorted(member_ids)]

    def __contains__(self, member_id: object) -> bool:
        return member_id in self.display


def community_member_names(
    session: Session, community_id: int | Iterable[int], *, with_former: bool = False
) -> MemberNames:
    """The current members of a community (or of several: a member of two has both group
    nicknames), with their group nicknames there; `with_former`: those who left too (a chat
    history names people who were in the group then)."""
    ids = [community_id] if isinstance(community_id, int) else list(community_id)
    names = MemberNames()
    rows = session.execute(
        select(
            Member.id,
            Member.nickname,
            Member.remark,
            Member.wechat_id,
            Member.search_pinyin,
            Membership.group_nickname,
        )
        .join(Membership, Membership.member_id == Member.id)
        .where(
            Membership.community_id.in_(ids),
            true() if with_former else Membership.left_at.is_(None),
            Member.merged_into_id.is_(None),
        )
    )
    for member_id, nickname, remark, wechat_id, pinyin, group_nickname in rows:
        names.add(
            member_id,
            nickname=nickname,
            group_nickname=group_nickname,
            remark=remark,
            wechat_id=wechat_id,
            pinyin=pinyin,
        )
    return names
