"""The rules of the 需要处理 list: which community needs the operator, and why.

DOMAIN.md: a personal-WeChat group QR code is valid 7 days, scanning in stops at 200 members,
a group holds 500. The operator is reminded when the code has a day left, when it has expired,
when the group nears the scan-in cap (time to open the next group) and when it nears the
member cap. One capacity warning per group: past the member-cap threshold the scan-in one
says nothing new. A group nobody can scan into any more needs no QR code, so its QR warnings
are left out.

`verdict_for` is the one rule deciding whether a group is on 需要处理: the list, the 需要处理
panel and the status bar all read its answer, and a group that is not on the panel carries
the reason why not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.common.text import msg
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

    @property
    def scan_in_open(self) -> bool:
        """Whether people can still join by scanning the group's code (so it needs one)."""
        if self.members >= self.member_cap:
            return False
        return not (self.platform in SCAN_CAP_PLATFORMS and self.members >= self.scan_cap)


@dataclass(frozen=True)
class Verdict:
    """Whether a group is on 需要处理, with everything the list shows about it.

    `warnings` are all the group's warnings (the list's 状态 column: 仅能邀请进群 too);
    `items` the ones that go on 需要处理; `why_not` says why a group is not on it.
    """

    warnings: tuple[Attention, ...] = ()
    items: tuple[Attention, ...] = ()
    qr_needed: bool = True
    why_not: str | None = None

    @property
    def listed(self) -> bool:
        return bool(self.items)


ARCHIVED = Verdict(qr_needed=False, why_not=msg("已归档：归档的群不在需要处理里"))


def verdict_for(group: GroupState, limits: Limits, today: date) -> Verdict:
    """Whether `group` needs the operator (and for what), or why it does not."""
    warnings = tuple(sorted(warnings_for(group, limits, today), key=sort_key))
    items = tuple(w for w in warnings if w.actionable)
    if items:
        return Verdict(warnings, items, group.scan_in_open)
    return Verdict(warnings, (), group.scan_in_open, _why_not(group, limits, today))


def _why_not(group: GroupState, limits: Limits, today: date) -> str:
    if not group.scan_in_open:
        # (A full group is always listed: this is one past the scan-in cap.)
        return msg(
            "已有 {members} 人，超过 {cap} 人扫码进群上限：新成员只能由群成员邀请进群，"
            "群二维码已用不上，所以不在需要处理里",
            members=group.members,
            cap=group.scan_cap,
        )
    if not group.has_qr:
        return msg("未添加群二维码（只有个人微信群提醒添加）；人数也没有接近上限：不需要处理")
    valid = limits.valid_days(group.platform, group.qr_valid_days)
    left = days_left(group.qr_generated_on, valid, today)
    if valid is None:
        return msg("群二维码长期有效，人数也没有接近上限：不需要处理")
    if left is None:
        return msg("群二维码没有记录生成日期，无法提醒过期；人数没有接近上限：不需要处理")
    return msg("群二维码还剩 {days} 天，人数也没有接近上限：不需要处理", days=left)


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

    if group.scan_in_open:
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
