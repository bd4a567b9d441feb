"""留痕 (LC044/WeChatMsg 2.x) CSV: `data/聊天记录/<remark>/<remark>_utf8.csv`, one group per file.

Rows carry the sender's wxid (`Sender`), `Remark` (my remark, else the nickname, with
`\\/:*?"<>|`, white space and dots turned into `_`) and the raw `NickName`; a member who is not
in my contacts any more has the wxid in all three. `CreateTime` is Unix seconds. System rows
(Type 10000) have empty sender columns except my own recall; appmsg rows (Type 49) have no text
(the XML is compressed in a column the CSV leaves out), so 接龙 and red packets are known by
their subtype only.
"""

from __future__ import annotations

import re
from datetime import datetime

from core.chat import kinds
from core.chat import model as m
from core.chat.csvrows import records
from core.chat.export import ChatExport, Stream
from core.chat.system import SystemReader
from core.chat.textfile import TextFile
from core.common.text import msg

FORMAT = "wechatmsg_csv"
LABEL = msg("留痕（WeChatMsg）CSV")
HEADER = (
    "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,"
    "Remark,NickName,Sender"
)
_WIDTH = 12
_UNSAFE = re.compile(r'[\\/:*?"<>|\s.]')


def sniff(source: TextFile) -> bool:
    return source.head.split("\n", 1)[0].rstrip("\r") == HEADER


def chats(source: TextFile) -> list[ChatExport]:
    name = source.path.stem.removesuffix("_utf8")
    chat = m.Chat(format=FORMAT, name=name or None)
    return [ChatExport(chat, [source.path], lambda: _events(source), source.fraction)]


def _bad(line: int, reason: str, cells: list[str]) -> m.Unreadable:
    return m.Unreadable(line, reason, ",".join(cells)[:80])


def _events(source: TextFile) -> Stream:
    system = SystemReader()
    people: dict[tuple[str, str, str], m.Person] = {}  # one Person per sender, not per row
    for record in records(source, _WIDTH):
        if isinstance(record, m.Unreadable):
            yield record
            continue
        line, cells = record
        local_id, _talker, type_, sub, is_sender, created, _status, content = cells[:8]
        remark, nickname, sender = cells[9], cells[10], cells[11]
        try:
            type_code, sub_code = int(type_), int(sub or 0)
            time = datetime.fromtimestamp(int(created), m.SHANGHAI)
        except (ValueError, OverflowError, OSError):
            yield _bad(line, msg("第 {row} 行的类型或时间不是数字，已跳过", row=line), cells)
            continue
        mine = is_sender == "1"
        if mine and sender and system.me.wxid is None:
            system.me = m.Person(wxid=sender, nickname=nickname or None, is_self=True)
        if type_code in (kinds.SYSTEM, kinds.SYSTEM_XML):
            yield from system.read(content, time, line, local_id or None)
            continue
        key = (sender, remark, nickname)
        person = system.me if mine else people.get(key) or people.setdefault(key, _person(*key))
        if person.wxid is None and not person.names:
            yield _bad(line, msg("第 {row} 行没有发送人，已跳过", row=line), cells)
            continue
        kind = kinds.kind_of(type_code, sub_code)
        text = content if kind == m.TEXT else None
        yield m.sent(time, line, person, kind, text, source_id=local_id or None)


def _person(wxid: str, remark: str, nickname: str) -> m.Person:
    if remark == nickname == wxid:  # no longer a contact: only the wxid is known
        return m.Person(wxid=wxid or None)
    # Remark is my remark, else the nickname, made file-name safe: only a real remark differs.
    real_remark = remark if remark and remark != _UNSAFE.sub("_", nickname) else None
    return m.Person(wxid=wxid or None, nickname=nickname or None, remark=real_remark)
