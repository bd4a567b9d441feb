"""Words for what a chat export holds: its message kinds and how people joined."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from core.chat import model as m

_CONTEXT = "chat_labels"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def kind_label(kind: str) -> str:
    """A chat message kind (text, image, 接龙…) in the interface's language."""
    labels = {
        m.TEXT: _tr("文字"),
        m.IMAGE: _tr("图片"),
        m.VOICE: _tr("语音"),
        m.VIDEO: _tr("视频"),
        m.EMOJI: _tr("表情"),
        m.LINK: _tr("链接"),
        m.FILE: _tr("文件"),
        m.JIELONG: _tr("接龙"),
        m.REDPACKET: _tr("红包"),
        m.QUOTE: _tr("引用回复"),
        m.TRANSFER: _tr("转账"),
        m.LOCATION: _tr("位置"),
        m.CARD: _tr("名片"),
        m.MINIPROGRAM: _tr("小程序"),
        m.FORWARD: _tr("聊天记录"),
        m.CALL: _tr("通话"),
        m.OTHER: _tr("其他"),
    }
    return labels.get(kind, kind)


def how_label(how: str) -> str:
    """How someone joined the group."""
    labels = {
        m.INVITE: _tr("邀请"),
        m.QR: _tr("扫码"),
        m.LINK_JOIN: _tr("邀请链接"),
        m.UNKNOWN_WAY: _tr("未说明"),
    }
    return labels.get(how, how)


def found_by_label(matched_by: str) -> str:
    """How a chat's community was found."""
    labels = {
        "chat_id": _tr("按群 ID"),
        "name": _tr("按群名"),
        "given": _tr("按指定"),
        "new": _tr("将新建"),
    }
    return labels.get(matched_by, matched_by)
