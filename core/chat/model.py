"""The neutral shape every chat export is read into, whatever tool wrote it.

A reader yields, per chat, a stream of events in file order: messages people sent, the system
events WeChat wrote (joins, removals, renames, recalls, 拍一拍, red-packet claims), notices it
could not read as one of those, and the lines it could not read at all (with their reason).
Nothing here touches the database; the importer resolves people to members afterwards.

People are named as the export names them: a wxid when the format keeps it, and whichever
names it shows (my remark for them, their nickname, their 群昵称, or a display name when the
format does not say which one it is). "你" in a system message is the exporting account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

# China has kept +08:00 without daylight saving since 1991: a fixed offset is exact for every
# export, and needs no time-zone database on Windows.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

# Message kinds (the activity import maps them onto activity kinds).
TEXT = "text"
IMAGE = "image"
VOICE = "voice"
VIDEO = "video"
EMOJI = "emoji"
LINK = "link"
FILE = "file"
JIELONG = "jielong"  # 接龙
REDPACKET = "redpacket"  # 红包
QUOTE = "quote"  # a reply quoting an earlier message
TRANSFER = "transfer"  # 转账
LOCATION = "location"
CARD = "card"  # 名片
MINIPROGRAM = "miniprogram"
FORWARD = "forward"  # 合并转发 (chat record)
CALL = "call"  # 语音/视频通话
OTHER = "other"
KINDS = (
    TEXT, IMAGE, VOICE, VIDEO, EMOJI, LINK, FILE, JIELONG, REDPACKET, QUOTE, TRANSFER,
    LOCATION, CARD, MINIPROGRAM, FORWARD, CALL, OTHER,
)  # fmt: skip

# How someone joined.
INVITE = "invite"  # 邀请
QR = "qr"  # 扫描二维码
LINK_JOIN = "link"  # 邀请链接
UNKNOWN_WAY = "unknown"  # 加入了群聊, with no inviter named

# How precise a message's time is: the Windows copy has no time at all (the caller gives the day).
SECOND, MINUTE, DAY = "second", "minute", "day"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone as the export names them. Every field may be missing; `display` is a name whose
    kind the format does not say (chatlog's senderName, the copied text's name line)."""

    wxid: str | None = None
    nickname: str | None = None
    remark: str | None = None
    group_nickname: str | None = None
    display: str | None = None
    is_self: bool = False  # the exporting account (rows I sent, "你" in system messages)

    @property
    def names(self) -> tuple[str, ...]:
        """The distinct names given, most specific first."""
        seen: list[str] = []
        for name in (self.group_nickname, self.remark, self.display, self.nickname):
            if name and name not in seen:
                seen.append(name)
        return tuple(seen)

    @property
    def label(self) -> str:
        """One short name to show for this person."""
        names = self.names
        if names:
            return names[0]
        return self.wxid or ("我" if self.is_self else "?")


ME = Person(is_self=True)


@dataclass(frozen=True, slots=True)
class Chat:
    """One chat found in a file or folder."""

    format: str  # the exporter's format, e.g. "wechatmsg_csv"
    id: str | None = None  # chatroom id (…@chatroom) or WeCom roomid, when the format keeps it
    name: str | None = None
    is_group: bool = True
    self_wxid: str | None = None  # the exporting account, when the export says


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Something that happened in a chat. `line` is where it is in the file (1-based line for
    text formats, 1-based item number for JSON arrays); `source_id` the exporter's own id for
    the row when it has one (re-imports use it to add nothing twice)."""

    time: datetime
    line: int
    source_id: str | None = None
    precision: str = SECOND


@dataclass(frozen=True, slots=True, kw_only=True)
class Message(Event):
    """A message a member sent (counted as activity)."""

    sender: Person
    kind: str
    length: int = 0  # characters of its text when the format keeps text, else 0
    text: str | None = None  # only when the format keeps it
    quoted: Person | None = None  # the sender of the quoted message, when the format keeps it
    quoted_text: str | None = None  # the quoted message's text, when the format keeps it


def sent(
    time: datetime,
    line: int,
    sender: Person,
    kind: str,
    text: str | None = None,
    *,
    source_id: str | None = None,
    quoted: Person | None = None,
    quoted_text: str | None = None,
    precision: str = SECOND,
) -> Message:
    """A message with its length taken from its text (every reader writes one this way)."""
    return Message(
        time=time,
        line=line,
        source_id=source_id,
        precision=precision,
        sender=sender,
        kind=kind,
        length=len(text) if text else 0,
        text=text,
        quoted=quoted,
        quoted_text=quoted_text,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Join(Event):
    """Someone joined: invited by someone, through someone's QR code, or by link. One event per
    invitee, even when one system message names several."""

    invitee: Person
    inviter: Person | None
    how: str  # INVITE, QR, LINK_JOIN, UNKNOWN_WAY
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Removal(Event):
    removed: Person
    by: Person | None
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Rename(Event):
    by: Person | None
    new_name: str
    old_name: str | None = None
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Recall(Event):
    by: Person
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Pat(Event):
    """拍一拍: not a message, not activity."""

    by: Person
    target: Person
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RedPacketClaim(Event):
    """Y领取了X的红包 (only the sender and the claimer see it)."""

    claimer: Person
    sender: Person
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice(Event):
    """A system message that is none of the above (kept so nothing vanishes unseen). `reason`
    is set when it looks like a join or the like but lost what it needs (a 4.x template that
    the exporter left unfilled)."""

    text: str
    about: Person | None = None  # "X与群里其他人都不是朋友关系": who it is about
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A line (or record) that could not be read, and why; the preview lists them."""

    line: int | None
    reason: str
    excerpt: str = ""
