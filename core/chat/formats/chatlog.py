"""sjzar/chatlog (WeChat 4.x): `GET /api/v1/chatlog?format=json` and `format=csv`.

JSON: one array of `{seq,time,talker,talkerName,isChatRoom,sender,senderName,isSelf,type,subType,
content,contents}`; `time` is RFC 3339 with its offset; `sender` the wxid (`系统消息` on system
rows, whose text names people as `nickname(wxid)`); `senderName` the 群昵称, remark or nickname.
A quote keeps the quoted message under `contents.refer`; 拍一拍 is appmsg 62 with the patter
as sender. CSV: `Time,SenderName,Sender,TalkerName,Talker,Content`, Content being chatlog's plain
text rendering (`![图片](…)`, `[链接|…](…)`, `[红包]`, `> ` lines before a reply …).
"""

from __future__ import annotations

import re
from datetime import datetime

from core.chat import kinds
from core.chat import model as m
from core.chat.csvrows import records
from core.chat.export import ChatExport, Stream
from core.chat.jsonstream import JsonArray
from core.chat.system import SystemReader
from core.chat.textfile import TextFile
from core.common.text import msg

JSON_FORMAT = "chatlog_json"
CSV_FORMAT = "chatlog_csv"
JSON_LABEL = msg("chatlog JSON（微信 4.x）")
CSV_LABEL = msg("chatlog CSV（微信 4.x）")
CSV_HEADER = "Time,SenderName,Sender,TalkerName,Talker,Content"
SYSTEM_SENDER = "系统消息"
_FRACTION = re.compile(r"(\.\d{6})\d+")
_PAT_TEMPLATE = re.compile(r'^"\$\{[^}]+\}"\s*拍了拍')


def sniff_json(source: TextFile) -> bool:
    head = source.head.lstrip()
    return head.startswith("[") and all(
        f'"{key}"' in head[:4000] for key in ("seq", "talker", "isChatRoom", "senderName")
    )


def sniff_csv(source: TextFile) -> bool:
    return source.head.split("\n", 1)[0].rstrip("\r") == CSV_HEADER


def _first_item(source: TextFile) -> dict:
    for _number, item in JsonArray(source).items():
        return item if isinstance(item, dict) else {}
    return {}


def chats_json(source: TextFile) -> list[ChatExport]:
    first = _first_item(source)
    talker = str(first.get("talker") or "") or None
    chat = m.Chat(
        format=JSON_FORMAT,
        id=talker,
        name=str(first.get("talkerName") or "") or None,
        is_group=bool(first.get("isChatRoom", talker and talker.endswith("@chatroom"))),
    )
    return [ChatExport(chat, [source.path], lambda: _json_events(source), source.fraction)]


def chats_csv(source: TextFile) -> list[ChatExport]:
    found = re.search(r"^[^\n]*\n(?:.*?),([^,\n]*),([^,\n]*@chatroom),", source.head, re.S)
    chat = m.Chat(
        format=CSV_FORMAT,
        id=found[2] if found else None,
        name=(found[1] or None) if found else None,
    )
    return [ChatExport(chat, [source.path], lambda: _csv_events(source), source.fraction)]


def parse_time(value: str) -> datetime:
    """RFC 3339 as Go writes it (nanoseconds, `Z` or an offset) as an aware datetime."""
    text = _FRACTION.sub(r"\1", value.strip()).replace("Z", "+00:00")
    time = datetime.fromisoformat(text)
    return time if time.tzinfo else time.replace(tzinfo=m.SHANGHAI)


def _json_events(source: TextFile) -> Stream:
    system = SystemReader(with_ids=True)
    for number, item in JsonArray(source).items():
        if not isinstance(item, dict):
            yield m.Unreadable(number, msg("第 {n} 条不是一条消息记录，已跳过", n=number))
            continue
        try:
            time = parse_time(str(item.get("time") or ""))
            type_, sub = int(item.get("type") or 0), int(item.get("subType") or 0)
        except (ValueError, TypeError):
            yield m.Unreadable(
                number, msg("第 {n} 条的时间或类型无法识别，已跳过", n=number), str(item)[:80]
            )
            continue
        if type_ > 0xFFFFFFFF:  # an unsplit 4.x local_type
            type_, sub = kinds.split_local_type(type_)
        source_id = str(item.get("seq") or "") or None
        sender_id = str(item.get("sender") or "")
        content = str(item.get("content") or "")
        if type_ == kinds.SYSTEM or sender_id == SYSTEM_SENDER:
            yield from system.read(content, time, number, source_id)
            continue
        sender = m.Person(
            wxid=sender_id or None,
            display=str(item.get("senderName") or "") or None,
            is_self=bool(item.get("isSelf")),
        )
        if sender.is_self and system.me.wxid is None and sender.wxid:
            system.me = sender
        if type_ == kinds.APPMSG and sub == kinds.PAT_APP:
            yield _pat(system, content, sender, time, number, source_id)
            continue
        kind = kinds.kind_of(type_, sub)
        quoted, quoted_text = None, None
        contents = item.get("contents")
        if (
            kind == m.QUOTE
            and isinstance(contents, dict)
            and isinstance(contents.get("refer"), dict)
        ):
            refer = contents["refer"]
            quoted = m.Person(
                wxid=str(refer.get("sender") or "") or None,
                display=str(refer.get("senderName") or "") or None,
            )
            quoted_text = str(refer.get("content") or "") or None
        text = content if kind in (m.TEXT, m.QUOTE) and content else None
        yield m.sent(
            time, number, sender, kind, text, source_id=source_id, quoted=quoted,
            quoted_text=quoted_text,
        )  # fmt: skip


def _pat(system: SystemReader, content: str, sender: m.Person, time, line, source_id):
    events = system.read(content, time, line, source_id) if content else []
    if len(events) == 1 and isinstance(events[0], m.Pat):
        pat = events[0]
        return m.Pat(
            time=time,
            line=line,
            source_id=source_id,
            by=sender if pat.by.wxid is None or pat.by.wxid == sender.wxid else pat.by,
            target=pat.target,
            text=pat.text,
        )
    return m.Notice(time=time, line=line, source_id=source_id, text=content, about=sender)


# ---------------------------------------------------------------------------------- CSV

_CSV_KINDS = (
    ("![图片](", m.IMAGE),
    ("[语音", m.VOICE),
    ("![视频](", m.VIDEO),
    ("![动画表情](", m.EMOJI),
    ("[动画表情]", m.EMOJI),
    ("[GIF表情]", m.EMOJI),
    ("[位置|", m.LOCATION),
    ("[名片]", m.CARD),
    ("[链接|", m.LINK),
    ("[音乐|", m.LINK),
    ("[视频号", m.LINK),
    ("[文件|", m.FILE),
    ("[合并转发", m.FORWARD),
    ("[笔记", m.FORWARD),
    ("[小程序", m.MINIPROGRAM),
    ("[转账|", m.TRANSFER),
    ("[红包]", m.REDPACKET),
    ("[语音通话]", m.CALL),
    ("[红包封面]", m.OTHER),
    ("[分享]", m.OTHER),  # 接龙 among others: chatlog does not say which
    ("[群公告", m.OTHER),
    ("Type: ", m.OTHER),
    ("> ", m.QUOTE),
    ("[引用]", m.QUOTE),
)
_REFER_HEAD = re.compile(r"^> (?P<name>.*?)(?:\((?P<wxid>[^()]+)\))? \d\d-\d\d \d\d:\d\d:\d\d$")


def _csv_events(source: TextFile) -> Stream:
    system = SystemReader(with_ids=True)
    for record in records(source, 6):
        if isinstance(record, m.Unreadable):
            yield record
            continue
        line, (when, sender_name, sender_id, _talker_name, _talker, content) = record
        try:
            time = datetime.strptime(when, "%Y-%m-%d %H:%M:%S").replace(tzinfo=m.SHANGHAI)
        except ValueError:
            yield m.Unreadable(line, msg("第 {row} 行的时间无法识别，已跳过", row=line), when[:40])
            continue
        if sender_id == SYSTEM_SENDER:
            yield from system.read(content, time, line)
            continue
        sender = m.Person(wxid=sender_id or None, display=sender_name or None)
        if _PAT_TEMPLATE.match(content):
            yield _pat(system, content, sender, time, line, None)
            continue
        kind = next((k for prefix, k in _CSV_KINDS if content.startswith(prefix)), m.TEXT)
        quoted, quoted_text, text = None, None, content if kind == m.TEXT else None
        if kind == m.QUOTE:
            head = content.partition("\n")[0]
            found = _REFER_HEAD.match(head)
            if found:
                quoted = m.Person(wxid=found["wxid"], display=found["name"] or None)
            lines = content.split("\n")
            text = "\n".join(x for x in lines if not x.startswith("> ")) or None
            refer = [x[2:] for x in lines[1:] if x.startswith("> ")]
            quoted_text = "\n".join(refer) or None
        yield m.sent(time, line, sender, kind, text, quoted=quoted, quoted_text=quoted_text)
