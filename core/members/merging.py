"""合并重复成员: who is probably the same person, merging two members into one, and undo.

Suggestions come in two kinds. *Certain* pairs share a strong id (unionid, wxid, WeCom
external id, 微信号, phone) yet are still two members, e.g. one was added by hand. *Similar*
pairs have names that look or sound alike (nickname, remark or a group nickname) AND share a
community or an inviter. A pair is never suggested when a strong id differs (both present and
different), when the user said "不是同一人", or when one is a team member and the other is not.
A team member's group nicknames are no evidence at all (staff take the shop's name as their
group nickname), and two group nicknames alike while the nicknames differ score GROUP_ONLY_SCORE.

Candidates are blocked, never compared all against all: within each community and within each
inviter's invitees, names are grouped by keys (the name tidied, its pinyin, the name with one
character left out), and only names sharing a key are scored. A block costs linear time in its
size: the 100000-member demo (300 groups) takes about 2.5 s, most of it reading the rows.

A merge hands every row of the merged member to the kept one and records in
`MemberMerge.moved` exactly what it did, so `undo_merge` can put every row back.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Table, and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.joins import joined_list, joined_phrases
from core.common.text import msg
from core.members.describe import describe_members
from core.members.editing import refresh_search_keys
from db.ledger_models import LedgerEntry, LedgerRedemption
from db.models import (
    ActivityEvent,
    Community,
    GroupNicknameHistory,
    Member,
    MemberMerge,
    Membership,
    MembershipEvent,
    MemberTag,
    NotSamePerson,
    Tag,
)

# ------------------------------------------------------------------------------ the rules

# Strong ids, strongest first (samples/README.md), with their names in the evidence text.
STRONG_IDS: dict[str, str] = {
    "unionid": "unionid",
    "wxid": "wxid",
    "external_userid": msg("企业微信 ID"),
    "wechat_id": msg("微信号"),
    "phone": msg("手机号"),
}
SIMILAR_AT = 85  # rapidfuzz ratio of the tidied names, 0–100, from which names are "similar"
# Two people whose only likeness is one 群昵称 ("3栋302", the shop's name) while their nicknames
# differ: worth a look, never a near-certain match; scored as the least similar names are.
GROUP_ONLY_SCORE = SIMILAR_AT
# A name shared by more people than this within one group is not evidence ("微信用户").
COMMON_NAME_MEMBERS = 12
# More members than this sharing one strong id: pair each with the oldest, not all with all.
STAR_ABOVE = 8
# A key (pinyin, name less one character) shared by more distinct names than this is too loose
# to compare all of them with each other; those names still meet through their other keys.
MAX_KEY_NAMES = 200
PLACEHOLDER_NAMES = frozenset(
    {"微信用户", "用户", "客户", "未知", "匿名", "无", "未命名", "unknown", "null", "none", "user"}
)
NAME_KINDS = {"nickname": msg("昵称"), "remark": msg("备注名"), "group": msg("群昵称")}
# A match between two kinds of name, one label each (other languages join them differently).
NAME_PAIRS = {
    ("nickname", "remark"): msg("昵称与备注名"),
    ("nickname", "group"): msg("昵称与群昵称"),
    ("remark", "nickname"): msg("备注名与昵称"),
    ("remark", "group"): msg("备注名与群昵称"),
    ("group", "nickname"): msg("群昵称与昵称"),
    ("group", "remark"): msg("群昵称与备注名"),
}
# Stronger first; the combined membership of a merged pair keeps the stronger role.
ROLE_STRENGTH = ("manager", "leader", "executor", "contributor", "connector", "follower")

# Tables whose rows belong to a member through one column: a merge hands the merged member's
# rows to the kept one and `moved["rows"][key]` lists their ids; undo hands exactly those rows
# back. A later feature with such a table (the points ledger) adds one line here.
REASSIGNED: dict[str, tuple[Table, str]] = {
    "memberships": (Membership.__table__, "member_id"),  # after shared groups are combined
    "membership_events": (MembershipEvent.__table__, "member_id"),
    "group_nickname_history": (GroupNicknameHistory.__table__, "member_id"),
    "activity_events": (ActivityEvent.__table__, "member_id"),
    "invitations": (Member.__table__, "inviter_id"),  # the people the merged member invited
    "owned_communities": (Community.__table__, "owner_member_id"),
    # The points ledger: append-only, but its triggers allow handing entries to another member.
    "ledger_entries": (LedgerEntry.__table__, "member_id"),
    "ledger_invitees": (LedgerEntry.__table__, "related_member_id"),
    "ledger_redemptions": (LedgerRedemption.__table__, "member_id"),
}
REASSIGNED_LABELS = {
    "memberships": msg("入群记录"),
    "membership_events": msg("入退群记录"),
    "group_nickname_history": msg("群昵称记录"),
    "activity_events": msg("行为记录"),
    "invitations": msg("邀请关系"),
    "owned_communities": msg("群主身份"),
    "ledger_entries": msg("积分流水"),
    "ledger_invitees": msg("作为被邀请人的积分奖励"),
    "ledger_redemptions": msg("积分兑换"),
}
# Member fields the kept member takes from the merged one when its own is empty.
FILLED_FIELDS = (
    "nickname",
    "remark",
    "wechat_id",
    "wxid",
    "unionid",
    "external_userid",
    "phone",
    "gender",
    "birthday",
    "city",
    "source_channel",
    "notes",
    "inviter_id",
    "custom_fields",
)
SEARCH_FIELDS = ("search_pinyin", "search_initials", "phone_tail", "search_text")
MOVED_VERSION = 1
_CHUNK = 500  # ids per IN (...) list


# ------------------------------------------------------------------------------ names


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
class _Name:
    raw: str
    tidy: str
    pinyin: str
    keys: tuple[str, ...]  # the names this one is compared with share one of these


@functools.lru_cache(maxsize=32768)  # the same names again when the dialog reloads
def _make_name(raw: str) -> _Name | None:
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
    return _Name(raw, tidy, pinyin, tuple(keys))


def name_similarity(a: str, b: str) -> int:
    """0–100: 100 the same name, 95 the same once tidied, 90 the same pinyin, else the
    rapidfuzz ratio of the tidied names (at most 94), or 0 below SIMILAR_AT."""
    first, second = _make_name(a), _make_name(b)
    if first is None or second is None:
        return 0
    if first.raw == second.raw:
        return 100
    if first.tidy == second.tidy:
        return 95
    return _tidy_score(first, second)


def _tidy_score(a: _Name, b: _Name) -> int:
    """Similarity of two different tidied names: 90 for the same pinyin, else the ratio."""
    if len(a.tidy) >= 2 and a.pinyin == b.pinyin:
        return 90
    ratio = fuzz.ratio(a.tidy, b.tidy, score_cutoff=SIMILAR_AT)
    return min(94, int(ratio)) if ratio else 0


# ------------------------------------------------------------------------------ suggestions


@dataclass(frozen=True)
class MergeSuggestion:
    """Two members (a_id < b_id) who are probably one person, and why."""

    a_id: int
    b_id: int
    score: int  # 100 for a certain pair, else the name similarity
    certain: bool  # the same strong id
    evidence: str  # 昵称相似 92%（…），同在 麦香烘焙福利1群
    shared_community_ids: tuple[int, ...] = ()
    same_inviter: bool = False
    reasons: tuple[str, ...] = ()  # the parts of `evidence`, strongest first


# The best name match of a pair: (score, kind of a's name, a's name, kind of b's, b's name).
_Found = tuple[int, str, _Name, str, _Name]
_NO_GROUPS: frozenset[int] = frozenset()
_WECHAT = list(STRONG_IDS).index("wechat_id")


def _fetch_all(session: Session, statement) -> list[tuple]:
    """Every row of a parameterless SELECT straight from the driver: at 100000 rows the
    Result layer costs as much as the query itself."""
    sql = str(statement.compile(dialect=session.get_bind().dialect))
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


class _Population:
    """What suggestions need of every member not merged away, in plain containers (objects per
    member cost more than the query at 100000 members)."""

    def __init__(self, session: Session) -> None:
        m, ms = Member.__table__, Membership.__table__
        columns = [m.c.id, m.c.is_team, m.c.inviter_id, m.c.nickname, m.c.remark]
        columns += [m.c[name] for name in STRONG_IDS]
        rows = _fetch_all(session, select(*columns).where(m.c.merged_into_id.is_(None)))
        # id → (id, is_team, inviter_id, nickname, remark, *strong ids in STRONG_IDS order)
        self.rows: dict[int, tuple] = {row[0]: row for row in rows}
        self.names: dict[int, list[tuple[str, _Name]]] = {}  # (kind, name), members with names
        self.nicknames: dict[int, str] = {}  # member → tidied nickname, when it has one
        self.communities: dict[int, set[int]] = {}
        book: dict[str, _Name | None] = {}

        def name_of(raw: str) -> _Name | None:
            try:
                return book[raw]
            except KeyError:
                book[raw] = made = _make_name(raw.strip())
                return made

        for member_id, _, _, nickname, remark, *_ in rows:
            found = []
            if nickname and (name := name_of(nickname)) is not None:
                found.append(("nickname", name))
                self.nicknames[member_id] = name.tidy
            if remark and remark != nickname and (name := name_of(remark)) is not None:
                found.append(("remark", name))
            if found:
                self.names[member_id] = found
        for member_id, community_id, group_nickname in _fetch_all(
            session, select(ms.c.member_id, ms.c.community_id, ms.c.group_nickname)
        ):
            if member_id not in self.rows:
                continue
            if self.rows[member_id][1]:  # a team member: the shop's name, not theirs
                group_nickname = None
            groups = self.communities.get(member_id)
            if groups is None:
                self.communities[member_id] = {community_id}
            else:
                groups.add(community_id)
            if group_nickname and (name := name_of(group_nickname)) is not None:
                known = self.names.setdefault(member_id, [])
                if all(other is not name for _, other in known):
                    known.append(("group", name))

    def is_team(self, member_id: int) -> bool:
        return bool(self.rows[member_id][1])

    def inviter(self, member_id: int) -> int | None:
        return self.rows[member_id][2]

    def groups(self, member_id: int) -> set[int] | frozenset[int]:
        return self.communities.get(member_id, _NO_GROUPS)

    def shared(self, pair: tuple[int, int]) -> set[int] | frozenset[int]:
        return self.groups(pair[0]) & self.groups(pair[1])

    def nicknames_differ(self, pair: tuple[int, int]) -> bool:
        """Both have a nickname, and they are not the same once tidied."""
        a, b = self.nicknames.get(pair[0]), self.nicknames.get(pair[1])
        return a is not None and b is not None and a != b

    def same_inviter(self, pair: tuple[int, int]) -> bool:
        inviter = self.inviter(pair[0])
        return inviter is not None and inviter == self.inviter(pair[1])

    def conflict(self, pair: tuple[int, int]) -> bool:
        """A strong id present on both and different: two people, whatever their names say."""
        a, b = self.rows[pair[0]][5:], self.rows[pair[1]][5:]
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x and y and x != y and (index != _WECHAT or x.casefold() != y.casefold()):
                return True
        return False

    def blocks(self) -> Iterator[list[int]]:
        """Members who could be one person: each community's members, each inviter's
        invitees; team members apart (they pair only with each other), and each distinct block
        once (the team is in every group)."""
        by_block: dict[tuple, list[int]] = defaultdict(list)
        for member_id in self.names:
            row = self.rows[member_id]
            team = bool(row[1])
            for community_id in self.groups(member_id):
                by_block[("group", community_id, team)].append(member_id)
            if row[2] is not None:
                by_block[("inviter", row[2], team)].append(member_id)
        seen: set[frozenset[int]] = set()
        for block in by_block.values():
            if len(block) < 2:
                continue
            ids = frozenset(block)
            if ids not in seen:
                seen.add(ids)
                yield block


def _similar_names(names: Iterable[_Name]) -> dict[str, list[tuple[str, int]]]:
    """tidy → the other tidied names (greater ones only) similar to it, with their score.

    Computed once over every distinct name: only names sharing a key are scored."""
    by_key: dict[str, list[_Name]] = defaultdict(list)
    for name in names:
        for key in name.keys:
            by_key[key].append(name)
    scores: dict[tuple[str, str], int] = {}
    for group in by_key.values():
        if 1 < len(group) <= MAX_KEY_NAMES:
            for i, first in enumerate(group):
                for second in group[i + 1 :]:
                    if first.tidy < second.tidy:
                        pair = (first.tidy, second.tidy)
                    else:
                        pair = (second.tidy, first.tidy)
                    if pair not in scores:
                        scores[pair] = _tidy_score(first, second)
    similar: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (first, second), score in scores.items():
        if score:
            similar[first].append((second, score))
    return similar


class _Matcher:
    """Records the best name match of every pair of people within a block."""

    def __init__(self, similar: dict[str, list[tuple[str, int]]], nicknames: dict[int, str]):
        self.similar = similar
        self.nicknames = nicknames  # member → tidied nickname (for group-nickname-only matches)
        self.found: dict[tuple[int, int], _Found] = {}

    def add_block(self, block: list[int], names: dict[int, list[tuple[str, _Name]]]) -> None:
        holders: dict[str, list[tuple[int, str, _Name]]] = defaultdict(list)  # tidy → holders
        for member_id in block:
            for kind, name in names[member_id]:
                holders[name.tidy].append((member_id, kind, name))

        # 20 people called 开心果 in one group: that is a name, not a person.
        common = {
            tidy
            for tidy, entries in holders.items()
            if len(entries) > COMMON_NAME_MEMBERS
            and len({member_id for member_id, _, _ in entries}) > COMMON_NAME_MEMBERS
        }
        similar = self.similar
        for tidy, entries in holders.items():
            if len(entries) > 1 and tidy not in common:
                self._record(entries, entries, 0)
            if tidy in similar and tidy not in common:
                for other, score in similar[tidy]:
                    if other in holders and other not in common:
                        self._record(entries, holders[other], score)

    def _record(self, firsts: list, seconds: list, score: int) -> None:
        """Every pair of two people across the two lists; `score` 0: the same tidied name."""
        found = self.found
        nicknames = self.nicknames
        same = firsts is seconds
        for i, (first, first_kind, first_name) in enumerate(firsts):
            for second, second_kind, second_name in seconds[i + 1 :] if same else seconds:
                if first == second:
                    continue
                value = score or (100 if first_name.raw == second_name.raw else 95)
                if first_kind == second_kind == "group" and value > GROUP_ONLY_SCORE:
                    mine, theirs = nicknames.get(first), nicknames.get(second)
                    if mine is not None and theirs is not None and mine != theirs:
                        value = GROUP_ONLY_SCORE  # one 群昵称 alike, the nicknames not
                if first < second:
                    pair = (first, second)
                    match = (value, first_kind, first_name, second_kind, second_name)
                else:
                    pair = (second, first)
                    match = (value, second_kind, second_name, first_kind, first_name)
                best = found.get(pair)
                if best is None or value > best[0]:
                    found[pair] = match


def _certain_pairs(session: Session) -> dict[tuple[int, int], list[str]]:
    """Pairs of members sharing a strong id → the names of the ids they share."""
    m = Member.__table__
    pairs: dict[tuple[int, int], list[str]] = defaultdict(list)
    for name, label in STRONG_IDS.items():
        column = func.lower(m.c[name]) if name == "wechat_id" else m.c[name]
        live = and_(m.c.merged_into_id.is_(None), m.c[name].is_not(None), m.c[name] != "")
        shared = select(column).where(live).group_by(column).having(func.count() > 1)
        holders: dict[str, list[int]] = defaultdict(list)
        for value, member_id in session.execute(
            select(column, m.c.id).where(live, column.in_(shared)).order_by(m.c.id)
        ):
            holders[value].append(member_id)
        for ids in holders.values():
            if len(ids) > STAR_ABOVE:
                candidates = [(ids[0], other) for other in ids[1:]]
            else:
                candidates = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
            for pair in candidates:
                pairs[pair].append(label)
    return pairs


def _not_same_pairs(session: Session) -> set[tuple[int, int]]:
    table = NotSamePerson.__table__
    return {tuple(row) for row in session.execute(select(table.c.member_a_id, table.c.member_b_id))}


def merge_suggestions(
    session: Session, *, limit: int = 200, community_id: int | None = None
) -> list[MergeSuggestion]:
    """Pairs of members who are probably the same person, certain pairs first, best first.

    `community_id`: only pairs in which at least one of the two belongs to that community.
    """
    people = _Population(session)
    refused = _not_same_pairs(session)
    certain = _certain_pairs(session)
    distinct = {name.tidy: name for names in people.names.values() for _, name in names}
    matcher = _Matcher(_similar_names(distinct.values()), people.nicknames)
    for block in people.blocks():
        matcher.add_block(block, people.names)
    found = matcher.found

    def allowed(pair: tuple[int, int]) -> bool:
        if pair in refused or people.is_team(pair[0]) != people.is_team(pair[1]):
            return False
        if people.conflict(pair):
            return False
        return community_id is None or any(community_id in people.groups(m) for m in pair)

    def context(pair: tuple[int, int]) -> int:
        return len(people.shared(pair)) + people.same_inviter(pair)

    # Certain pairs first (more shared ids first), then by name score, each tier by how much
    # the two share; lower tiers are not even ranked once `limit` pairs are found.
    chosen = sorted(
        filter(allowed, certain),
        key=lambda p: (-len(certain[p]), -(found[p][0] if p in found else 0), -context(p), p),
    )[:limit]
    by_score: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pair, match in found.items():
        if pair not in certain:
            by_score[match[0]].append(pair)
    for score in sorted(by_score, reverse=True):
        if len(chosen) >= limit:
            break
        tier = sorted(filter(allowed, by_score[score]), key=lambda p: (-context(p), p))
        chosen += tier[: limit - len(chosen)]

    community_names = _community_names(session, {c for p in chosen for c in people.shared(p)})
    inviter_names = _display_names(
        session, {people.inviter(p[0]) for p in chosen if people.same_inviter(p)}
    )
    suggestions = []
    for pair in chosen:
        reasons = []
        if strong := certain.get(pair):
            reasons.append(msg("{identifiers}相同", identifiers=joined_list(strong)))
        if pair in found:
            reasons.append(_name_evidence(found[pair]))
            if found[pair][1] == found[pair][3] == "group" and people.nicknames_differ(pair):
                a, b = (people.rows[member_id][3].strip() for member_id in pair)
                reasons.append(msg("昵称不同（{a} / {b}）", a=a, b=b))
        shared = sorted(people.shared(pair), key=lambda c: (community_names.get(c, ""), c))
        if shared:
            shown = joined_list([community_names.get(c, f"#{c}") for c in shared[:2]])
            if len(shared) > 2:
                reasons.append(
                    msg("同在 {groups} 等 {count} 个群", groups=shown, count=len(shared))
                )
            else:
                reasons.append(msg("同在 {groups}", groups=shown))
        if same_inviter := people.same_inviter(pair):
            inviter = inviter_names.get(people.inviter(pair[0]), "")
            if inviter.rstrip():
                reasons.append(msg("同一邀请人 {name}", name=inviter.rstrip()))
            else:
                reasons.append(msg("同一邀请人"))
        suggestions.append(
            MergeSuggestion(
                a_id=pair[0],
                b_id=pair[1],
                score=100 if strong else found[pair][0],
                certain=bool(strong),
                evidence=joined_phrases(reasons),
                shared_community_ids=tuple(shared),
                same_inviter=same_inviter,
                reasons=tuple(reasons),
            )
        )
    return suggestions


def _name_evidence(found: _Found) -> str:
    score, a_kind, a, b_kind, b = found
    label = NAME_KINDS[a_kind] if a_kind == b_kind else NAME_PAIRS[(a_kind, b_kind)]
    if a.raw == b.raw:  # whatever it scores (a shared 群昵称 alone scores low)
        return msg("{names}相同「{name}」", names=label, name=a.raw)
    if score == 90:
        return msg("{names}读音相同（{a} / {b}）", names=label, a=a.raw, b=b.raw)
    return msg("{names}相似 {score}%（{a} / {b}）", names=label, score=score, a=a.raw, b=b.raw)


def _community_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    c = Community.__table__
    return dict(session.execute(select(c.c.id, c.c.name).where(c.c.id.in_(ids))).all())


def _display_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    m = Member.__table__
    rows = session.execute(select(m.c.id, m.c.nickname, m.c.remark).where(m.c.id.in_(ids)))
    return {
        member_id: nickname or remark or f"#{member_id}" for member_id, nickname, remark in rows
    }


def mark_not_same_person(session: Session, a: int, b: int) -> None:
    """Remember that these two are different people: they are never suggested again."""
    if a == b:
        raise UserError(msg("请选择两位不同的成员"))
    first, second = sorted((a, b))
    found = session.scalar(select(func.count()).select_from(Member).where(Member.id.in_((a, b))))
    if found != 2:
        raise UserError(msg("找不到这两位成员，可能已被删除"))
    if session.get(NotSamePerson, (first, second)) is None:
        session.add(NotSamePerson(member_a_id=first, member_b_id=second, decided_at=datetime.now()))
        session.flush()


# ------------------------------------------------------------------------------ the dialog's view


@dataclass
class MergeSide:
    """One member of a suggested pair, as the merge dialog shows it (unmasked: mask to show)."""

    id: int
    nickname: str
    remark: str
    wechat_id: str | None
    phone: str | None
    is_team: bool
    created_at: datetime
    last_active_at: datetime | None
    communities: list[tuple[str, datetime | None, datetime | None]]  # name, joined, left
    tags: list[str]
    activity_count: int
    description: str = ""  # the name and what tells them apart (core.members.describe)

    @property
    def first_joined(self) -> datetime | None:
        joined = [when for _, when, _ in self.communities if when is not None]
        return min(joined) if joined else None


def merge_sides(session: Session, ids: Iterable[int]) -> dict[int, MergeSide]:
    """What the dialog shows of each member: names, ids, groups with join dates, activity."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    sides: dict[int, MergeSide] = {}
    m = Member.__table__
    for chunk in _chunks(ids):
        for row in session.execute(
            select(
                m.c.id,
                m.c.nickname,
                m.c.remark,
                m.c.wechat_id,
                m.c.phone,
                m.c.is_team,
                m.c.created_at,
                m.c.last_active_at,
            ).where(m.c.id.in_(chunk))
        ):
            sides[row.id] = MergeSide(*row, communities=[], tags=[], activity_count=0)
        for member_id, name, joined, left in session.execute(
            select(Membership.member_id, Community.name, Membership.joined_at, Membership.left_at)
            .join(Community, Community.id == Membership.community_id)
            .where(Membership.member_id.in_(chunk))
            .order_by(Membership.joined_at.is_(None), Membership.joined_at, Community.name)
        ):
            sides[member_id].communities.append((name, joined, left))
        for member_id, name in session.execute(
            select(MemberTag.member_id, Tag.name)
            .join(Tag, Tag.id == MemberTag.tag_id)
            .where(MemberTag.member_id.in_(chunk))
            .order_by(Tag.name)
        ):
            sides[member_id].tags.append(name)
        for member_id, count in session.execute(
            select(ActivityEvent.member_id, func.count())
            .where(ActivityEvent.member_id.in_(chunk))
            .group_by(ActivityEvent.member_id)
        ):
            sides[member_id].activity_count = count
        for member_id, description in describe_members(session, chunk).items():
            sides[member_id].description = description
    return sides


def default_kept(a: MergeSide, b: MergeSide) -> int:
    """The member to keep unless the user chooses: the more active, then the older one."""

    def rank(side: MergeSide) -> tuple:
        joined = side.first_joined or datetime.max
        return (-side.activity_count, joined, side.created_at, side.id)

    return min((a, b), key=rank).id


# ------------------------------------------------------------------------------ merging


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _encode(value: Any) -> Any:
    """A column value as JSON (for `moved`): dates and times tagged, so undo gets them back."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, dict):
        return {"json": value}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        ((kind, inner),) = value.items()
        if kind == "datetime":
            return datetime.fromisoformat(inner)
        if kind == "date":
            return date.fromisoformat(inner)
        return inner
    return value


def _encode_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: _encode(value) for name, value in row.items()}


def _decode_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: _decode(value) for name, value in row.items()}


def _row(session: Session, table: Table, row_id: int) -> dict[str, Any] | None:
    found = session.execute(select(table).where(table.c.id == row_id)).mappings().first()
    return dict(found) if found is not None else None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {}


def _stronger(a: str, b: str) -> str:
    rank = {role: i for i, role in enumerate(ROLE_STRENGTH)}
    return min(a, b, key=lambda role: rank.get(role, len(rank)))


def combine_memberships(kept: dict[str, Any], merged: dict[str, Any]) -> dict[str, Any]:
    """The values one membership takes when both members were in the same community: the
    earliest join (with its channel), a non-empty group nickname (the kept one's first), the
    stronger role, seed user if either was, and left only if both left (the later leave)."""
    joined = [m for m in (kept, merged) if m["joined_at"] is not None]
    first = min(joined, key=lambda m: m["joined_at"]) if joined else kept
    other = merged if first is kept else kept
    both_left = kept["left_at"] is not None and merged["left_at"] is not None
    return {
        "joined_at": first["joined_at"],
        "join_channel": first["join_channel"] or other["join_channel"],
        "group_nickname": kept["group_nickname"] or merged["group_nickname"],
        "role": _stronger(kept["role"], merged["role"]),
        "is_seed_user": bool(kept["is_seed_user"] or merged["is_seed_user"]),
        "left_at": max(kept["left_at"], merged["left_at"]) if both_left else None,
    }


def _live_member(session: Session, member_id: int, *, kept: bool) -> dict[str, Any]:
    row = _row(session, Member.__table__, member_id)
    if row is None:
        if kept:
            raise UserError(msg("找不到要保留的成员（编号 {id}），可能已被删除", id=member_id))
        raise UserError(msg("找不到要合并的成员（编号 {id}），可能已被删除", id=member_id))
    if row["merged_into_id"] is not None:
        name = row["nickname"]
        if kept:
            raise UserError(
                msg("要保留的成员「{name}」已被合并到其他成员，请刷新后重试", name=name)
            )
        raise UserError(msg("要合并的成员「{name}」已被合并到其他成员，请刷新后重试", name=name))
    return row


def merge_members(session: Session, kept_id: int, merged_id: int) -> int:
    """Fold `merged_id` into `kept_id`; return the merge's id (for `undo_merge`).

    Every membership, tag, activity, join/leave and group-nickname record and invitation of the
    merged member goes to the kept one; where both were in one community the two memberships
    become one (see `combine_memberships`). The kept member's empty fields are filled from the
    merged one, never overwritten. The merged member stays, hidden, with `merged_into_id` set.
    """
    if kept_id == merged_id:
        raise UserError(msg("不能把成员合并到自己"))
    session.flush()
    kept = _live_member(session, kept_id, kept=True)
    merged = _live_member(session, merged_id, kept=False)
    if bool(kept["is_team"]) != bool(merged["is_team"]):
        raise UserError(msg("团队成员只能与团队成员合并：请先把两人的「团队成员」设成一致"))
    from core.ledger.merges import merge_blocker  # here: the ledger imports members' modules

    if (blocker := merge_blocker(session, kept_id, merged_id)) is not None:
        raise UserError(blocker)
    now = datetime.now()
    moved: dict[str, Any] = {"version": MOVED_VERSION, "rows": {}}
    # Recorded first: the ledger's triggers let an entry change member only along a merge
    # that is recorded and not undone.
    record = MemberMerge(kept_id=kept_id, merged_id=merged_id, merged_at=now, moved={})
    session.add(record)
    session.flush()

    moved["combined_memberships"] = _combine_shared_memberships(session, kept_id, merged_id)
    moved["tags"] = _move_tags(session, kept_id, merged_id)
    moved["not_same_person"] = _move_not_same_person(session, kept_id, merged_id)

    changes: dict[str, Any] = {}
    for name in FILLED_FIELDS:
        value, own = merged[name], kept[name]
        if name == "inviter_id":
            if own == merged_id:  # the merged member "invited" the kept one: that is themselves
                changes[name] = value if value != kept_id else None
            elif own is None and value is not None and value != kept_id:
                changes[name] = value
        elif name == "custom_fields":
            combined = {**(value or {}), **(own or {})}
            if combined != (own or {}):
                changes[name] = combined
        elif _empty(own) and not _empty(value):
            changes[name] = value
    latest = [t for t in (kept["last_active_at"], merged["last_active_at"]) if t is not None]
    if latest and max(latest) != kept["last_active_at"]:
        changes["last_active_at"] = max(latest)
    changes["updated_at"] = now
    members = Member.__table__
    session.execute(update(members).where(members.c.id == kept_id).values(**changes))

    for key, (table, column) in REASSIGNED.items():
        condition = table.c[column] == merged_id
        if key == "invitations":
            condition = and_(condition, table.c.id != kept_id)
        ids = sorted(session.scalars(select(table.c.id).where(condition)))
        for chunk in _chunks(ids):
            session.execute(update(table).where(table.c.id.in_(chunk)).values({column: kept_id}))
        moved["rows"][key] = ids

    session.execute(
        update(members)
        .where(members.c.id == merged_id)
        .values(merged_into_id=kept_id, updated_at=now)
    )
    moved["merged_member"] = {"before": _encode_row({"updated_at": merged["updated_at"]})}

    session.expire_all()
    member = session.get(Member, kept_id)
    refresh_search_keys(session, member)
    session.flush()
    after = _row(session, members, kept_id)
    changed = [*changes, *SEARCH_FIELDS]
    moved["kept_member"] = {
        "before": _encode_row({name: kept[name] for name in changed}),
        "after": _encode_row({name: after[name] for name in changed}),
    }
    record = session.get(MemberMerge, record.id)
    record.moved = moved
    session.flush()
    return record.id


def _combine_shared_memberships(session: Session, kept_id: int, merged_id: int) -> list[dict]:
    table = Membership.__table__
    rows = session.execute(
        select(table).where(table.c.member_id.in_((kept_id, merged_id)))
    ).mappings()
    by_community: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows:
        by_community[row["community_id"]][row["member_id"]] = dict(row)
    combined = []
    for community_id in sorted(by_community):
        pair = by_community[community_id]
        if len(pair) < 2:
            continue
        kept, merged = pair[kept_id], pair[merged_id]
        values = combine_memberships(kept, merged)
        session.execute(delete(table).where(table.c.id == merged["id"]))
        session.execute(update(table).where(table.c.id == kept["id"]).values(**values))
        combined.append(
            {
                "kept": kept["id"],
                "before": _encode_row({name: kept[name] for name in values}),
                "after": _encode_row(values),
                "merged_row": _encode_row(merged),
            }
        )
    return combined


def _move_tags(session: Session, kept_id: int, merged_id: int) -> dict[str, list[int]]:
    table = MemberTag.__table__
    mine = set(session.scalars(select(table.c.tag_id).where(table.c.member_id == kept_id)))
    theirs = set(session.scalars(select(table.c.tag_id).where(table.c.member_id == merged_id)))
    moving, shared = sorted(theirs - mine), sorted(theirs & mine)
    if moving:
        session.execute(
            update(table)
            .where(table.c.member_id == merged_id, table.c.tag_id.in_(moving))
            .values(member_id=kept_id)
        )
    if shared:
        session.execute(
            delete(table).where(table.c.member_id == merged_id, table.c.tag_id.in_(shared))
        )
    return {"moved": moving, "shared": shared}


def _move_not_same_person(session: Session, kept_id: int, merged_id: int) -> dict[str, list]:
    """ "Not the same person as X" said of the merged member holds for the kept one too."""
    table = NotSamePerson.__table__
    a, b = table.c.member_a_id, table.c.member_b_id
    rows = session.execute(
        select(a, b, table.c.decided_at).where(or_(a == merged_id, b == merged_id))
    ).all()
    removed, added = [], []
    for first, second, decided_at in rows:
        session.execute(delete(table).where(a == first, b == second))
        removed.append([first, second, _encode(decided_at)])
        other = second if first == merged_id else first
        if other == kept_id:
            continue  # the user merges a pair once called different: the merge decides
        pair = sorted((kept_id, other))
        exists = session.execute(select(a).where(a == pair[0], b == pair[1])).first()
        if exists is None:
            session.execute(
                insert(table).values(
                    member_a_id=pair[0], member_b_id=pair[1], decided_at=decided_at
                )
            )
            added.append(pair)
    return {"removed": removed, "added": added}


# ------------------------------------------------------------------------------ undo


def _blocking_merge(session: Session, record: MemberMerge) -> MemberMerge | None:
    """A later merge, not undone, that involves either member of this one."""
    members = (record.kept_id, record.merged_id)
    return session.scalars(
        select(MemberMerge)
        .where(
            MemberMerge.id > record.id,
            MemberMerge.undone_at.is_(None),
            or_(MemberMerge.kept_id.in_(members), MemberMerge.merged_id.in_(members)),
        )
        .order_by(MemberMerge.id.desc())
        .limit(1)
    ).first()


def undo_merge(session: Session, merge_id: int) -> None:
    """Put back exactly what `merge_members` did: the merged member reappears with all its rows.

    Refused when the merge was already undone, or when a later merge involved either member
    (undo that one first). Values edited since the merge are left as they are now.
    """
    session.flush()
    record = session.get(MemberMerge, merge_id)
    if record is None:
        raise UserError(msg("找不到这次合并（编号 {id}）", id=merge_id))
    if record.undone_at is not None:
        raise UserError(
            msg("这次合并已在 {time} 撤销过了", time=f"{record.undone_at:%Y-%m-%d %H:%M}")
        )
    later = _blocking_merge(session, record)
    if later is not None:
        names = _display_names(session, {later.kept_id, later.merged_id})
        raise UserError(
            msg(
                "之后还有一次合并涉及这两位成员（{merged} → {kept}，{time}），请先撤销那一次",
                merged=names.get(later.merged_id, ""),
                kept=names.get(later.kept_id, ""),
                time=f"{later.merged_at:%Y-%m-%d %H:%M}",
            )
        )
    moved = record.moved or {}
    if moved.get("version") != MOVED_VERSION:
        raise UserError(msg("这次合并由其他版本的程序记录，无法撤销"))
    from core.ledger.merges import undo_blocker  # here: the ledger imports members' modules

    if (blocker := undo_blocker(session, merge_id)) is not None:
        raise UserError(blocker)
    kept_id, merged_id = record.kept_id, record.merged_id
    members = Member.__table__
    merged = _row(session, members, merged_id)
    if merged is None or merged["merged_into_id"] != kept_id:
        raise UserError(msg("被合并的成员已不在原处，无法撤销这次合并"))

    for key, ids in moved.get("rows", {}).items():
        if key not in REASSIGNED:
            raise UserError(msg("这次合并移动过本程序不认识的数据（{key}），无法撤销", key=key))
        table, column = REASSIGNED[key]
        for chunk in _chunks(ids):
            session.execute(
                update(table)
                .where(table.c.id.in_(chunk), table.c[column] == kept_id)
                .values({column: merged_id})
            )

    memberships = Membership.__table__
    for combined in moved.get("combined_memberships", []):
        _restore(session, memberships, combined["kept"], combined["before"], combined["after"])
        row = _decode_row(combined["merged_row"])
        clash = session.execute(
            select(memberships.c.id).where(
                memberships.c.member_id == row["member_id"],
                memberships.c.community_id == row["community_id"],
            )
        ).first()
        if clash is None:
            session.execute(insert(memberships).values(**row))

    tags = MemberTag.__table__
    if moving := moved.get("tags", {}).get("moved"):
        session.execute(
            update(tags)
            .where(tags.c.member_id == kept_id, tags.c.tag_id.in_(moving))
            .values(member_id=merged_id)
        )
    if shared := moved.get("tags", {}).get("shared"):
        still = set(session.scalars(select(Tag.id).where(Tag.id.in_(shared))))
        if still:
            session.execute(
                insert(tags), [{"member_id": merged_id, "tag_id": t} for t in sorted(still)]
            )

    not_same = NotSamePerson.__table__
    decisions = moved.get("not_same_person", {})
    for first, second in decisions.get("added", []):
        session.execute(
            delete(not_same).where(
                not_same.c.member_a_id == first, not_same.c.member_b_id == second
            )
        )
    for first, second, decided_at in decisions.get("removed", []):
        present = session.execute(
            select(not_same.c.member_a_id).where(
                not_same.c.member_a_id == first, not_same.c.member_b_id == second
            )
        ).first()
        if present is None:
            session.execute(
                insert(not_same).values(
                    member_a_id=first, member_b_id=second, decided_at=_decode(decided_at)
                )
            )

    before = _decode_row(moved.get("merged_member", {}).get("before", {}))
    session.execute(
        update(members).where(members.c.id == merged_id).values(merged_into_id=None, **before)
    )
    kept_change = moved.get("kept_member", {})
    kept_before, kept_after = kept_change.get("before", {}), kept_change.get("after", {})
    plain = [name for name in kept_before if name not in SEARCH_FIELDS]
    untouched = _restore(
        session,
        members,
        kept_id,
        {n: kept_before[n] for n in plain},
        {n: kept_after[n] for n in plain},
    )
    session.expire_all()
    if untouched and all(n in kept_before for n in SEARCH_FIELDS):
        _restore(
            session,
            members,
            kept_id,
            {n: kept_before[n] for n in SEARCH_FIELDS},
            {n: kept_after[n] for n in SEARCH_FIELDS},
            force=True,
        )
    else:
        member = session.get(Member, kept_id)
        if member is not None:
            refresh_search_keys(session, member)
    record.undone_at = datetime.now()
    session.flush()
    session.expire_all()


def _restore(
    session: Session,
    table: Table,
    row_id: int,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    force: bool = False,
) -> bool:
    """Set the columns back to `before` where they still hold what the merge set (`after`).

    True when every column could be restored (nothing was edited since the merge)."""
    current = _row(session, table, row_id)
    if current is None:
        return False
    values, untouched = {}, True
    for name, encoded in before.items():
        if force or current[name] == _decode(after[name]):
            values[name] = _decode(encoded)
        else:
            untouched = False
    if values:
        session.execute(update(table).where(table.c.id == row_id).values(**values))
    return untouched


# ------------------------------------------------------------------------------ history


@dataclass(frozen=True)
class MergeRecord:
    """One merge as the history list shows it."""

    id: int
    kept_id: int
    merged_id: int
    kept_name: str
    merged_name: str
    merged_at: datetime
    undone_at: datetime | None
    summary: str  # 3 条入群记录、120 条行为记录、2 个标签
    can_undo: bool
    blocked_by: int | None  # the later merge to undo first


def _summary(moved: dict) -> str:
    parts = []
    rows = moved.get("rows", {})
    if combined := len(moved.get("combined_memberships", [])):
        parts.append(msg("{count} 个共同社群的入群记录合为一条", count=combined))
    for key, ids in rows.items():
        if ids:
            what = REASSIGNED_LABELS.get(key, key)
            parts.append(msg("{count} 条{records}", count=len(ids), records=what))
    tags = moved.get("tags", {})
    if count := len(tags.get("moved", [])) + len(tags.get("shared", [])):
        parts.append(msg("{count} 个标签", count=count))
    filled = [
        name
        for name in moved.get("kept_member", {}).get("before", {})
        if name in FILLED_FIELDS and name != "inviter_id"
    ]
    if filled:
        parts.append(msg("补全 {count} 项资料", count=len(filled)))
    return joined_list(parts) or msg("没有其他记录")


def merge_history(session: Session, limit: int = 20) -> list[MergeRecord]:
    """The latest merges, newest first, each saying whether it can be undone now."""
    records = list(
        session.scalars(select(MemberMerge).order_by(MemberMerge.id.desc()).limit(limit))
    )
    if not records:
        return []
    active = session.execute(
        select(MemberMerge.id, MemberMerge.kept_id, MemberMerge.merged_id).where(
            MemberMerge.undone_at.is_(None), MemberMerge.id > min(r.id for r in records)
        )
    ).all()
    names = _display_names(session, {r.kept_id for r in records} | {r.merged_id for r in records})
    result = []
    for record in records:
        blocked_by = None
        if record.undone_at is None:
            involved = {record.kept_id, record.merged_id}
            later = [
                merge_id
                for merge_id, kept, merged in active
                if merge_id > record.id and {kept, merged} & involved
            ]
            blocked_by = max(later) if later else None
        result.append(
            MergeRecord(
                id=record.id,
                kept_id=record.kept_id,
                merged_id=record.merged_id,
                kept_name=names.get(record.kept_id, f"#{record.kept_id}"),
                merged_name=names.get(record.merged_id, f"#{record.merged_id}"),
                merged_at=record.merged_at,
                undone_at=record.undone_at,
                summary=_summary(record.moved or {}),
                can_undo=record.undone_at is None and blocked_by is None,
                blocked_by=blocked_by,
            )
        )
    return result
