"""WeChat's message type codes (PC 3.x `Type`/`SubType`; 4.x `local_type`, whose high 32 bits
hold the appmsg type) mapped onto the neutral message kinds."""

from __future__ import annotations

from core.chat import model as m

_BY_TYPE = {
    1: m.TEXT,
    3: m.IMAGE,
    34: m.VOICE,
    42: m.CARD,
    43: m.VIDEO,
    47: m.EMOJI,
    48: m.LOCATION,
    50: m.CALL,
}
# appmsg (type 49) subtypes
_BY_APP = {
    1: m.LINK,  # 粘贴的文本 / link without url
    3: m.LINK,  # music
    4: m.LINK,
    5: m.LINK,
    6: m.FILE,
    8: m.EMOJI,  # uploaded GIF
    19: m.FORWARD,
    24: m.FORWARD,  # 笔记
    33: m.MINIPROGRAM,
    36: m.MINIPROGRAM,
    51: m.LINK,  # 视频号
    53: m.JIELONG,
    57: m.QUOTE,
    63: m.LINK,  # 视频号直播
    74: m.FILE,
    92: m.LINK,
    2000: m.TRANSFER,
    2001: m.REDPACKET,
}

SYSTEM = 10000
SYSTEM_XML = 10002
APPMSG = 49
PAT_APP = 62


def split_local_type(value: int) -> tuple[int, int]:
    """(type, appmsg subtype) of a 4.x local_type (a 3.x type passes through with 0)."""
    return value & 0xFFFFFFFF, value >> 32


def kind_of(type_: int, sub: int) -> str:
    if type_ == APPMSG:
        return _BY_APP.get(sub, m.OTHER)
    return _BY_TYPE.get(type_, m.OTHER)
