"""Which activity kind a chat message is recorded as.

Most kinds mean what an existing activity kind means: a message of any form is 发言 (message),
a shared link, mini program or forwarded chat record is 分享 (share), taking part in a 接龙 is
签到 (checkin, as a pasted 接龙 records it). Two are new (migration 0011, weights in 行为权重):
a quote of someone else's message is 引用回复 (reply), a red packet sent is 发红包 (redpacket).
"""

from __future__ import annotations

from core.chat import model as m

ACTIVITY_KIND = {
    m.TEXT: "message",
    m.IMAGE: "message",
    m.VOICE: "message",
    m.VIDEO: "message",
    m.EMOJI: "message",
    m.FILE: "message",
    m.LOCATION: "message",
    m.CARD: "message",
    m.CALL: "message",
    m.TRANSFER: "message",
    m.OTHER: "message",
    m.LINK: "share",
    m.MINIPROGRAM: "share",
    m.FORWARD: "share",
    m.JIELONG: "checkin",
    m.QUOTE: "reply",
    m.REDPACKET: "redpacket",
}
assert set(ACTIVITY_KIND) == set(m.KINDS)

# How a join happened, as a membership's join channel and as a referral edge's `how`. A join
# by invitation link is a direct invitation by the member who shared the link.
JOIN_CHANNEL = {m.INVITE: "邀请", m.QR: "扫码", m.LINK_JOIN: "链接", m.UNKNOWN_WAY: "聊天记录"}
EDGE_HOW = {m.INVITE: "direct_invite", m.QR: "group_qr", m.LINK_JOIN: "direct_invite"}
