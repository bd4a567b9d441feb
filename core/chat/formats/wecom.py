"""WeCom 会话内容存档: one decrypted ChatData per line (JSON lines).

`{"msgid","action":"send|recall|switch","from","tolist":[…],"roomid","msgtime":<ms>,"msgtype",
<msgtype>:{…}}`; `from` is an internal userid or an external_userid (`wm…`), kept as the sender
id. One file holds every chat: each roomid is a chat; the 1:1 lines (empty roomid) and the
lines that cannot be read make one more.
The archive has no join or leave messages (those come from `groupchat/get`, which the member
import reads); a recall is `action:"recall"`, and the recalled original stays in the archive.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime

from core.chat import model as m
from core.chat.export import ChatExport, Stream
from core.chat.textfile import TextFile
from core.common.text import msg

FORMAT = "wecom_jsonl"
LABEL = msg("企业微信会话存档（JSON 行）")
_ROOM = re.compile(r'"roomid"\s*:\s*"([^"]*)"')
_KINDS = {
    "text": m.TEXT,
    "markdown": m.TEXT,
    "mixed": m.TEXT,
    "image": m.IMAGE,
    "voice": m.VOICE,
    "video": m.VIDEO,
    "emotion": m.EMOJI,
    "link": m.LINK,
    "news": m.LINK,
    "sphfeed": m.LINK,
    "file": m.FILE,
    "redpacket": m.REDPACKET,
    "external_redpacket": m.REDPACKET,
    "weapp": m.MINIPROGRAM,
    "chatrecord": m.FORWARD,
    "location": m.LOCATION,
    "card": m.CARD,
    "voiptext": m.CALL,
    "meeting_voice_call": m.CALL,
    "voip_doc_share": m.FILE,
    "docmsg": m.FILE,
}


def sniff(source: TextFile) -> bool:
    try:
        first = json.loads(source.first_line() or "null")
    except ValueError:
        return False
    return isinstance(first, dict) and "msgid" in first and "msgtime" in first


def chats(source: TextFile) -> list[ChatExport]:
    """One chat per roomid, in order of first appearance (found by a quick pass over the file)."""
    rooms: Counter[str] = Counter()
    for line in source.lines():
        if line.strip():
            found = _ROOM.search(line)
            rooms[found[1] if found else ""] += 1
    if source.take_problems():
        rooms[""] += 0  # the pass over the lines of no room reports the unreadable ones
    found_chats = []
    for room in rooms:
        chat = m.Chat(format=FORMAT, id=room or None, is_group=bool(room))
        found_chats.append(
            ChatExport(
                chat, [source.path], lambda room=room: _events(source, room), source.fraction
            )
        )
    return found_chats


def _events(source: TextFile, room: str) -> Stream:
    for number, line in enumerate(source.lines(), start=1):
        if source.problems:
            problems = source.take_problems()
            if room == "":  # each bad line is reported once: by the pass over lines of no room
                yield from problems
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):
            if room == "":
                yield m.Unreadable(
                    number, msg("第 {row} 行不是完整的 JSON，已跳过", row=number), line[:80]
                )
            continue
        if not isinstance(data, dict):
            if room == "":
                yield m.Unreadable(
                    number, msg("第 {row} 行不是一条存档消息，已跳过", row=number), line[:80]
                )
            continue
        if str(data.get("roomid") or "") != room:
            continue
        try:
            time = datetime.fromtimestamp(int(data["msgtime"]) / 1000, m.SHANGHAI)
        except (KeyError, ValueError, TypeError, OverflowError, OSError):
            yield m.Unreadable(
                number, msg("第 {row} 行的时间无法识别，已跳过", row=number), line[:80]
            )
            continue
        sender = m.Person(wxid=str(data.get("from") or "") or None)
        source_id = str(data.get("msgid") or "") or None
        action = data.get("action")
        msgtype = str(data.get("msgtype") or "")
        if action == "recall" or msgtype == "revoke":
            yield m.Recall(time=time, line=number, source_id=source_id, by=sender)
            continue
        if action == "switch" or sender.wxid is None:
            yield m.Notice(time=time, line=number, source_id=source_id, text=line.strip()[:200])
            continue
        kind = _KINDS.get(msgtype, m.OTHER)
        text = None
        if kind == m.TEXT:
            body = data.get(msgtype)
            text = str(body.get("content") or "") if isinstance(body, dict) else None
        yield m.sent(time, number, sender, kind, text, source_id=source_id)
