"""WeFlow (hicccc77/WeFlow 5.x) JSON: `{weflow:{…}, session:{wxid,nickname,remark,displayName,
type:"群聊"|"私聊",…}, messages:[{localId,createTime,formattedTime,type,localType,content,isSend,
senderUsername,senderDisplayName,source,…}]}` (JsonFormatter.ts).

`createTime` is Unix seconds; `localType` is WeChat 4.x's (the appmsg type in its high 32 bits:
红包 8594229559345, 引用 244813135921, 拍一拍 266287972401); `content` is WeFlow's readable text
(`[接龙] 标题`, `[文件] 名`, `[链接] 标题` …). A quote names the quoted person in `quotedSender`.
System joins whose template WeFlow could not fill come out as `"$username$"邀请"$names$"…`
(WeFlow issues #877, #985): kept as notices with that reason.
"""

from __future__ import annotations

from datetime import datetime

from core.chat import kinds
from core.chat import model as m
from core.chat.export import ChatExport, Stream
from core.chat.jsonstream import JsonArray
from core.chat.system import SystemReader
from core.chat.textfile import TextFile
from core.common.text import msg

FORMAT = "weflow_json"
LABEL = msg("WeFlow JSON")
_PREFIX_KINDS = (
    ("[接龙]", m.JIELONG),
    ("[文件]", m.FILE),
    ("[链接]", m.LINK),
    ("[音乐]", m.LINK),
    ("[小程序]", m.MINIPROGRAM),
    ("[转账]", m.TRANSFER),
    ("[红包]", m.REDPACKET),
    ("[聊天记录]", m.FORWARD),
)
_TYPE_NAMES = {
    "引用消息": m.QUOTE,
    "文件消息": m.FILE,
    "链接消息": m.LINK,
    "音乐消息": m.LINK,
    "聊天记录": m.FORWARD,
    "小程序消息": m.MINIPROGRAM,
    "转账消息": m.TRANSFER,
}


def sniff(source: TextFile) -> bool:
    head = source.head.lstrip()
    return head.startswith("{") and '"weflow"' in head[:2000] and '"session"' in head[:8000]


def chats(source: TextFile) -> list[ChatExport]:
    reader = JsonArray(source, key="messages")
    session: dict = {}
    for _item in reader.items():  # the header comes before the messages: stop at the first
        break
    session = reader.header.get("session") if isinstance(reader.header.get("session"), dict) else {}
    chat_id = str(session.get("wxid") or "") or None
    chat = m.Chat(
        format=FORMAT,
        id=chat_id,
        name=str(session.get("displayName") or session.get("nickname") or "") or None,
        is_group=session.get("type") == "群聊" or bool(chat_id and chat_id.endswith("@chatroom")),
    )
    return [ChatExport(chat, [source.path], lambda: _events(source), source.fraction)]


def _kind(local_type: int, type_name: str, content: str) -> str:
    type_, sub = kinds.split_local_type(local_type)
    if type_ == kinds.APPMSG and sub:
        return kinds.kind_of(type_, sub)
    if type_ == kinds.APPMSG:
        for prefix, kind in _PREFIX_KINDS:
            if content.startswith(prefix):
                return kind
        return _TYPE_NAMES.get(type_name, m.OTHER)
    return kinds.kind_of(type_, 0)


def _events(source: TextFile) -> Stream:
    system = SystemReader()
    for number, item in JsonArray(source, key="messages").items():
        if not isinstance(item, dict):
            yield m.Unreadable(number, msg("第 {n} 条不是一条消息记录，已跳过", n=number))
            continue
        try:
            time = datetime.fromtimestamp(int(item.get("createTime")), m.SHANGHAI)
            local_type = int(item.get("localType") or 0)
        except (ValueError, TypeError, OverflowError, OSError):
            yield m.Unreadable(
                number, msg("第 {n} 条的时间或类型无法识别，已跳过", n=number), str(item)[:80]
            )
            continue
        source_id = str(item.get("platformMessageId") or "") or None
        content = str(item.get("content") or "")
        type_, sub = kinds.split_local_type(local_type)
        sender = m.Person(
            wxid=str(item.get("senderUsername") or "") or None,
            display=str(item.get("senderDisplayName") or "") or None,
            is_self=bool(item.get("isSend")),
        )
        if sender.is_self and system.me.wxid is None and sender.wxid:
            system.me = sender
        if type_ in (kinds.SYSTEM, kinds.SYSTEM_XML) or item.get("type") == "系统消息":
            yield from system.read(content, time, number, source_id)
            continue
        if type_ == kinds.APPMSG and sub == kinds.PAT_APP:
            events = system.read(content, time, number, source_id)
            if len(events) == 1 and isinstance(events[0], m.Pat):
                yield events[0]
            else:
                yield m.Pat(
                    time=time, line=number, source_id=source_id, by=sender, target=m.Person(),
                    text=content,
                )  # fmt: skip
            continue
        kind = _kind(local_type, str(item.get("type") or ""), content)
        quoted = None
        if kind == m.QUOTE and item.get("quotedSender"):
            quoted = m.Person(display=str(item["quotedSender"]))
        text = content if kind == m.TEXT else None
        yield m.sent(time, number, sender, kind, text, source_id=source_id, quoted=quoted)
