"""Field handlers: each mapped column's value, normalised into a Row (phones, dates, tags, texts
within the schema's sizes), with a RowIssue for whatever was dropped, cut or rejected."""

from __future__ import annotations

import re
import sys

from core.common.sheets.normalize import (
    format_datetime,
    normalize_date,
    normalize_datetime,
    normalize_gender,
    normalize_phone,
    normalize_team,
    phone_lost_digits,
    split_tags,
    to_text,
)
from core.common.text import msg
from core.members.importing import opening
from core.members.importing.fields import FIELD_LABELS, IDENTITY_FIELDS, IDENTITY_LABELS
from core.members.importing.model import RowIssue
from core.members.importing.persons import ADDED_AT_FIELD, Row

# Member columns an import fills, and their sizes in the schema.
_TEXT_LIMITS = {
    "nickname": 200,
    "remark": 200,
    "group_nickname": 200,
    "city": 50,
    "source_channel": 50,
    "join_channel": 50,
    "group_name": 100,
    "notes": 10_000,
}
_ID_LIMIT = 100
_TAG_LIMIT = 50
_SPACE = re.compile(r"\s")  # the same characters as str.isspace
# Invisible control characters (terminal escapes, C1 codes); tabs and line breaks are text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class RowNormalizer:
    """Turns a record's raw values into a Row; the issues go to the planner's list."""

    def __init__(self, issues: list[RowIssue]) -> None:
        self.issues = issues
        self._handlers = self._field_handlers()

    def issue(self, sheet, number, field_name, value, reason, rejected) -> None:
        label = FIELD_LABELS.get(field_name, field_name)
        self.issues.append(RowIssue(sheet, number, label, to_text(value) or "", reason, rejected))

    def normalize(self, section, sheet, number, values, custom, filled) -> Row:
        row = Row()
        handlers = self._handlers
        for name, raw in values.items():
            handlers[name](row, raw, sheet, number, name, section)
        if custom:
            target = row.custom
            for key, raw in custom.items():
                text = to_text(raw)
                if text is not None:
                    target[key] = text
        if row.reject:
            return row
        if not row.keys and not row.fields.get("nickname"):
            row.reject = msg("没有昵称，也没有手机号、微信号、unionid 等能认出是谁的信息")
        elif (
            filled == 1
            and section.mapped_columns >= 4
            and not row.keys
            and "nickname" in row.fields
        ):
            row.reject = msg(
                "这一行只有昵称「{nickname}」一项有内容，像是空行或说明文字，已跳过",
                nickname=row.fields["nickname"],
            )
        if row.reject:
            self.issue(sheet, number, "nickname", row.fields.get("nickname"), row.reject, True)
        return row

    def _field_handlers(self) -> dict:
        """Field → the method that normalises its value into a Row."""
        handlers = {name: self._identity_value for name in IDENTITY_FIELDS}
        for name in ("nickname", "remark", "city", "source_channel", "notes", "group_name"):
            handlers[name] = self._member_text
        handlers.update(
            group_nickname=self._group_nickname,
            join_channel=self._join_channel,
            gender=self._gender,
            birthday=self._birthday,
            joined_at=self._moment,
            added_at=self._moment,
            tags=self._tags,
            member_type=self._member_type,
            inviter_staff=self._inviter_staff,
        )
        handlers[opening.FIELD] = self._opening_points
        return handlers

    def _member_text(self, row: Row, raw, sheet, number, name, _section) -> None:
        text = self._text(sheet, number, name, raw)
        if text is not None:
            row.fields[name] = text

    def _group_nickname(self, row: Row, raw, sheet, number, name, _section) -> None:
        row.group_nickname = self._text(sheet, number, name, raw)

    def _join_channel(self, row: Row, raw, sheet, number, name, _section) -> None:
        row.join_channel = self._text(sheet, number, name, raw)

    def _gender(self, row: Row, raw, sheet, number, name, _section) -> None:
        gender, error = normalize_gender(raw)
        if error:
            self.issue(sheet, number, name, raw, msg("{problem}，已忽略该值", problem=error), False)
        elif gender is not None:
            row.fields["gender"] = gender

    def _birthday(self, row: Row, raw, sheet, number, name, _section) -> None:
        birthday, error = normalize_date(raw)
        if error:
            self.issue(sheet, number, name, raw, msg("{problem}，已忽略该值", problem=error), False)
        elif birthday:
            row.fields["birthday"] = birthday

    def _moment(self, row: Row, raw, sheet, number, name, section) -> None:
        moment, error = normalize_datetime(raw, unix=section.unix_times)
        if error:
            self.issue(sheet, number, name, raw, msg("{problem}，已忽略该值", problem=error), False)
        elif moment and name == "joined_at":
            row.joined_at = moment
        elif moment:
            row.custom[ADDED_AT_FIELD] = format_datetime(moment)

    def _tags(self, row: Row, raw, sheet, number, name, _section) -> None:
        for tag in split_tags(raw):
            if len(tag) > _TAG_LIMIT:
                reason = msg("标签超过 {limit} 个字，已忽略", limit=_TAG_LIMIT)
                self.issue(sheet, number, name, tag, reason, False)
            elif tag not in row.tags:
                row.tags.append(sys.intern(tag))

    def _member_type(self, row: Row, raw, sheet, number, name, _section) -> None:
        team, error = (raw, None) if isinstance(raw, bool) else normalize_team(raw)
        if error:
            self.issue(sheet, number, name, raw, msg("{problem}，按客户导入", problem=error), False)
        row.team = team

    def _opening_points(self, row: Row, raw, sheet, number, name, _section) -> None:
        points, problem = opening.parse_points(raw)
        if problem:
            self.issue(sheet, number, name, raw, problem, False)
        if points:
            row.fields[name] = points

    def _inviter_staff(self, row: Row, raw, _sheet, _number, _name, _section) -> None:
        row.inviter = to_text(raw)

    def _text(self, sheet, number, name, raw) -> str | None:
        text = to_text(raw)
        if text is None:
            return None
        if _CONTROL.search(text):
            self.issue(sheet, number, name, text, msg("有看不见的控制字符，已删除这些字符"), False)
            text = _CONTROL.sub("", text).strip()
            if not text:
                return None
        limit = _TEXT_LIMITS.get(name)
        if limit and len(text) > limit:
            self.issue(
                sheet, number, name, text, msg("超过 {limit} 个字，已截断", limit=limit), False
            )
            text = text[:limit]
        return text

    def _identity_value(self, row: Row, raw, sheet, number, name, _section=None) -> None:
        if name == "phone":
            phone, error = normalize_phone(raw)
            if error and phone_lost_digits(raw):
                # Excel lost the digits, the row itself is sound: imported as with an empty
                # phone, and the phone is left for the owner to fix.
                reason = msg("{problem}；这一行照常导入，不写手机号", problem=error)
                self.issue(sheet, number, name, raw, reason, False)
            elif error:
                self._reject(row, sheet, number, name, raw, error)
            elif phone:
                row.keys["phone"] = phone
            return
        text = to_text(raw)
        if text is None:
            return
        if len(text) > _ID_LIMIT:
            reason = msg("{field}超过 {limit} 个字符", field=IDENTITY_LABELS[name], limit=_ID_LIMIT)
            self._reject(row, sheet, number, name, raw, reason)
        elif _SPACE.search(text):
            reason = msg("{field}里不应有空格", field=IDENTITY_LABELS[name])
            self._reject(row, sheet, number, name, raw, reason)
        elif _CONTROL.search(text):
            reason = msg("{field}里有看不见的控制字符", field=IDENTITY_LABELS[name])
            self._reject(row, sheet, number, name, raw, reason)
        else:
            row.keys[name] = text

    def _reject(self, row: Row, sheet, number, name, raw, reason) -> None:
        self.issue(sheet, number, name, raw, reason, True)
        if not row.reject:
            row.reject = msg("{field}：{problem}", field=FIELD_LABELS[name], problem=reason)
