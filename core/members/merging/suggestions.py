"""Suggestions: pairs of members who are probably one person, and "not the same person".

Certain pairs share a strong id; similar pairs have names alike and share a community or an
inviter. Candidates are blocked, never compared all against all (see the package's docstring).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.joins import joined_list, joined_phrases
from core.common.text import msg
from core.members.merging.names import SIMILAR_AT, Name, display_names, make_name, tidy_score
from db.models import Community, Member, Membership, NotSamePerson

# Strong ids, strongest first (samples/README.md), with their names in the evidence text.
STRONG_IDS: dict[str, str] = {
    "unionid": "unionid",
    "wxid": "wxid",
    "external_userid": msg("企业微信 ID"),
    "wechat_id": msg("微信号"),
    "phone": msg("手机号"),
}
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
_Found = tuple[int, str, Name, str, Name]
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
        self.names: dict[int, list[tuple[str, Name]]] = {}  # (kind, name), members with names
        self.nicknames: dict[int, str] = {}  # member → tidied nickname, when it has one
        self.communities: dict[int, set[int]] = {}
        book: dict[str, Name | None] = {}

        def name_of(raw: str) -> Name | None:
            try:
                return book[raw]
            except KeyError:
                book[raw] = made = make_name(raw.strip())
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


def _similar_names(names: Iterable[Name]) -> dict[str, list[tuple[str, int]]]:
    """tidy → the other tidied names (greater ones only) similar to it, with their score.

    Computed once over every distinct name: only names sharing a key are scored."""
    by_key: dict[str, list[Name]] = defaultdict(list)
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
                        scores[pair] = tidy_score(first, second)
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

    def add_block(self, block: list[int], names: dict[int, list[tuple[str, Name]]]) -> None:
        holders: dict[str, list[tuple[int, str, Name]]] = defaultdict(list)  # tidy → holders
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
    inviter_names = display_names(
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
