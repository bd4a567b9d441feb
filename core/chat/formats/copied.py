"""Messages selected in the desktop client and copied as text (then pasted into a file).

Windows: `name:` on its own line, the message lines, a blank line — and no date or time at all,
so the caller says which day the messages are from. Mac: `name 2025/3/20 07:16`, then the lines.
The name is the one the chat shows (群昵称, my remark or the nickname); system tips cannot be
selected, so there are none. Pictures and stickers are placeholders such as `[图片]`, `[动画表情]`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from core.chat import model as m
from core.chat.export import ChatExport, Stream
from core.chat.textfile import TextFile
from core.common.errors import UserError
from core.common.text import msg

WINDOWS_FORMAT = "copy_windows"
MAC_FORMAT = "copy_mac"
WINDOWS_LABEL = msg("从电脑版微信（Windows）复制的文字")
MAC_LABEL = msg("从电脑版微信（Mac）复制的文字")
_MAC_HEAD = re.compile(
    r"^(?P<name>.+?)\s(?P<y>\d{4})/(?P<mo>\d{1,2})/(?P<d>\d{1,2})\s(?P<h>\d{1,2}):(?P<mi>\d{2})$"
)
_WINDOWS_HEAD = re.compile(r"^(?P<name>[^\n]{1,64}?):$")
_PLACEHOLDERS = {
    "[图片]": m.IMAGE,
    "[动画表情]": m.EMOJI,
    "[表情]": m.EMOJI,
    "[语音]": m.VOICE,
    "[视频]": m.VIDEO,
    "[文件]": m.FILE,
    "[链接]": m.LINK,
    "[红包]": m.REDPACKET,
    "[接龙]": m.JIELONG,
    "[位置]": m.LOCATION,
    "[名片]": m.CARD,
    "[聊天记录]": m.FORWARD,
    "[小程序]": m.MINIPROGRAM,
    "[转账]": m.TRANSFER,
}


def sniff_mac(source: TextFile) -> bool:
    return _MAC_HEAD.match(source.first_line()) is not None


def sniff_windows(source: TextFile) -> bool:
    return _WINDOWS_HEAD.match(source.first_line()) is not None


def chats_mac(source: TextFile) -> list[ChatExport]:
    chat = m.Chat(format=MAC_FORMAT)
    return [ChatExport(chat, [source.path], lambda: _events(source, None), source.fraction)]


def chats_windows(source: TextFile, day: date | None) -> list[ChatExport]:
    if day is None:
        raise UserError(
            msg(
                "「{name}」是从电脑版微信复制的聊天文字，里面没有日期：请指定这些消息是哪一天的"
                "（命令行用 --date）",
                name=source.name,
            )
        )
    chat = m.Chat(format=WINDOWS_FORMAT)
    return [ChatExport(chat, [source.path], lambda: _events(source, day), source.fraction)]


def _message(name: str, when: datetime, precision: str, body: list[str], line: int) -> m.Message:
    while body and not body[-1].strip():
        body.pop()
    text = "\n".join(body)
    kind = _PLACEHOLDERS.get(text.strip(), m.TEXT)
    text = text if kind == m.TEXT else None
    return m.sent(when, line, m.Person(display=name), kind, text, precision=precision)


def _events(source: TextFile, day: date | None) -> Stream:
    """With `day`, the Windows layout (a name line after a blank line starts a message);
    without, the Mac layout (a name-and-time line starts one)."""
    midnight = datetime.combine(day, time(0), m.SHANGHAI) if day else None
    current: tuple[str, datetime, int] | None = None
    body: list[str] = []
    after_blank = True
    for number, raw in enumerate(source.lines(), start=1):
        if source.problems:
            yield from source.take_problems()
        line = raw.rstrip("\r\n")
        head = None
        if midnight is not None:
            found = _WINDOWS_HEAD.match(line) if after_blank else None
            if found:
                head = (found["name"], midnight, number)
        else:
            found = _MAC_HEAD.match(line.strip())
            if found:
                try:
                    when = datetime(
                        int(found["y"]), int(found["mo"]), int(found["d"]),
                        int(found["h"]), int(found["mi"]), tzinfo=m.SHANGHAI,
                    )  # fmt: skip
                except ValueError:
                    yield m.Unreadable(
                        number, msg("第 {row} 行的日期不存在，已跳过", row=number), line
                    )
                    continue
                head = (found["name"], when, number)
        after_blank = not line.strip()
        if head is not None:
            if current is not None:
                yield _message(*current[:2], m.DAY if day else m.MINUTE, body, current[2])
            current, body = head, []
            continue
        if current is None:
            if line.strip():
                yield m.Unreadable(
                    number,
                    msg("第 {row} 行不属于任何一条消息（前面没有发送人），已跳过", row=number),
                    line[:80],
                )
            continue
        body.append(line)
    if current is not None:
        yield _message(*current[:2], m.DAY if day else m.MINUTE, body, current[2])
