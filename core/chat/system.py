"""WeChat's system messages, read into events: who invited whom, who scanned whose QR code,
who was removed, renames, recalls, 拍一拍, red-packet claims.

The wording is WeChat's own (PC 3.x stores it as text; exporters of 4.x render the XML template
the same way). Persons are quoted with ASCII quotes, several invitees share one pair of quotes
joined by 、, the new group name has curly quotes, and "你" is the exporting account. Exporters of
WeChat 4.x (chatlog) write each person as `nickname(wxid)`, so those events carry wxids; 拍一拍
templates name people as `${wxid}`. Raw PC rows keep WeChat's markup (<revokemsg>, CDATA, the
red-packet icon and link tags), which is stripped first. A text that reads as none of these is
kept as a Notice, and a join whose member names the exporter left as `$names$` placeholders is a
Notice with its reason, never a guess.
"""

from __future__ import annotations

import re
from datetime import datetime

from core.chat.model import (
    INVITE,
    LINK_JOIN,
    ME,
    QR,
    SECOND,
    UNKNOWN_WAY,
    Event,
    Join,
    Notice,
    Pat,
    Person,
    Recall,
    RedPacketClaim,
    Removal,
    Rename,
)
from core.common.text import msg

_MARKUP = re.compile(
    r"</?(?:img|revokemsg|_wc_custom_link_|a|sysmsg|replacemsg|content)\b[^>]*>|<!\[CDATA\[|\]\]>"
)
_EDIT_LINK = re.compile(r"\s*重新编辑\s*$")
_REVOKE_LINK = re.compile(r"\s+撤销$")  # 4.x renders the $revoke$ link title after 你邀请…
_WXID_SUFFIX = re.compile(
    r"^(?P<name>.*)\((?P<wxid>[A-Za-z][-_A-Za-z0-9]{4,}(?:@chatroom)?)\)$", re.S
)
_PLACEHOLDER_ID = re.compile(r"^\$\{(?P<wxid>[^}]+)\}$")
_TEMPLATE_HOLE = re.compile(r"\$[A-Za-z_]+\$")

_BY = r'"\s*(?P<by>.+?)\s*"'  # a quoted person who did it
_WHO = r'"\s*(?P<who>.+?)\s*"'  # a quoted person it was done to
# Each kind's wording, the message's whole text (line breaks included).
_WORDINGS = (
    ("invite", rf'{_BY}邀请"(?P<who>.+)"加入了群聊'),
    ("invite_me", r'你邀请"(?P<who>.+)"加入了群聊'),
    ("invited_me_and", rf'{_BY}邀请你和"(?P<who>.+)"加入了群聊'),
    ("invited_me", rf"{_BY}邀请你加入了群聊(?:，群聊参与人还有：.*)?"),
    ("qr", rf"{_WHO}通过扫描{_BY}分享的二维码加入群聊"),
    ("qr_me", rf"{_WHO}通过扫描你分享的二维码加入群聊"),
    ("qr_invite", rf"{_WHO}通过{_BY}的邀请二维码加入群聊"),
    ("link", rf"{_WHO}通过{_BY}(?:分享)?的邀请链接加入(?:了)?群聊"),
    ("joined", rf"{_WHO}加入了群聊"),
    ("remove_me", r'你将"(?P<who>.+)"移出了群聊'),
    ("removed_me", rf"你被{_BY}移出群聊"),
    ("remove", rf'{_BY}将"(?P<who>.+)"移出了群聊'),
    ("rename", rf"{_BY}修改群名为“(?P<name>.*)”"),
    ("rename_me", r"你修改群名为“(?P<name>.*)”"),
    ("recall", rf"{_BY}\s*撤回了一条消息"),
    ("recall_me", r"你撤回了一条消息"),
    ("pat", rf'{_BY}\s*拍了拍\s*"(?P<who>.+?)"(?P<rest>.*)'),
    ("pat_me", rf"{_BY}\s*拍了拍我(?P<rest>.*)"),
    ("i_pat", r'我拍了拍\s*"(?P<who>.+?)"(?P<rest>.*)'),
    ("claim", r"(?P<who>.+?)领取了(?P<by>.+?)的红包"),
    ("not_friends", rf"{_WHO}与群里其他人都不是(?:微信)?朋友关系，请注意隐私安全"),
)
_PATTERNS = [(kind, re.compile(f"^{wording}$", re.S)) for kind, wording in _WORDINGS]


def clean(text: str) -> str:
    """The words of a system message without WeChat's markup."""
    text = _MARKUP.sub("", text)
    text = _EDIT_LINK.sub("", text)
    return text.strip()


class SystemReader:
    """Reads one chat's system messages. `with_ids`: names are written `nickname(wxid)`.
    `me`: the exporting account as known so far (its wxid may be learnt while reading)."""

    def __init__(self, *, with_ids: bool = False) -> None:
        self.with_ids = with_ids
        self.me: Person = ME
        self._name: str | None = None  # the group's name after the last rename read

    def person(self, token: str) -> Person:
        token = token.strip()
        if token in ("你", "我"):
            return self.me
        found = _PLACEHOLDER_ID.match(token)
        if found:
            return Person(wxid=found["wxid"])
        if self.with_ids:
            found = _WXID_SUFFIX.match(token)
            if found:
                return Person(wxid=found["wxid"], nickname=found["name"].strip() or None)
        return Person(nickname=token)

    def people(self, tokens: str) -> list[Person]:
        parts = re.split(r"(?<=\))、", tokens) if self.with_ids else tokens.split("、")
        return [self.person(part) for part in parts if part.strip()]

    def read(
        self,
        raw: str,
        time: datetime,
        line: int,
        source_id: str | None = None,
        precision: str = SECOND,
    ) -> list[Event]:
        text = _REVOKE_LINK.sub("", clean(raw))
        where = {"time": time, "line": line, "source_id": source_id, "precision": precision}
        if not text:
            return [Notice(text="", reason=msg("系统消息内容为空（导出工具没有保留）"), **where)]
        for kind, pattern in _PATTERNS:
            found = pattern.match(text)
            if found is None:
                continue
            parts = found.groupdict()
            if any(_TEMPLATE_HOLE.search(value or "") for value in parts.values()):
                break  # "$names$": the exporter left the template unfilled
            return self._event(kind, parts, text, where)
        if _TEMPLATE_HOLE.search(text):
            return [
                Notice(
                    text=text,
                    reason=msg("这条系统消息里的成员名没有被导出工具填入，无法知道是谁"),
                    **where,
                )
            ]
        return [Notice(text=text, **where)]

    def _event(self, kind: str, parts: dict, text: str, where: dict) -> list[Event]:
        by = self.person(parts["by"]) if parts.get("by") else None
        if kind in ("invite", "invite_me", "invited_me_and", "invited_me"):
            inviter = self.me if kind == "invite_me" else by
            invitees = self.people(parts["who"]) if parts.get("who") else []
            if kind in ("invited_me_and", "invited_me"):
                invitees.insert(0, self.me)
            return [
                Join(invitee=who, inviter=inviter, how=INVITE, text=text, **where)
                for who in invitees
            ]
        if kind in ("qr", "qr_me", "qr_invite", "link"):
            sharer = self.me if kind == "qr_me" else by
            how = LINK_JOIN if kind == "link" else QR
            return [
                Join(invitee=who, inviter=sharer, how=how, text=text, **where)
                for who in self.people(parts["who"])
            ]
        if kind == "joined":
            return [
                Join(invitee=who, inviter=None, how=UNKNOWN_WAY, text=text, **where)
                for who in self.people(parts["who"])
            ]
        if kind in ("remove_me", "remove"):
            remover = self.me if kind == "remove_me" else by
            return [
                Removal(removed=who, by=remover, text=text, **where)
                for who in self.people(parts["who"])
            ]
        if kind == "removed_me":
            return [Removal(removed=self.me, by=by, text=text, **where)]
        if kind in ("rename", "rename_me"):
            old, self._name = self._name, parts["name"]
            renamer = self.me if kind == "rename_me" else by
            return [Rename(by=renamer, new_name=parts["name"], old_name=old, text=text, **where)]
        if kind in ("recall", "recall_me"):
            return [Recall(by=self.me if kind == "recall_me" else by, text=text, **where)]
        if kind in ("pat", "pat_me", "i_pat"):
            patter = self.me if kind == "i_pat" else by
            target = self.me if kind == "pat_me" else self.person(parts["who"])
            return [Pat(by=patter, target=target, text=text, **where)]
        if kind == "claim":
            return [
                RedPacketClaim(
                    claimer=self.person(parts["who"]),
                    sender=self.person(parts["by"]),
                    text=text,
                    **where,
                )
            ]
        # not_friends
        return [Notice(text=text, about=self.person(parts["who"]), **where)]
