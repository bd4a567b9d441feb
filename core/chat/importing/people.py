"""Who each person a chat names is: an existing member, a new one, or a question.

A person with a wxid is the member with that wxid (WeCom: external_userid); else, in the
group, the one member without a wxid whose name is exactly theirs; else a new member. A person
named only by a name (a join message, text copied from the client) is matched by the member
name matcher against the group's members and the chat's own people with a wxid: one fits, that
one; two or more fit (the two 小雨), a question with them as candidates, never a guess; nobody,
a new member. "你" is the exporting account. An answer (`name → member`, or `name → 新成员`
for someone else of that name) settles a question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.chat.model import Person
from core.common.errors import UserError
from core.common.ids import is_row_id
from core.common.text import msg
from core.members.lookup import find_member, live_members_by_id
from core.members.name_match import EXACT, MemberNames, community_member_names, match_key
from db.models import Community, Member, Membership

SELF = "self"
SELF_NAMES = ("我", "你")  # how an answer names the exporting account
NEW_MEMBER = "新成员"  # the answer that a name is none of its candidates: a new member


def key_of(person: Person) -> str | None:
    """One key per person in a chat: `self`, `wxid:…`, or `name:…` (None: nobody named)."""
    if person.is_self:
        return SELF
    if person.wxid:
        return "wxid:" + person.wxid
    label = person.names[0] if person.names else ""
    key = match_key(label)
    return "name:" + key if key else None


@dataclass
class Seen:
    """A person as the chat shows them, with every name seen for them."""

    key: str
    wxid: str | None = None
    nickname: str | None = None
    remark: str | None = None
    group_nickname: str | None = None
    display: str | None = None
    messages: int = 0
    first_message_at: datetime | None = None
    last_message_at: datetime | None = None

    def take(self, person: Person) -> None:
        self.wxid = self.wxid or person.wxid
        self.nickname = self.nickname or person.nickname
        self.remark = self.remark or person.remark
        self.group_nickname = self.group_nickname or person.group_nickname
        self.display = self.display or person.display

    @property
    def names(self) -> list[str]:
        seen: list[str] = []
        for name in (self.group_nickname, self.remark, self.display, self.nickname):
            if name and name not in seen:
                seen.append(name)
        return seen

    @property
    def label(self) -> str:
        names = self.names
        if names:
            return names[0]
        if self.key == SELF:
            return msg("我（导出账号）")
        return self.wxid or "?"


@dataclass
class NewMember:
    key: str
    nickname: str
    remark: str = ""
    wxid: str | None = None
    group_nickname: str = ""


@dataclass
class Question:
    """A name that fits several people: which one is it? (`--answer 名字=成员`)"""

    name: str
    keys: list[str]
    candidates: list[tuple[str, str]]  # (what to answer with, who)
    messages: int = 0
    about_self: bool = False  # "你" in the export: the exporting account, unknown here


@dataclass
class Resolution:
    """Each person's member: > 0 an existing member, < 0 the new member -n-1, None asked."""

    targets: dict[str, int | None] = field(default_factory=dict)
    new_members: list[NewMember] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    wxid_to_fill: dict[int, str] = field(default_factory=dict)  # existing member → wxid learnt
    answered: dict[str, int] = field(default_factory=dict)  # name → member (from answers)

    def member_of(self, key: str | None) -> int | None:
        return None if key is None else self.targets.get(key)


def resolve_people(
    session: Session,
    community_id: int | None,
    people: dict[str, Seen],
    *,
    self_wxid: str | None,
    answers: dict[str, str],
) -> Resolution:
    result = Resolution()
    if SELF in people and self_wxid:
        own = people.setdefault("wxid:" + self_wxid, Seen("wxid:" + self_wxid, wxid=self_wxid))
        own.take(Person(wxid=self_wxid, nickname=people[SELF].nickname))
    with_ids = {key: seen for key, seen in people.items() if seen.wxid and key != SELF}
    by_wxid = members_by_wxid(session, [seen.wxid for seen in with_ids.values()])
    group = _group_names(session, community_id)
    without_wxid = _community_members_without_wxid(session, community_id)

    def new(seen: Seen) -> int:
        nickname = seen.nickname or seen.display or seen.group_nickname or seen.remark or ""
        result.new_members.append(
            NewMember(
                seen.key,
                nickname=nickname or seen.wxid or "?",
                remark=seen.remark or "",
                wxid=seen.wxid,
                group_nickname=seen.group_nickname or "",
            )
        )
        return -len(result.new_members)

    # People with a wxid.
    # The group's members and the chat's people with a wxid, for the names-only people.
    names = _group_names(session, community_id)
    for key, seen in with_ids.items():
        found = by_wxid.get(seen.wxid or "", set())
        target: int | None
        if len(found) == 1:
            target = next(iter(found))
        else:
            target = _by_exact_name(group, seen, without_wxid)
            if target is not None:
                result.wxid_to_fill[target] = seen.wxid or ""
                without_wxid.discard(target)
            else:
                target = new(seen)
        result.targets[key] = target
        names.add(
            target,
            nickname=seen.nickname,
            group_nickname=seen.group_nickname,
            remark=seen.remark or seen.display,
            display=_candidate_label(seen, target),
        )
    if SELF in people:
        own = result.targets.get("wxid:" + self_wxid) if self_wxid else None
        own = own or _owner(session, community_id)
        answer = next((answers[name] for name in SELF_NAMES if name in answers), None)
        if answer is not None:
            own = _resolve_answer(session, answer, SELF_NAMES[0], result, people)
        result.targets[SELF] = own
        if own is None:  # the export does not say who "你" is, nor does the community
            result.questions.append(
                Question(SELF_NAMES[0], [SELF], [], people[SELF].messages, about_self=True)
            )
    # People named only by a name.
    asked: dict[str, Question] = {}
    for key, seen in people.items():
        if key in result.targets:
            continue
        label = seen.label
        answer = _answer_for(seen, answers)
        if answer is not None and answer.strip() == NEW_MEMBER:
            result.targets[key] = new(seen)
            continue
        if answer is not None:
            target = _resolve_answer(session, answer, label, result, people)
            result.targets[key] = target
            result.answered[label] = target
            continue
        found = None
        for name in seen.names:
            found = names.match(name)
            if found.strength is not None:
                break
        if found is not None and found.member_id is not None:
            result.targets[key] = found.member_id
        elif found is not None and found.ambiguous:
            result.targets[key] = None
            question = asked.get(label)
            if question is None:
                question = asked[label] = Question(
                    label,
                    [],
                    [(_answer_token(i, result), names.display[i]) for i in found.member_ids],
                )
                result.questions.append(question)
            question.keys.append(key)
            question.messages += seen.messages
        else:
            result.targets[key] = new(seen)
    return result


def _group_names(session: Session, community_id: int | None) -> MemberNames:
    if community_id is None:
        return MemberNames()
    return community_member_names(session, community_id, with_former=True)


def _candidate_label(seen: Seen, target: int) -> str:
    if target < 0:
        return msg("{name}（{wxid}，将新建）", name=seen.label, wxid=seen.wxid or "")
    return msg("{name}（#{id}）", name=seen.label, id=target)


def _answer_token(target: int, result: Resolution) -> str:
    if target < 0:
        return result.new_members[-target - 1].wxid or result.new_members[-target - 1].nickname
    return str(target)


def members_by_wxid(session: Session, wxids: list[str | None]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    values = sorted({w for w in wxids if w})
    for start in range(0, len(values), 5000):
        chunk = values[start : start + 5000]
        rows = session.execute(
            select(Member.id, Member.wxid, Member.external_userid).where(
                or_(Member.wxid.in_(chunk), Member.external_userid.in_(chunk)),
                Member.merged_into_id.is_(None),
            )
        )
        for member_id, wxid, external in rows:
            for value in {wxid, external} & set(chunk):
                found.setdefault(value, set()).add(member_id)
    return found


def _community_members_without_wxid(session: Session, community_id: int | None) -> set[int]:
    if community_id is None:
        return set()
    return set(
        session.scalars(
            select(Member.id)
            .join(Membership, Membership.member_id == Member.id)
            .where(
                Membership.community_id == community_id,
                Member.wxid.is_(None),
                Member.external_userid.is_(None),
                Member.merged_into_id.is_(None),
            )
        )
    )


def _by_exact_name(group: MemberNames, seen: Seen, allowed: set[int]) -> int | None:
    """The one group member without a wxid whose name is exactly this person's."""
    for name in seen.names:
        found = group.match(name)
        if found.strength == EXACT and found.member_id in allowed:
            return found.member_id
        if found.strength is not None:
            return None
    return None


def _owner(session: Session, community_id: int | None) -> int | None:
    if community_id is None:
        return None
    return session.scalar(select(Community.owner_member_id).where(Community.id == community_id))


def _answer_for(seen: Seen, answers: dict[str, str]) -> str | None:
    for name in seen.names:
        for asked, answer in answers.items():
            if match_key(asked) == match_key(name):
                return answer
    return None


def _resolve_answer(
    session: Session, answer: str, name: str, result: Resolution, people: dict[str, Seen]
) -> int:
    """An answer: a member number, the wxid of someone in this chat, or a name/微信号 that
    only one member has."""
    text = answer.strip()
    seen = people.get("wxid:" + text)
    if seen is not None and "wxid:" + text in result.targets:
        target = result.targets["wxid:" + text]
        if target is not None:
            return target
    if is_row_id(text.removeprefix("#")):
        found = live_members_by_id(session, [int(text.removeprefix("#"))])
        if found:
            return next(iter(found.values()))
        raise UserError(msg("「{name}」的回答 {answer} 不是现有成员的编号", name=name, answer=text))
    return find_member(session, text)
