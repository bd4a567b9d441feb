"""Changes: what the import writes for each person — a new member's values, or an existing
member's fields, identifiers, custom fields, tags and inviter where the file says otherwise —
and the FieldChange lines the preview shows for them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.common.sheets.normalize import format_datetime, lossy_equal
from core.common.text import msg
from core.members.importing import opening
from core.members.importing.fields import FIELD_LABELS
from core.members.importing.model import UNCHANGED, UPDATE, CommunityPlan, FieldChange
from core.members.importing.persons import STAFF_ACCOUNT_FIELD, Person
from core.members.importing.snapshot import DB_KEYS

# Labels and values of the changes the preview lists.
_STAFF = msg("员工")
_YES = msg("是")
_NO = msg("否")
_GENDER_WORDS = {"m": msg("男"), "f": msg("女")}  # the preview shows a gender change in words
_TAGS = msg("标签")
_INVITER = msg("邀请人")


class Changes:
    """The planner's decisions (mixed into plan._Planner, whose state they share: `persons`,
    `index`, `db`, `existing`, `existing_tags`, `opened`, `file_sha256`, `joins`, `_issue`; the
    membership steps come from memberships.Memberships)."""

    def _decide(self, communities: dict[str, CommunityPlan]) -> None:
        self.joins: list[tuple[Person, str, datetime]] = []
        for person in self.persons:
            if person.member_id is None:
                self._decide_new(person, communities)
            else:
                self._decide_existing(person, communities)
            person.first.status = person.status
            person.first.changes = person.changes or None

    def _inviter(self, person: Person):
        """The inviting staff member: a Person of this file, or an existing member id."""
        if not person.inviter:
            return None
        found = self.index["staff_userid"].get(person.inviter)
        if found is not None and found is not person:
            return found.member_id if found.member_id is not None else found
        member_id = self.db.maps["staff_userid"].get(person.inviter)
        if member_id is not None and member_id != person.member_id:
            return member_id
        return None

    def _opening_change(self, person: Person) -> FieldChange | None:
        """期初积分 +120, or None when the member has had an opening balance already."""
        points = person.fields.get(opening.FIELD)
        if not points:
            return None
        files = self.opened.get(person.member_id)
        if files:
            del person.fields[opening.FIELD]
            if self.file_sha256 in files:
                return None  # this very file, imported again: nothing new to say
            self._issue(
                person.first.sheet,
                person.first.row,
                opening.FIELD,
                points,
                msg("这位成员已经导入过期初积分，这次不再计入（积分不重复计算）"),
                False,
            )
            return None
        return FieldChange(FIELD_LABELS[opening.FIELD], "", f"+{points}")

    def _decide_new(self, person: Person, communities: dict[str, CommunityPlan]) -> None:
        change = self._opening_change(person)
        if change is not None:
            person.changes = [change]
        inviter = self._inviter(person)
        if inviter is not None or person.groups:
            person.ops = {"inviter": inviter, "memberships": []}
        if person.keys.get("staff_userid"):
            person.custom = {**person.custom, STAFF_ACCOUNT_FIELD: person.keys["staff_userid"]}
            person.team = True
        self._join_new(person, communities)

    def _decide_existing(self, person: Person, communities: dict[str, CommunityPlan]) -> None:
        member_id = person.member_id
        current = self.existing[member_id]
        changes = person.changes = []
        updates: dict[str, Any] = {}

        def compare(name: str, new, *, lossy=False, fill_only=False) -> None:
            old = current.get(name)
            if new is None or new == old:
                return
            if lossy and old and lossy_equal(new, old):
                return
            if fill_only and old:
                return
            updates[name] = new
            if name == "gender":
                shown_old, shown_new = _GENDER_WORDS.get(old, ""), _GENDER_WORDS.get(new, "")
            else:
                shown_old, shown_new = show_value(old), show_value(new)
            changes.append(FieldChange(FIELD_LABELS[name], shown_old, shown_new))

        fields = person.fields
        compare("nickname", fields.get("nickname"), lossy=True)
        compare("remark", fields.get("remark"), lossy=True)
        if fields.get("gender"):
            compare("gender", fields["gender"])
        compare("birthday", fields.get("birthday"))
        compare("city", fields.get("city"))
        compare("source_channel", fields.get("source_channel"), fill_only=True)
        compare("notes", fields.get("notes"))
        for kind in DB_KEYS:
            compare(kind, person.keys.get(kind))
        if person.team and not current["is_team"]:
            updates["is_team"] = True
            changes.append(FieldChange(_STAFF, _NO, _YES))
        custom = dict(current["custom_fields"] or {})
        if person.keys.get("staff_userid"):
            person.custom[STAFF_ACCOUNT_FIELD] = person.keys["staff_userid"]
            if not current["is_team"] and "is_team" not in updates:
                updates["is_team"] = True
                changes.append(FieldChange(_STAFF, _NO, _YES))
        custom_changed = False
        for key, value in person.custom.items():
            if custom.get(key) != value:
                changes.append(FieldChange(key, show_value(custom.get(key)), value))
                custom[key] = value
                custom_changed = True
        if custom_changed:
            updates["custom_fields"] = custom
        new_tags = [t for t in person.tags if t not in self.existing_tags.get(member_id, ())]
        if new_tags:
            changes.append(FieldChange(_TAGS, "", "、".join("+" + t for t in new_tags)))
        opening_change = self._opening_change(person)
        if opening_change is not None:
            changes.append(opening_change)
        inviter = self._inviter(person)
        if inviter is not None and current["inviter_id"] is None:
            updates["inviter_id"] = inviter
            who = (
                inviter.first.nickname
                if isinstance(inviter, Person)
                else self.db.nickname.get(inviter, "")
            )
            changes.append(FieldChange(_INVITER, "", who))
        membership_ops, group_nicknames = self._membership_changes(person, communities, changes)
        person.ops = {
            "updates": updates,
            "tags": new_tags,
            "memberships": membership_ops,
            "group_nicknames": [gn for gn in group_nicknames.values() if gn],
            "search_base": {f: current[f] for f in ("nickname", "remark", "wechat_id", "phone")},
        }
        person.status = UPDATE if changes else UNCHANGED


def show_value(value) -> str:
    """A value as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return _YES if value else _NO
    if isinstance(value, dict):
        return "、".join(f"{k}={v}" for k, v in value.items())
    return str(value)
