"""Identity: who each row is — a member of the database, a person met on an earlier row, or
someone new — and what a row's identifiers, fields and groups add to that person.

Identifiers, strongest first: unionid, wxid, WeCom external_userid, WeCom staff
account, 微信号, phone — the same value is the same person, both against the database and between
rows of the file (the same customer on two rows, the same person in two groups). A stronger
identifier that disagrees blocks a weaker match (two unionids sharing a phone stay two people).

A row with no identifier at all (itchat lists, SCRM rows without unionid) can only be recognised by
its nickname, and only where that is the same record seen again rather than a guess:
- in a group: a member of that group with that nickname (the n-th such row of the file takes the
  n-th such member), so re-importing a group list, or a newer export of the same group, changes
  nothing and records no false leave;
- staff (企业成员) by their name, which the company sets in WeCom;
- without a group: a member imported the same way before (no identifier, no group, same
  nickname; n-th to n-th), so re-importing a customer list adds nobody twice.
Within one file such rows are never folded together. Every other nickname match is only a
suggestion: `ImportPlan.possible_duplicates`, never merged.

A phone is the weakest identifier: numbers are recycled, shared by a family and mistyped. A row
recognised only by the phone of an existing member whose nickname is a different name is a
question, not a match (status DOUBTFUL, `PlanRow.doubt`): nothing of it is written until the
caller answers it (`answers` / `doubtful`): SAME updates that member from the row; NEW makes a new
member without the phone (a phone is one person's: it stays with its owner, the row reports it,
and the two are remembered as not the same person); SKIP, like no answer, leaves the row out.
"""

from __future__ import annotations

from core.common.sheets.normalize import lossy_equal
from core.common.text import msg
from core.members.importing import opening
from core.members.importing.fields import IDENTITY_FIELDS, IDENTITY_LABELS
from core.members.importing.model import DOUBTFUL, SAME, Doubt, PlanRow, SheetPlan
from core.members.importing.nickname_key import duplicate_key
from core.members.importing.persons import ADDED_AT_FIELD, NO_TAGS, NOTHING, Person, Row, Seen

# How a row was recognised (PlanRow.matched_by): made once, shared by every row.
_MATCHED_BY = {
    "unionid": msg("按unionid"),
    "wxid": msg("按wxid"),
    "external_userid": msg("按企业微信客户ID"),
    "staff_userid": msg("按企业微信成员账号"),
    "wechat_id": msg("按微信号"),
    "phone": msg("按手机号"),
}
_BY_PHONE = _MATCHED_BY["phone"]
_BY_STAFF_NAME = msg("员工同名")
_BY_GROUP_NICKNAME = msg("同群同昵称")
_BY_NICKNAME = msg("同昵称（无编号）")


class Identity:
    """The planner's identity steps (mixed into plan._Planner, whose state they share: `db`,
    `options`, `index`, `by_member`, `team_index`, `weak_count`, `persons`, `protected`,
    `unresolved_rejects`, `override`, `_issue`)."""

    def _doubt(self, member_id: int, nickname: str, phone: str, plan_row: PlanRow) -> Doubt | None:
        """The question a row found only by `phone` raises: its nickname is another name than
        the one of the member the phone belongs to (not just another spelling of it)."""
        old = self.db.nickname.get(member_id, "")
        if (
            not nickname
            or not old
            or duplicate_key(old) == duplicate_key(nickname)
            or lossy_equal(nickname, old)
        ):
            return None
        answer = self.options.answers.get(plan_row.key, self.options.doubtful)
        return Doubt(member_id, old, phone, answer)

    def _hold_doubtful(self, row: Row, sheet: SheetPlan, plan_row: PlanRow, doubt: Doubt) -> None:
        """Nothing of an unanswered (or skipped) doubtful row is written."""
        plan_row.status = DOUBTFUL
        plan_row.member_id = doubt.member_id
        plan_row.matched_by = _BY_PHONE
        question = msg(
            "手机号 {phone} 属于成员「{old}」，但这一行的昵称是「{nickname}」：是同一人吗？",
            phone=doubt.phone,
            old=doubt.member_nickname,
            nickname=plan_row.nickname,
        )
        if doubt.answer is None:
            plan_row.reason = msg("{question}未回答，这一行没有导入", question=question)
        else:
            plan_row.reason = msg("{question}已选择跳过，这一行没有导入", question=question)
        self._issue(plan_row.sheet, plan_row.row, "phone", doubt.phone, plan_row.reason, True)
        if row.community and sheet.complete:
            # Whoever the row is, the phone's owner may be in the group: not recorded as leaving.
            for community in (row.community, *row.also_in):
                self.protected[community].add(doubt.member_id)

    def _new_despite_phone(self, row: Row, plan_row: PlanRow, doubt: Doubt) -> None:
        """Answered NEW: another person, so the phone (one person's) stays with its owner."""
        del row.keys["phone"]
        message = msg(
            "按你的回答，这一行不是成员「{old}」：新建成员，手机号 {phone} 仍属于「{old}」，"
            "不写给新成员",
            old=doubt.member_nickname,
            phone=doubt.phone,
        )
        self._row_note(plan_row, "phone", doubt.phone, message)

    # --------------------------------------------------------------- identity

    def _existing(self, member_id: int, plan_row: PlanRow) -> Person:
        person = self.by_member.get(member_id)
        if person is None:
            person = Person(member_id, plan_row)
            self.by_member[member_id] = person
            self.persons.append(person)
        return person

    def _key(self, person: Person, kind: str) -> str | None:
        value = person.keys.get(kind)
        if value is None and person.member_id is not None:
            value = self.db.key_of(person.member_id, kind)
        return value

    def _key_of(self, person: Person | None, member_id: int | None, kind: str) -> str | None:
        if person is not None:
            return self._key(person, kind)
        return self.db.key_of(member_id, kind) if member_id is not None else None

    def _owner(self, kind: str, value: str) -> tuple[Person | None, int | None]:
        person = self.index[kind].get(value)
        if person is not None:
            return person, person.member_id
        member_id = self.db.maps[kind].get(value)
        return self.by_member.get(member_id) if member_id else None, member_id

    def _resolve(self, row: Row, nickname: str, plan_row: PlanRow):
        if row.keys:
            for position, kind in enumerate(IDENTITY_FIELDS):
                value = row.keys.get(kind)
                if not value:
                    continue
                person, member_id = self._owner(kind, value)
                if person is None and member_id is None:
                    continue
                # A stronger identifier that differs means another person (two unionids
                # sharing a phone stay two people).
                if all(
                    not row.keys.get(k)
                    or not (theirs := self._key_of(person, member_id, k))
                    or row.keys[k] == theirs
                    for k in IDENTITY_FIELDS[:position]
                ):
                    if kind == "phone" and member_id is not None:
                        plan_row.doubt = self._doubt(member_id, nickname, value, plan_row)
                        if plan_row.doubt is not None and plan_row.doubt.answer != SAME:
                            return None, ""
                    if person is None:
                        person = self._existing(member_id, plan_row)
                    return person, _MATCHED_BY[kind]
            return None, ""
        if not nickname:
            return None, ""
        if row.team:
            person = self.team_index.get(nickname)
            if person is not None:
                return person, _BY_STAFF_NAME
            candidates = self.db.team_by_nickname.get(nickname, [])
            if len(candidates) == 1:
                person = self._existing(candidates[0], plan_row)
                self.team_index[nickname] = person
                return person, _BY_STAFF_NAME
            return None, ""
        community_id = self._community_id(row.community) if row.community else None
        if row.community and community_id is None:
            return None, ""  # a community the import creates has no members yet
        scope = (row.community, nickname)
        position = self.weak_count[scope]
        self.weak_count[scope] += 1
        candidates = self.db.weak_candidates(community_id).get(nickname, [])
        if position < len(candidates):
            person = self._existing(candidates[position], plan_row)
            return person, _BY_GROUP_NICKNAME if row.community else _BY_NICKNAME
        return None, ""

    def _community_id(self, name: str) -> int | None:
        if self.options.community_id is not None and name == self.override:
            return self.options.community_id
        found = self.db.communities.get(name)
        return found[0][0] if found else None

    def _attach_keys(self, person: Person, row: Row, plan_row: PlanRow, fresh: bool) -> None:
        if fresh:
            self._attach_fresh_keys(person, row, plan_row)
            return
        for kind, value in row.keys.items():
            owner, owner_id = self._owner(kind, value)
            if owner is person or (owner_id is not None and owner_id == person.member_id):
                person.keys.setdefault(kind, value)
                continue
            if owner is not None or owner_id is not None:
                self._taken(plan_row, kind, value, owner, owner_id)
                continue
            current = person.keys.get(kind)
            if current is not None and current != value:
                message = msg(
                    "同一人在前面的行里{field}是 {value}，保留前面的值",
                    field=IDENTITY_LABELS[kind],
                    value=current,
                )
                self._row_note(plan_row, kind, value, message)
                continue
            person.keys[kind] = value
            self.index[kind][value] = person

    def _row_note(self, plan_row: PlanRow, field: str, value, reason) -> None:
        """A note on one row of the file; the row itself is still imported."""
        self._issue(plan_row.sheet, plan_row.row, field, value, reason, False)

    def _taken(self, plan_row: PlanRow, kind: str, value, owner, owner_id) -> None:
        """`value` is another member's identifier (`owner` in this file or `owner_id` in the
        database): the row does not write it."""
        other = owner.first.nickname if owner is not None else self.db.nickname.get(owner_id)
        message = msg(
            "{field} {value} 已属于另一位成员「{other}」（其他编号不同），这一行不写入该值",
            field=IDENTITY_LABELS[kind],
            value=value,
            other=other or "",
        )
        self._row_note(plan_row, kind, value, message)

    def _attach_fresh_keys(self, person: Person, row: Row, plan_row: PlanRow) -> None:
        """A new member's identifiers: theirs unless someone else (who differs in a stronger
        identifier) already has them."""
        taken = []
        for kind, value in row.keys.items():
            owner, owner_id = self._owner(kind, value)
            if owner is None and owner_id is None:
                self.index[kind][value] = person
                continue
            self._taken(plan_row, kind, value, owner, owner_id)
            taken.append(kind)
        person.keys = row.keys
        for kind in taken:
            del person.keys[kind]

    def _absorb(self, person: Person, row: Row, section, plan_row: PlanRow, fresh: bool) -> None:
        if not fresh:
            if person.custom is NOTHING:
                person.custom = {}
            if person.tags is NO_TAGS:
                person.tags = []
            for name, value in row.fields.items():
                if name not in person.fields:
                    person.fields[name] = value
                elif name == opening.FIELD and value != person.fields[name]:
                    message = msg(
                        "同一人在前面的行里期初积分是 {points}，只计入一次，按前面的值",
                        points=person.fields[name],
                    )
                    self._row_note(plan_row, name, value, message)
            for key, value in row.custom.items():
                old = person.custom.get(key)
                if old is None:
                    person.custom[key] = value
                elif key == ADDED_AT_FIELD:
                    person.custom[key] = min(old, value)  # first added, by any staff
                elif value != old and value not in old.split("、"):
                    person.custom[key] = f"{old}、{value}"
            for tag in row.tags:
                if tag not in person.tags:
                    person.tags.append(tag)
        if row.team:
            person.team = True
        elif row.team is False and person.team is None:
            person.team = False
        if row.inviter and person.inviter is None:
            person.inviter = row.inviter
        if row.team and not row.keys:
            self.team_index.setdefault(person.fields.get("nickname", ""), person)
        for community in (row.community, *row.also_in) if row.community else ():
            seen = person.groups.get(community)
            if seen is None:
                if person.groups is NOTHING:
                    person.groups = {}
                person.groups[community] = Seen(
                    row.group_nickname,
                    row.joined_at,
                    row.join_channel,
                    section.export_time,
                    plan_row,
                )
            else:
                seen.group_nickname = seen.group_nickname or row.group_nickname
                seen.joined_at = seen.joined_at or row.joined_at
                seen.join_channel = seen.join_channel or row.join_channel

    def _protect_rejected(self, row: Row, sheet: SheetPlan) -> None:
        """A rejected row of a complete list is still someone in the group: find them, so they
        are not recorded as leaving; if nobody can be found, no one leaves that group."""
        if not row.community or not sheet.complete:
            return
        for kind in IDENTITY_FIELDS:
            value = row.keys.get(kind)
            if value:
                person, member_id = self._owner(kind, value)
                member_id = member_id or (person.member_id if person else None)
                if member_id:
                    for community in (row.community, *row.also_in):
                        self.protected[community].add(member_id)
                    return
        for community in (row.community, *row.also_in):
            self.unresolved_rejects[community] += 1
