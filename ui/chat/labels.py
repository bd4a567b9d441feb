"""Words for what a chat export holds: its message kinds and how people joined (functions:
the translator is installed after import)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from core.chat import model as m


def kind_label(kind: str) -> str:
    """A chat message kind (text, image, 接龙…) in the interface's language."""
    labels = {
        m.TEXT: QCoreApplication.translate("chat_labels", "文字"),
        m.IMAGE: QCoreApplication.translate("chat_labels", "图片"),
        m.VOICE: QCoreApplication.translate("chat_labels", "语音"),
        m.VIDEO: QCoreApplication.translate("chat_labels", "视频"),
        m.EMOJI: QCoreApplication.translate("chat_labels", "表情"),
        m.LINK: QCoreApplication.translate("chat_labels", "链接"),
        m.FILE: QCoreApplication.translate("chat_labels", "文件"),
        m.JIELONG: QCoreApplication.translate("chat_labels", "接龙"),
        m.REDPACKET: QCoreApplication.translate("chat_labels", "红包"),
        m.QUOTE: QCoreApplication.translate("chat_labels", "引用回复"),
        m.TRANSFER: QCoreApplication.translate("chat_labels", "转账"),
        m.LOCATION: QCoreApplication.translate("chat_labels", "位置"),
        m.CARD: QCoreApplication.translate("chat_labels", "名片"),
        m.MINIPROGRAM: QCoreApplication.translate("chat_labels", "小程序"),
        m.FORWARD: QCoreApplication.translate("chat_labels", "聊天记录"),
        m.CALL: QCoreApplication.translate("chat_labels", "通话"),
        m.OTHER: QCoreApplication.translate("chat_labels", "其他"),
    }
    return labels.get(kind, kind)


def how_label(how: str) -> str:
    """How someone joined the group."""
    labels = {
        m.INVITE: QCoreApplication.translate("chat_labels", "邀请"),
        m.QR: QCoreApplication.translate("chat_labels", "扫码"),
        m.LINK_JOIN: QCoreApplication.translate("chat_labels", "邀请链接"),
        m.UNKNOWN_WAY: QCoreApplication.translate("chat_labels", "未说明"),
    }
    return labels.get(how, how)


def found_by_label(matched_by: str) -> str:
    """How a chat's community was found."""
    labels = {
        "chat_id": QCoreApplication.translate("chat_labels", "按群 ID"),
        "name": QCoreApplication.translate("chat_labels", "按群名"),
        "given": QCoreApplication.translate("chat_labels", "按指定"),
        "new": QCoreApplication.translate("chat_labels", "将新建"),
    }
    return labels.get(matched_by, matched_by)
