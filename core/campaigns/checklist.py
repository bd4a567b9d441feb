"""A campaign's phase checklist (seed 003's before / during / after), decided from plain facts.

Before: goal and budget set, prizes in stock, every piece of copy through the compliance checker
(core/posters/compliance.py, whose explanation is the reason), codes or posters generated, the
target groups' QR codes fresh, enough room in them for the newcomers expected. During: groups
nearing their caps. After (复盘): goal against actual, ROI, and the owner's notes.

Each item is done, not done, or a warning, with its reason in one line. Pure: the database side
(core/campaigns/live.py) gathers the facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from core.common.joins import joined_list, joined_some
from core.common.text import Message, msg
from core.posters.compliance import check_copy

DONE, MISSING, WARNING = "done", "missing", "warning"
BEFORE, DURING, AFTER = "before", "during", "after"
PHASE_LABELS = {BEFORE: msg("开始前"), DURING: msg("进行中"), AFTER: msg("复盘")}
# The phases a campaign of each status is checked for.
PHASES_OF = {
    "draft": (BEFORE,),
    "running": (BEFORE, DURING),
    "paused": (BEFORE, DURING),
    "ended": (BEFORE, DURING, AFTER),
    "reviewed": (BEFORE, DURING, AFTER),
}


@dataclass(frozen=True)
class Item:
    phase: str
    key: str
    label: Message
    state: str  # DONE / MISSING / WARNING
    reason: Message


@dataclass(frozen=True)
class Stock:
    """A prize, stage or lottery prize with a stock (None: no limit)."""

    name: str
    stock: int | None


@dataclass(frozen=True)
class Group:
    """A target group as it is now."""

    name: str
    members: int
    member_cap: int
    scan_cap: int
    scan_capped: bool  # its platform stops scanning in at scan_cap
    has_qr: bool
    qr_days_left: int | None  # None: no code, or a code that does not expire
    near_cap: bool = False  # the communities' own rule warns of a cap (需要处理)


@dataclass(frozen=True)
class Facts:
    status: str
    kind: str
    goal_kind: str
    goal_target: int | None
    budget_total_cents: int | None
    settings_problem: str | None = None  # the settings do not pass their own check
    stocks: tuple[Stock, ...] = ()
    copy: Mapping[str, str] = field(default_factory=dict)
    copy_labels: Mapping[str, str] = field(default_factory=dict)
    codes: int = 0
    groups: tuple[Group, ...] = ()
    expected_joins: int | None = None  # forecast (or, without one, the goal) newcomers
    expected_from: str = ""  # "forecast" / "goal"
    # after
    actual: Decimal | int | None = None  # in the goal's own unit (people, fen, check-ins)
    roi: float | None = None
    notes: str = ""
    qr_remind_days: int = 1


def checklist(facts: Facts) -> list[Item]:
    """The items of every phase the campaign's status has reached, in order."""
    phases = PHASES_OF.get(facts.status, (BEFORE,))
    items: list[Item] = []
    if BEFORE in phases:
        items += [
            _goal_and_budget(facts),
            _stock(facts),
            *_copy(facts),
            _codes(facts),
            _qr(facts),
            _capacity(facts),
        ]
    if DURING in phases:
        items.append(_near_caps(facts))
    if AFTER in phases:
        items += [_goal_vs_actual(facts), _roi(facts), _notes(facts)]
    return items


def _item(phase: str, key: str, label: Message, state: str, reason: Message) -> Item:
    return Item(phase, key, label, state, reason)


def _goal_and_budget(facts: Facts) -> Item:
    label = msg("目标和预算已设定")
    missing = []
    if not facts.goal_target:
        missing.append(msg("目标"))
    if facts.budget_total_cents is None:
        missing.append(msg("总预算"))
    if missing:
        return _item(
            BEFORE, "goal_budget", label, MISSING, msg("未填写：{what}", what=joined_list(missing))
        )
    return _item(BEFORE, "goal_budget", label, DONE, msg("目标与总预算都已填写"))


def _stock(facts: Facts) -> Item:
    label = msg("奖品有库存")
    if facts.settings_problem:
        return _item(BEFORE, "stock", label, MISSING, facts.settings_problem)
    empty = [s.name for s in facts.stocks if s.stock is not None and s.stock <= 0]
    if empty:
        return _item(
            BEFORE, "stock", label, MISSING, msg("库存为 0：{names}", names=joined_some(empty))
        )
    if not facts.stocks:
        return _item(BEFORE, "stock", label, DONE, msg("奖励只有积分，无需库存"))
    return _item(
        BEFORE, "stock", label, DONE, msg("{count} 项奖品都有库存", count=len(facts.stocks))
    )


def _copy(facts: Facts) -> list[Item]:
    """One item per piece of copy written; a risky phrase is shown with the checker's reason."""
    items = []
    written = {key: text for key, text in facts.copy.items() if (text or "").strip()}
    if not written:
        return [
            _item(
                BEFORE, "copy", msg("文案合规检查"), WARNING, msg("还没有填写海报、规则或 H5 文案")
            )
        ]
    for key, text in written.items():
        what = facts.copy_labels.get(key, key)
        label = msg("文案合规：{what}", what=what)
        found = check_copy(text)
        if found:
            first = found[0]
            more = msg("（另有 {count} 处）", count=len(found) - 1) if len(found) > 1 else ""
            reason = msg(
                "「{phrase}」{more}：{why}", phrase=first.text[:30], more=more, why=first.reason
            )
            items.append(_item(BEFORE, f"copy:{key}", label, MISSING, reason))
        else:
            items.append(_item(BEFORE, f"copy:{key}", label, DONE, msg("未发现诱导分享用语")))
    return items


def _codes(facts: Facts) -> Item:
    label = msg("海报或邀请码已生成")
    if facts.codes:
        return _item(
            BEFORE, "codes", label, DONE, msg("已发出 {count} 个活动邀请码", count=facts.codes)
        )
    if facts.kind == "poster":
        return _item(BEFORE, "codes", label, MISSING, msg("还没有为参与者生成个人海报和邀请码"))
    return _item(BEFORE, "codes", label, WARNING, msg("还没有发出本活动的邀请码"))


ENDED = ("ended", "reviewed")


def _groups_settled(facts: Facts, key: str, label: Message, ended: Message) -> Item | None:
    """A target-group check's answer before looking at the groups: done once the campaign has
    ended (nobody joins any more), missing while no target group is chosen; else None."""
    if facts.status in ENDED:
        return _item(BEFORE, key, label, DONE, ended)
    if not facts.groups:
        return _item(BEFORE, key, label, MISSING, msg("还没有选择目标群"))
    return None


def _qr(facts: Facts) -> Item:
    label = msg("目标群二维码有效")
    settled = _groups_settled(facts, "qr", label, msg("活动已结束，不再需要扫码入群"))
    if settled is not None:
        return settled
    open_groups = [g for g in facts.groups if _scan_open(g)]
    missing = [g.name for g in open_groups if not g.has_qr]
    expired = [g.name for g in open_groups if g.qr_days_left is not None and g.qr_days_left <= 0]
    if missing or expired:
        names = joined_some([*expired, *missing])
        return _item(
            BEFORE, "qr", label, MISSING, msg("二维码已过期或未添加：{names}", names=names)
        )
    soon = [
        g.name
        for g in open_groups
        if g.qr_days_left is not None and g.qr_days_left <= facts.qr_remind_days
    ]
    if soon:
        return _item(
            BEFORE, "qr", label, WARNING, msg("二维码即将过期：{names}", names=joined_some(soon))
        )
    return _item(
        BEFORE, "qr", label, DONE, msg("{count} 个目标群的二维码都有效", count=len(facts.groups))
    )


def _scan_open(group: Group) -> bool:
    if group.members >= group.member_cap:
        return False
    return not (group.scan_capped and group.members >= group.scan_cap)


def _room(group: Group) -> int:
    return max(0, group.member_cap - group.members)


def _capacity(facts: Facts) -> Item:
    label = msg("目标群容量够用")
    settled = _groups_settled(facts, "capacity", label, msg("活动已结束，不再有新成员进群"))
    if settled is not None:
        return settled
    room = sum(_room(g) for g in facts.groups)
    if facts.expected_joins is None:
        return _item(
            BEFORE, "capacity", label, WARNING,
            msg("没有预测或目标人数，无法核对；目标群还能进 {room} 人", room=room),
        )  # fmt: skip
    source = msg("预测") if facts.expected_from == "forecast" else msg("目标")
    figures = {"source": source, "expected": facts.expected_joins, "room": room}
    if room < facts.expected_joins:
        said = msg("{source}新增 {expected} 人，目标群只剩 {room} 个名额，需要开新群", **figures)
        return _item(BEFORE, "capacity", label, MISSING, said)
    said = msg("{source}新增 {expected} 人，目标群还能进 {room} 人", **figures)
    return _item(BEFORE, "capacity", label, DONE, said)


def _near_caps(facts: Facts) -> Item:
    label = msg("目标群未接近上限")
    if not facts.groups:
        return _item(DURING, "near_caps", label, WARNING, msg("没有目标群"))
    near = [f"{g.name} {g.members}/{_cap(g)}" for g in facts.groups if g.near_cap]
    if near:
        return _item(
            DURING, "near_caps", label, WARNING,
            msg("接近上限，准备开新群：{groups}", groups=joined_some(near)),
        )  # fmt: skip
    return _item(DURING, "near_caps", label, DONE, msg("目标群都还有余量"))


def _cap(group: Group) -> int:
    """The cap that stops newcomers first: scanning in, while it is still open."""
    if group.scan_capped and group.members < group.scan_cap:
        return group.scan_cap
    return group.member_cap


def _goal_vs_actual(facts: Facts) -> Item:
    label = msg("目标达成")
    if not facts.goal_target:
        return _item(AFTER, "goal", label, WARNING, msg("没有设定目标，无法对比"))
    if facts.actual is None:
        return _item(
            AFTER, "goal", label, WARNING, msg("没有可对比的实际数字（签到目标请手动复盘）")
        )
    if facts.goal_kind == "sales":
        target, actual = Decimal(facts.goal_target) / 100, Decimal(facts.actual)
        text = msg("目标 ¥{target:,.2f}，实际 ¥{actual:,.2f}", target=target, actual=actual)
    else:
        target, actual = facts.goal_target, facts.actual
        text = msg("目标 {target} 人，实际 {actual} 人", target=target, actual=actual)
    share = float(actual) / float(target) if target else 0.0
    state = DONE if share >= 1 else WARNING
    return _item(AFTER, "goal", label, state, msg("{text}（{share:.0%}）", text=text, share=share))


def _roi(facts: Facts) -> Item:
    label = msg("投入产出（ROI）")
    if facts.roi is None:
        return _item(AFTER, "roi", label, WARNING, msg("没有记录成本，无法计算 ROI"))
    state = DONE if facts.roi >= 0 else WARNING
    return _item(AFTER, "roi", label, state, msg("ROI {roi:.0%}", roi=facts.roi))


def _notes(facts: Facts) -> Item:
    label = msg("复盘笔记")
    if facts.notes.strip():
        return _item(AFTER, "notes", label, DONE, msg("已写复盘笔记"))
    return _item(AFTER, "notes", label, MISSING, msg("写下这次活动的得失，下次活动参考"))
