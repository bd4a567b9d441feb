"""Each campaign type's own settings, checked, and the JSON the campaigns table stores them as.

One frozen dataclass per type (`KINDS` maps the campaigns table's `kind` to it). Every type
also carries what all of them share: its prizes (实物 / 虚拟 / 券, unit cost, stock), the
eligibility switches (`Rules`) and the fraud-review thresholds and moderation mode
(`Screening`). The budget in money (total, per day, per member) lives in the campaign's own
columns, not here.

`parse(kind, data)` turns the stored JSON into settings and `dump(settings)` back; a bad value
is refused with one line (UserError) naming the setting, so nothing half-checked is saved.
Settings built in code are checked the same way (`__post_init__`).
"""

from __future__ import annotations

import types
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from typing import Any, Union, get_args, get_origin, get_type_hints

from core.common.errors import UserError
from core.common.joins import joined_some
from core.common.text import Message, msg

MAX_POINTS = 1_000_000  # one ledger entry (db.bounds.MAX_ENTRY_POINTS)
MAX_STOCK = 1_000_000  # one reward's stock (db.bounds.MAX_STOCK)
MAX_CENTS = 10**11  # one price or cost in fen
MAX_PEOPLE = 10_000
MAX_HOURS = 24 * 90
MAX_DELAY_DAYS = 90
MAX_DAYS = 365
MAX_ITEMS = 1_000  # stages, ranks, lottery prizes, prizes
MAX_POOL = 1_000_000  # coupon codes in one pool

PRIZE_KINDS = ("physical", "virtual", "coupon")  # 实物 / 虚拟 / 券
# Moderation (see core/campaigns/review.py): approve the clean rewards and reject the flagged
# ones with their reasons; hold every reward for a person; approve the clean, hold the flagged.
MODES = ("approve_clean", "hold_all", "hold_flagged")
TRIGGERS = ("join", "purchase")  # 送: the invitee joins, or buys


def about(label: str, low: int | None = None, high: int | None = None) -> dict:
    """A field's label for messages and, for numbers, its allowed range."""
    return {"label": label, "range": (low, high)}


def _refuse(label: str, problem: Message) -> UserError:
    return UserError(msg("活动设置「{label}」：{problem}", label=label, problem=problem))


class Checked:
    """Checks each number against its range, then the class's own `check()`."""

    def __post_init__(self) -> None:
        for item in fields(self):
            low, high = item.metadata.get("range", (None, None))
            value = getattr(self, item.name)
            if value is None or isinstance(value, bool) or not isinstance(value, int):
                continue
            if (low is not None and value < low) or (high is not None and value > high):
                raise _refuse(
                    item.metadata["label"],
                    msg("应在 {low} 到 {high} 之间", low=low, high=high),
                )
        self.check()

    def check(self) -> None:
        """Checks that span fields; raise `_refuse(…)`."""


# ------------------------------------------------------------------------------ shared parts


@dataclass(frozen=True)
class Prize(Checked):
    """A prize that is not points: fulfilled through the catalogue's fulfilment queue."""

    key: str = field(default="", metadata=about(msg("奖品代号")))
    name: str = field(default="", metadata=about(msg("奖品名称")))
    kind: str = field(default="physical", metadata=about(msg("奖品类型")))
    cost_cents: int = field(default=0, metadata=about(msg("奖品单价（分）"), 0, MAX_CENTS))
    # None: no limit
    stock: int | None = field(default=None, metadata=about(msg("奖品库存"), 0, MAX_STOCK))
    budget_cents: int | None = field(
        default=None, metadata=about(msg("奖品预算（分）"), 0, MAX_CENTS)
    )
    reward_id: int | None = field(default=None, metadata=about(msg("积分商城奖品"), 1, None))

    def check(self) -> None:
        if not self.key.strip() or not self.name.strip():
            raise _refuse(msg("奖品"), msg("代号和名称不能为空"))
        if self.kind not in PRIZE_KINDS:
            raise _refuse(self.name, msg("未知的奖品类型 {kind}", kind=self.kind[:20]))


@dataclass(frozen=True)
class Gift(Checked):
    """What one person receives: points, a prize (by key), or both."""

    points: int = field(default=0, metadata=about(msg("积分"), 0, MAX_POINTS))
    prize: str | None = field(default=None, metadata=about(msg("奖品")))

    @property
    def empty(self) -> bool:
        return not self.points and not self.prize


@dataclass(frozen=True)
class Rules(Checked):
    """Eligibility switches (core/campaigns/eligibility.py). None: the switch is off."""

    new_members_only: bool = field(default=True, metadata=about(msg("仅限新成员")))
    revoke_within_days: int | None = field(
        default=7, metadata=about(msg("退群作废天数"), 1, MAX_DAYS)
    )
    first_referrer_wins: bool = field(default=True, metadata=about(msg("首位邀请人有效")))
    cap_per_day: int | None = field(
        default=None, metadata=about(msg("每人每日上限"), 1, MAX_PEOPLE)
    )
    cap_per_month: int | None = field(
        default=None, metadata=about(msg("每人每月上限"), 1, MAX_PEOPLE)
    )
    cap_per_campaign: int | None = field(
        default=None, metadata=about(msg("每人本活动上限"), 1, MAX_PEOPLE)
    )
    require_activation: bool = field(default=False, metadata=about(msg("激活后才计入")))
    activation_hours: int = field(default=72, metadata=about(msg("激活时限（小时）"), 1, MAX_HOURS))
    delay_days: int = field(default=0, metadata=about(msg("延迟发放天数"), 0, MAX_DELAY_DAYS))


@dataclass(frozen=True)
class Screening(Checked):
    """Fraud-signal thresholds (core/campaigns/signals.py) and how rewards are reviewed."""

    invites_per_hour: int = field(default=10, metadata=about(msg("每小时邀请上限"), 1, MAX_PEOPLE))
    nickname_distance: int = field(default=2, metadata=about(msg("昵称相似距离"), 0, 10))
    mode: str = field(default="hold_flagged", metadata=about(msg("审核方式")))
    review_days: int = field(default=3, metadata=about(msg("审核期限（天）"), 1, MAX_DAYS))

    def check(self) -> None:
        if self.mode not in MODES:
            raise _refuse(msg("审核方式"), msg("未知的方式 {mode}", mode=self.mode[:20]))


@dataclass(frozen=True)
class Common(Checked):
    prizes: tuple[Prize, ...] = field(default=(), metadata=about(msg("奖品")))
    rules: Rules = field(default_factory=Rules, metadata=about(msg("资格规则")))
    screening: Screening = field(default_factory=Screening, metadata=about(msg("风控")))

    def prize(self, key: str) -> Prize:
        return self.prize_by_key()[key]

    def prize_by_key(self) -> dict[str, Prize]:
        return {prize.key: prize for prize in self.prizes}

    def gifts(self) -> list[Gift]:
        """Every gift the settings can give (to check their prize keys)."""
        return [value for value in _walk(self) if isinstance(value, Gift)]

    def check(self) -> None:
        if len(self.prizes) > MAX_ITEMS:
            raise _refuse(msg("奖品"), msg("最多 {most} 项", most=MAX_ITEMS))
        keys = [prize.key for prize in self.prizes]
        if len(set(keys)) != len(keys):
            raise _refuse(msg("奖品"), msg("奖品代号重复"))
        for gift in self.gifts():
            if gift.prize is not None and gift.prize not in keys:
                raise _refuse(msg("奖品"), msg("未定义的奖品代号 {key}", key=gift.prize[:20]))
        self.check_kind()

    def check_kind(self) -> None:
        """The type's own checks."""


def _walk(value):
    if is_dataclass(value):
        yield value
        for item in fields(value):
            yield from _walk(getattr(value, item.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _walk(item)


def _need(gift_list: list[Gift], label: str) -> None:
    if all(gift.empty for gift in gift_list):
        raise _refuse(label, msg("至少要有一项奖励"))


# ------------------------------------------------------------------------------ the types


@dataclass(frozen=True)
class InviteCodeSettings(Common):
    """邀请码裂变: double-sided, the inviter and the invitee are each rewarded per invite."""

    inviter: Gift = field(default_factory=Gift, metadata=about(msg("邀请人奖励")))
    invitee: Gift = field(default_factory=Gift, metadata=about(msg("被邀请人奖励")))

    def check_kind(self) -> None:
        _need([self.inviter, self.invitee], msg("奖励"))


@dataclass(frozen=True)
class PosterSettings(InviteCodeSettings):
    """海报裂变: personal posters (codes and QR per participant) from a poster template; each
    converted invite is rewarded as in 邀请码裂变."""

    template: str = field(default="", metadata=about(msg("海报模板")))


@dataclass(frozen=True)
class GiftSettings(InviteCodeSettings):
    """送: the invitee joins (or buys) and both get a gift or coupon."""

    trigger: str = field(default="join", metadata=about(msg("触发条件")))

    def check_kind(self) -> None:
        super().check_kind()
        if self.trigger not in TRIGGERS:
            raise _refuse(msg("触发条件"), msg("应为入群或购买"))


@dataclass(frozen=True)
class Stage(Checked):
    invites: int = field(default=1, metadata=about(msg("阶梯人数"), 1, MAX_PEOPLE))
    gift: Gift = field(default_factory=Gift, metadata=about(msg("阶梯奖励")))
    stock: int | None = field(default=None, metadata=about(msg("阶梯库存"), 0, MAX_STOCK))


@dataclass(frozen=True)
class TaskLadderSettings(Common):
    """任务宝: stages of converted invites (e.g. 3 / 6 / 10), each claimed once, each with stock."""

    stages: tuple[Stage, ...] = field(default=(), metadata=about(msg("阶梯")))

    def check_kind(self) -> None:
        counts = [stage.invites for stage in self.stages]
        if not counts or len(counts) > MAX_ITEMS:
            raise _refuse(msg("阶梯"), msg("应有 1 到 {most} 级", most=MAX_ITEMS))
        if counts != sorted(set(counts)):
            raise _refuse(msg("阶梯"), msg("各级人数应从小到大且不重复"))
        _need([stage.gift for stage in self.stages], msg("阶梯奖励"))


@dataclass(frozen=True)
class GroupBuySettings(Common):
    """拼团: a team of `team_size` (the leader included) completes within `hours` of opening,
    else it expires; every member of a completed team gets `member_gift`, the leader also
    `leader_gift`."""

    team_size: int = field(default=3, metadata=about(msg("成团人数"), 2, 100))
    hours: int = field(default=24, metadata=about(msg("成团时限（小时）"), 1, MAX_HOURS))
    member_gift: Gift = field(default_factory=Gift, metadata=about(msg("团员奖励")))
    leader_gift: Gift = field(default_factory=Gift, metadata=about(msg("团长奖励")))

    def check_kind(self) -> None:
        _need([self.member_gift, self.leader_gift], msg("奖励"))


@dataclass(frozen=True)
class HelpSettings(Common):
    """助力: `helpers_needed` helpers unlock `gift` for the one helped (within `hours` of their
    start, if set); a helper helps once per campaign."""

    helpers_needed: int = field(default=3, metadata=about(msg("助力人数"), 1, MAX_PEOPLE))
    hours: int | None = field(default=None, metadata=about(msg("助力时限（小时）"), 1, MAX_HOURS))
    gift: Gift = field(default_factory=Gift, metadata=about(msg("助力成功奖励")))
    helper_gift: Gift = field(default_factory=Gift, metadata=about(msg("助力者奖励")))

    def check_kind(self) -> None:
        _need([self.gift], msg("助力成功奖励"))


@dataclass(frozen=True)
class BargainSettings(Common):
    """砍价: from `price_cents` down to `floor_cents` in `helpers` cuts, each cut `decay_percent`
    of the one before (core/campaigns/rewards/bargain.py has the schedule); the item is `prize`."""

    prize: str = field(default="", metadata=about(msg("砍价商品")))
    price_cents: int = field(default=10000, metadata=about(msg("原价（分）"), 1, MAX_CENTS))
    floor_cents: int = field(default=0, metadata=about(msg("底价（分）"), 0, MAX_CENTS))
    helpers: int = field(default=5, metadata=about(msg("砍到底价的人数"), 1, MAX_PEOPLE))
    decay_percent: int = field(default=70, metadata=about(msg("每刀递减比例（%）"), 1, 100))
    hours: int | None = field(default=None, metadata=about(msg("砍价时限（小时）"), 1, MAX_HOURS))

    def check_kind(self) -> None:
        if self.floor_cents >= self.price_cents:
            raise _refuse(msg("底价（分）"), msg("应低于原价"))
        if self.prize not in self.prize_by_key():
            raise _refuse(msg("砍价商品"), msg("未定义的奖品代号 {key}", key=self.prize[:20]))
        if self.price_cents - self.floor_cents < self.helpers:
            raise _refuse(msg("砍到底价的人数"), msg("每刀至少一分钱：人数不能多于差价的分数"))


@dataclass(frozen=True)
class CouponSettings(Common):
    """优惠券: `per_participant` codes to each participant (per converted invite) and
    `per_invitee` to each invitee, from `pool` (imported or generated), in order."""

    value_cents: int = field(default=0, metadata=about(msg("券面额（分）"), 0, MAX_CENTS))
    per_participant: int = field(default=1, metadata=about(msg("邀请人每次得券数"), 0, 100))
    per_invitee: int = field(default=1, metadata=about(msg("被邀请人得券数"), 0, 100))
    pool: tuple[str, ...] = field(default=(), metadata=about(msg("券码池")))

    def check_kind(self) -> None:
        if not self.per_participant and not self.per_invitee:
            raise _refuse(msg("得券数"), msg("至少要有一方得券"))
        if len(self.pool) > MAX_POOL:
            raise _refuse(msg("券码池"), msg("最多 {most} 个券码", most=MAX_POOL))
        cleaned = [code.strip() for code in self.pool]
        if any(not code for code in cleaned) or len(set(cleaned)) != len(cleaned):
            raise _refuse(msg("券码池"), msg("券码不能为空或重复"))


@dataclass(frozen=True)
class RankingSettings(Common):
    """排行榜: ranked by converted invites (verified ones only, by default), ties to who got
    there first; `prizes_by_rank[0]` goes to rank 1, and so on (top N = its length)."""

    prizes_by_rank: tuple[Gift, ...] = field(default=(), metadata=about(msg("名次奖励")))
    verified_only: bool = field(default=True, metadata=about(msg("仅计已确认邀请")))

    def check_kind(self) -> None:
        if not self.prizes_by_rank or len(self.prizes_by_rank) > MAX_ITEMS:
            raise _refuse(msg("名次奖励"), msg("应有 1 到 {most} 名", most=MAX_ITEMS))
        _need(list(self.prizes_by_rank), msg("名次奖励"))


@dataclass(frozen=True)
class SwapSettings(Common):
    """以物换物: members post offers and wants; a want matches an offer of the same category
    by someone else; a swap marked done gives both sides `gift` (if any)."""

    max_offers_per_member: int = field(default=5, metadata=about(msg("每人最多发布"), 1, 1000))
    gift: Gift = field(default_factory=Gift, metadata=about(msg("换成奖励")))


@dataclass(frozen=True)
class LotteryPrize(Checked):
    name: str = field(default="", metadata=about(msg("奖项名称")))
    gift: Gift = field(default_factory=Gift, metadata=about(msg("奖项内容")))
    weight: int = field(default=1, metadata=about(msg("权重"), 1, 10**9))
    stock: int | None = field(default=None, metadata=about(msg("奖项数量"), 0, MAX_STOCK))


@dataclass(frozen=True)
class LotterySettings(Common):
    """抽奖: weighted prizes with stock, caps per member and a recorded seed (see
    core/campaigns/rewards/lottery.py for the exact, replayable draw)."""

    entries: tuple[LotteryPrize, ...] = field(default=(), metadata=about(msg("奖项")))
    miss_weight: int = field(default=0, metadata=about(msg("未中奖权重"), 0, 10**9))
    draws_per_member: int = field(default=1, metadata=about(msg("每人抽奖次数"), 1, 1000))
    wins_per_member: int = field(default=1, metadata=about(msg("每人最多中奖"), 1, 1000))
    seed: int = field(default=0, metadata=about(msg("随机种子"), 0, 2**63 - 1))

    def check_kind(self) -> None:
        names = [entry.name.strip() for entry in self.entries]
        if not names or len(names) > MAX_ITEMS:
            raise _refuse(msg("奖项"), msg("应有 1 到 {most} 项", most=MAX_ITEMS))
        if any(not name for name in names) or len(set(names)) != len(names):
            raise _refuse(msg("奖项"), msg("奖项名称不能为空或重复"))
        _need([entry.gift for entry in self.entries], msg("奖项内容"))


KINDS: dict[str, type[Common]] = {
    "invite_code": InviteCodeSettings,  # 邀请码裂变
    "task_ladder": TaskLadderSettings,  # 任务宝
    "poster": PosterSettings,  # 海报裂变
    "group_buy": GroupBuySettings,  # 拼团
    "help": HelpSettings,  # 助力
    "gift": GiftSettings,  # 送
    "bargain": BargainSettings,  # 砍价
    "coupon": CouponSettings,  # 优惠券
    "ranking": RankingSettings,  # 排行榜
    "swap": SwapSettings,  # 以物换物
    "lottery": LotterySettings,  # 抽奖
}
KIND_OF = {cls: kind for kind, cls in KINDS.items()}


# ------------------------------------------------------------------------------ JSON


def parse(kind: str, data: dict | None) -> Common:
    """The settings of a campaign of `kind` from its stored JSON (missing keys: defaults)."""
    cls = KINDS.get(kind)
    if cls is None:
        raise UserError(msg("未知的活动类型：{kind}", kind=str(kind)[:40]))
    return _build(cls, {} if data is None else data, msg("设置项"))


def dump(settings: Common) -> dict:
    """The JSON to store: every field, so a later change of a default changes no campaign."""
    return _plain(asdict(settings))


def kind_of(settings: Common) -> str:
    return KIND_OF[type(settings)]


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _build(cls: type, data: Any, label: str):
    if not isinstance(data, dict):
        raise _refuse(label, msg("应为一组设置"))
    known = {item.name: item for item in fields(cls)}
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        raise _refuse(label, msg("未知的项 {names}", names=joined_some(unknown)))
    hints = get_type_hints(cls)
    values = {}
    for name, item in known.items():
        if name in data:
            values[name] = _value(hints[name], data[name], item.metadata.get("label", name))
        elif item.default is MISSING and item.default_factory is MISSING:
            raise _refuse(item.metadata.get("label", name), msg("缺少此项"))
    return cls(**values)


def _value(kind: Any, raw: Any, label: str):
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        if raw is None:
            return None
        (kind,) = [arg for arg in get_args(kind) if arg is not type(None)]
        origin = get_origin(kind)
    if origin is tuple:
        if not isinstance(raw, (list, tuple)):
            raise _refuse(label, msg("应为列表"))
        item_kind = get_args(kind)[0]
        return tuple(_value(item_kind, item, label) for item in raw)
    if is_dataclass(kind):
        return _build(kind, raw, label)
    if kind is bool:
        if not isinstance(raw, bool):
            raise _refuse(label, msg("应为是或否"))
        return raw
    if kind is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise _refuse(label, msg("应为整数"))
        return raw
    if kind is str:
        if not isinstance(raw, str):
            raise _refuse(label, msg("应为文字"))
        return raw
    raise TypeError(kind)  # a field of a type this parser does not know: a bug
