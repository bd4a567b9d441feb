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
    """One thing to handle: what kind, in which community, said in a sentence.

    The figures behind the sentence travel with it, so the window can word it in the
    interface language; `message` is the Chinese wording the CLI prints.
    """

    kind: str
    community_id: int
    community_name: str
    message: str
    members: int = 0
    cap: int | None = None  # the cap the warning is about (member or scan-in)
    expires_on: date | None = None
    days_left: int | None = None

    @property
    def cap_reached(self) -> bool:
        return self.cap is not None and self.members >= self.cap

    @property
    def actionable(self) -> bool:
        """Whether it belongs in 需要处理. Past the scan-in cap there is nothing left to do
        about scanning (the list still shows 仅能邀请进群 as the group's status); listing it
        would keep every grown group in 需要处理 for good."""
        return not (self.kind == "scan_cap" and self.cap_reached)


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
    def warn(kind: str, message: str, **figures) -> Attention:
        return Attention(kind, group.id, group.name, message, members=n, **figures)

    found: list[Attention] = []
    scan_platform = group.platform in SCAN_CAP_PLATFORMS
    n, member_cap, scan_cap = group.members, group.member_cap, group.scan_cap
    if n >= member_cap:
        found.append(warn("member_cap", f"群已满（{n}/{member_cap} 人），请开新群", cap=member_cap))
    elif n >= limits.member_warn_threshold(member_cap):
        message = f"已有 {n} 人，距 {member_cap} 人上限只剩 {member_cap - n} 个名额，准备开新群"
        found.append(warn("member_cap", message, cap=member_cap))
    elif scan_platform and n >= scan_cap:
        message = (
            f"已有 {n} 人，超过 {scan_cap} 人扫码进群上限：新成员只能由群成员邀请进群，"
            "或开新群继续扫码"
        )
        found.append(warn("scan_cap", message, cap=scan_cap))
    elif scan_platform and n >= limits.scan_warn_threshold(scan_cap):
        message = f"已有 {n} 人，距 {scan_cap} 人扫码进群上限只剩 {scan_cap - n} 人，准备开新群"
        found.append(warn("scan_cap", message, cap=scan_cap))

    if n < member_cap and not (scan_platform and n >= scan_cap):
        found.extend(_qr_warnings(group, limits, today, warn))
    return found


def _qr_warnings(group: GroupState, limits: Limits, today: date, warn) -> list[Attention]:
    if not group.has_qr:
        if group.platform == "wechat":
            return [warn("qr_missing", "还没有添加群二维码，无法跟踪有效期")]
        return []
    valid = limits.valid_days(group.platform, group.qr_valid_days)
    left = days_left(group.qr_generated_on, valid, today)
    end = expires_on(group.qr_generated_on, valid)
    if left is None or end is None:
        return []
    when = f"{end.month}月{end.day}日"
    if left <= 0:
        message = f"群二维码已于 {when} 过期，请在微信里重新生成并添加"
        return [warn("qr_expired", message, expires_on=end, days_left=left)]
    if left <= limits.qr_remind_days_left:
        message = f"群二维码还剩 {left} 天（{when} 过期），请提前准备新二维码"
        return [warn("qr_expiring", message, expires_on=end, days_left=left)]
    return []


def sort_key(attention: Attention) -> tuple[int, str, int]:
    return (KINDS.index(attention.kind), attention.community_name, attention.community_id)
