"""PyWxDump 3.x CSV and JSON: `export/<my wxid>/{csv,json}/<chat id>/<chat id>_<start>_<end>.*`
with `users.json` beside (names of the senders still in my contacts).

Each row names its sender by wxid only (`talker`; `系统`/`未知` on system rows, my wxid — or "我"
when the API was not told it — on mine); `type_name` is a Chinese label (a red packet has none:
`未知`); times are local `%Y-%m-%d %H:%M:%S`; a quote's `msg` is
`reply\\n\\n[引用](time)name:content`. The JSON file is the same rows as one indented array.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from core.chat import model as m
from core.chat.csvrows import records
from core.chat.export import ChatExport, Stream
from core.chat.jsonstream import JsonArray
from core.chat.system import SystemReader
from core.chat.textfile import TextFile
from core.common.errors import UserError
from core.common.text import msg

CSV_FORMAT = "pywxdump_csv"
JSON_FORMAT = "pywxdump_json"
CSV_LABEL = msg("PyWxDump CSV")
JSON_LABEL = msg("PyWxDump JSON")
HEADER = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime"
_COLUMNS = HEADER.split(",")
_SYSTEM_TALKERS = ("系统", "未知", "")
_SELF_TALKER = "我"
_USERS_MAX_BYTES = 64 * 1024 * 1024
_QUOTE = re.compile(
    r"^(?P<reply>.*?)\n\n\[引用\]\((?P<time>[^)]*)\)(?P<name>[^:\n]*):(?P<quoted>.*)$", re.S
)
_KINDS = {
    "文本": m.TEXT,
    "图片": m.IMAGE,
    "语音": m.VOICE,
    "视频": m.VIDEO,
    "动画表情": m.EMOJI,
    "用户上传的GIF表情": m.EMOJI,
    "(分享)卡片式链接": m.LINK,
    "(分享)音乐": m.LINK,
    "粘贴的文本": m.LINK,
    "(分享)视频号视频": m.LINK,
    "(分享)视频号名片": m.LINK,
    "视频号直播或直播回放": m.LINK,
    "视频号直播或直播回放等": m.LINK,
    "文件": m.FILE,
    "文件(猜)": m.FILE,
    "接龙": m.JIELONG,
    "引用回复": m.QUOTE,
    "合并转发的聊天记录": m.FORWARD,
    "(分享)笔记": m.FORWARD,
    "(分享)小程序": m.MINIPROGRAM,
    "转账": m.TRANSFER,
    "位置": m.LOCATION,
    "位置共享": m.LOCATION,
    "推荐公众号": m.CARD,
    "语音通话": m.CALL,
}
_SYSTEM_TYPES = ("系统通知", "邀请加群", "拍一拍")


def sniff_csv(source: TextFile) -> bool:
    return source.head.split("\n", 1)[0].rstrip("\r") == HEADER


def sniff_json(source: TextFile) -> bool:
    head = source.head.lstrip()
    return head.startswith("[") and all(
        f'"{key}"' in head[:4000] for key in ("MsgSvrID", "type_name", "talker")
    )


def chats_csv(source: TextFile) -> list[ChatExport]:
    return [_export(source, CSV_FORMAT, lambda: _csv_rows(source))]


def chats_json(source: TextFile) -> list[ChatExport]:
    return [_export(source, JSON_FORMAT, lambda: _json_rows(source))]


def _export(source: TextFile, format_: str, rows) -> ChatExport:
    path = source.path
    # export/<my wxid>/csv/<chat id>/<file>: the folders say whose export it is and which chat
    self_wxid = None
    if len(path.parts) >= 4 and path.parent.parent.name in ("csv", "json"):
        self_wxid = path.parent.parent.parent.name or None
    chat_id = _chat_id(source, path)
    chat = m.Chat(
        format=format_,
        id=chat_id,
        is_group=bool(chat_id and chat_id.endswith("@chatroom")),
        self_wxid=self_wxid,
    )
    return ChatExport(chat, [path], lambda: _events(source, chat, rows()), source.fraction)


def _chat_id(source: TextFile, path: Path) -> str | None:
    found = re.search(r'"room_name":\s*"([^"]+)"', source.head) or re.search(
        r"^[^,\n]*,[^,\n]*,[^,\n]*,[^,\n]*,[^,\n]*,([^,\n]+@chatroom),", source.head, re.M
    )
    if found:
        return found[1]
    stem = re.sub(r"_\d+_\d+$", "", path.stem)
    return stem or None


def _csv_rows(source: TextFile):
    for record in records(source, len(_COLUMNS)):
        if isinstance(record, m.Unreadable):
            yield record
        else:
            line, cells = record
            yield line, dict(zip(_COLUMNS, cells, strict=True))


def _json_rows(source: TextFile):
    for number, item in JsonArray(source).items():
        if isinstance(item, dict):
            yield number, item
        else:
            yield m.Unreadable(
                number, msg("第 {n} 条不是一条消息记录，已跳过", n=number), str(item)[:80]
            )


def _events(source: TextFile, chat: m.Chat, rows) -> Stream:
    users = load_users(source.path.parent)
    system = SystemReader()
    if chat.self_wxid:
        system.me = _person(chat.self_wxid, users, mine=True)
    for row in rows:
        if isinstance(row, m.Unreadable):
            yield row
            continue
        line, cells = row
        try:
            time = datetime.strptime(str(cells.get("CreateTime", "")), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            yield m.Unreadable(
                line,
                msg("第 {row} 行的时间无法识别，已跳过", row=line),
                str(cells.get("CreateTime"))[:40],
            )
            continue
        time = time.replace(tzinfo=m.SHANGHAI)
        source_id = str(cells.get("MsgSvrID") or "") or None
        type_name = str(cells.get("type_name") or "")
        talker = str(cells.get("talker") or "")
        content = str(cells.get("msg") or "")
        mine = str(cells.get("is_sender")) == "1"
        if (
            type_name in _SYSTEM_TYPES
            or type_name.startswith("消息撤回")
            or (talker in _SYSTEM_TALKERS and not mine)
        ):
            yield from system.read(content, time, line, source_id)
            continue
        if mine:
            if talker and talker != _SELF_TALKER and system.me.wxid is None:
                system.me = _person(talker, users, mine=True)
            sender = system.me
        else:
            sender = _person(talker, users)
        kind = _KINDS.get(type_name, m.OTHER)
        text, quoted, quoted_text = None, None, None
        if kind == m.TEXT:
            text = content
        elif kind == m.QUOTE:
            found = _QUOTE.match(content)
            if found:
                text = found["reply"]
                quoted = m.Person(display=found["name"].strip() or None)
                quoted_text = found["quoted"]
        yield m.sent(
            time, line, sender, kind, text, source_id=source_id, quoted=quoted,
            quoted_text=quoted_text,
        )  # fmt: skip


def _person(wxid: str, users: dict, mine: bool = False) -> m.Person:
    user = users.get(wxid) or {}
    return m.Person(
        wxid=wxid,
        nickname=str(user.get("nickname") or "") or None,
        remark=str(user.get("remark") or "") or None,
        is_self=mine,
    )


def load_users(folder: Path) -> dict:
    """users.json beside the export (or in the csv/json twin folder), {} when there is none;
    a damaged one is refused, not half-read."""
    candidates = [folder / "users.json"]
    if folder.parent.name in ("csv", "json"):
        twin = "json" if folder.parent.name == "csv" else "csv"
        candidates.append(folder.parent.parent / twin / folder.name / "users.json")
    for path in candidates:
        if not path.is_file():
            continue
        source = TextFile(path)
        if source.size > _USERS_MAX_BYTES:
            raise UserError(msg("文件「{name}」太大，不是 PyWxDump 的联系人文件", name=path.name))
        try:
            data = json.loads("".join(source.chunks()))
        except (json.JSONDecodeError, RecursionError, ValueError) as error:
            raise UserError(msg("联系人文件「{name}」不完整或格式有误", name=path.name)) from error
        return (
            {str(k): v for k, v in data.items() if isinstance(v, dict)}
            if isinstance(data, dict)
            else {}
        )
    return {}
