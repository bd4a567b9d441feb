"""The rules of the 需要处理 list: which community needs the operator, and why.

DOMAIN.md: a personal-WeChat group QR code is valid 7 days, scanning in stops at 200 members,
a group holds 500. The operator is reminded when the code has a day left, when it has expired,
when the group nears the scan-in cap (time to open the next group) and when it nears the
member cap. One capacity warning per group: past the member-cap threshold the scan-in one
says nothing new. A group nobody can scan into any more needs no QR code, so its QR warnings
are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.communities.limits import SCAN_CAP_PLATFORMS, Limits, days_left, expires_on

# Most urgent first; the 需要处理 list is sorted in this order.
KINDS = ("qr_expired", "qr_expiring", "member_cap", "scan_cap", "qr_missing")
KIND_LABELS = {
    "qr_expired": "二维码已过期",
    "qr_expiring": "二维码即将过期",
    "member_cap": "群人数上限",
    "scan_cap": "扫码进群上限",
    "qr_missing": "未添加群二维码",
}


@dataclass(frozen=True)
class Attention:
    """One thing to handle: what kind, in which community, said in a sentence."""

    kind: str
    community_id: int
    community_name: str
    message: str


@dataclass(frozen=True)
class GroupState:
    """What the rules look at for one community."""

    id: int
    name: str
    platform: str
    members: int
    member_cap: int
    scan_cap: int
    has_qr: bool
    qr_generated_on: date | None
    qr_valid_days: int | None  # the community's own; None: the platform's


def warnings_for(group: GroupState, limits: Limits, today: date) -> list[Attention]:
    found: list[tuple[str, str]] = []
    scan_platform = group.platform in SCAN_CAP_PLATFORMS
    member_warn = limits.member_warn_threshold(group.member_cap)
    scan_warn = limits.scan_warn_threshold(group.scan_cap)
    n = group.members
    if n >= group.member_cap:
        found.append(
            ("member_cap", f"群已满（{n}/{group.member_cap} 人），新成员进不来了，请开新群")
        )
    elif n >= member_warn:
        left = group.member_cap - n
        found.append(
            (
                "member_cap",
                f"已有 {n} 人，距 {group.member_cap} 人上限只剩 {left} 个名额，准备开新群",
            )
        )
    elif scan_platform and n >= group.scan_cap:
        found.append(
            (
                "scan_cap",
                f"已有 {n} 人，超过 {group.scan_cap} 人扫码进群上限："
                "新成员只能由群成员邀请进群，或开新群继续扫码",
            )
        )
    elif scan_platform and n >= scan_warn:
        found.append(
            (
                "scan_cap",
                f"已有 {n} 人，距 {group.scan_cap} 人扫码进群上限只剩 {group.scan_cap - n} 人，"
                "准备开新群",
            )
        )

    can_scan_in = n < group.member_cap and not (scan_platform and n >= group.scan_cap)
    if can_scan_in:
        found.extend(_qr_warnings(group, limits, today))
    return [Attention(kind, group.id, group.name, message) for kind, message in found]


def _qr_warnings(group: GroupState, limits: Limits, today: date) -> list[tuple[str, str]]:
    if not group.has_qr:
        if group.platform == "wechat":
            return [("qr_missing", "还没有添加群二维码，无法跟踪有效期")]
        return []
    valid = limits.valid_days(group.platform, group.qr_valid_days)
    left = days_left(group.qr_generated_on, valid, today)
    if left is None:
        return []
    end = expires_on(group.qr_generated_on, valid)
    when = f"{end.month}月{end.day}日"
    if left <= 0:
        return [("qr_expired", f"群二维码已于 {when} 过期，请在微信里重新生成并添加")]
    if left <= limits.qr_remind_days_left:
        return [("qr_expiring", f"群二维码还剩 {left} 天（{when} 过期），请提前准备新二维码")]
    return []


def sort_key(attention: Attention) -> tuple[int, str, int]:
    return (KINDS.index(attention.kind), attention.community_name, attention.community_id)
