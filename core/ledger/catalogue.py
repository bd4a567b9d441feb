"""积分商城: the reward catalogue, redemption and its fulfilment.

A redemption is a spend entry plus a fulfilment record 待发放 → 已发放 → 已核销, or 已取消
(the spend is reversed, so the member gets back exactly the points from the awards they came
from). Stock and per-member limits count redemptions that are not cancelled; the member and
the reward are locked first, so two operators can't both take the last item or the same points.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.ids import is_row_id
from core.common.images import (
    flatten_on_white,
    has_alpha,
    load_untrusted_rgba,
    read_image_file,
)
from core.common.text import msg
from core.ledger.balances import balance
from core.ledger.entries import for_update, lock_member, reverse, spend, take_write_lock
from core.ledger.reasons import with_note
from db.bounds import (
    MAX_ENTRY_POINTS,
    MAX_MONEY_CENTS,
    MAX_PER_MEMBER_LIMIT,
    MAX_STOCK,
)
from db.ledger_models import REDEMPTION_STATUSES, REWARD_KINDS, LedgerRedemption, LedgerReward
from db.models import Member

REWARD = LedgerReward.__table__
REWARD_PICTURE = msg("奖品图片")  # how messages name a reward's picture
REDEMPTION = LedgerRedemption.__table__
MEMBER = Member.__table__
STATUS_NAMES = {
    "to_deliver": msg("待发放"),
    "delivered": msg("已发放"),
    "used": msg("已核销"),
    "cancelled": msg("已取消"),
    "held": msg("待审核"),
    "pending": msg("待生效"),
}
KIND_NAMES = {"physical": msg("实物"), "virtual": msg("虚拟/券")}
# Allowed moves of the fulfilment record.
NEXT_STATUS = {
    "held": ("pending", "to_deliver", "cancelled"),  # a campaign prize waiting for a reviewer
    "pending": ("to_deliver", "cancelled"),  # a campaign prize waiting for its period
    "to_deliver": ("delivered", "cancelled"),
    "delivered": ("used", "cancelled"),
    "used": (),
    "cancelled": (),
}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over WeChat


@dataclass
class RewardSpec:
    name: str
    points_cost: int
    stock: int | None = None
    cost_cents: int = 0
    per_member_limit: int | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    kind: str = "physical"
    description: str = ""
    active: bool = True
    image: bytes | None = None  # None: keep the picture it has (see clear_image)
    clear_image: bool = False  # remove the picture (a new `image` wins over this)


SPEC_FIELDS = tuple(f.name for f in fields(RewardSpec) if f.name != "clear_image")
IMAGE_MAX_SIDE = 800  # px, longest side of the stored copy
IMAGE_JPEG_QUALITY = 85


def reward_image_bytes(data: bytes) -> bytes:
    """The picture an operator picked, made safe and small for the catalogue.

    The file is untrusted: empty, not an image, cut off, a decompression bomb or too large
    becomes a UserError in Chinese (core.common.images). A photo is turned upright (EXIF),
    CMYK/palette/16-bit converted, shrunk to at most IMAGE_MAX_SIDE on its longest side and
    re-encoded: JPEG, or PNG when it has see-through pixels (a cut-out product shot).
    Nothing of the original file (EXIF, GPS, ICC profile, trailing bytes) is kept.
    """
    # Pillow on first use: the window starts without it
    from PIL import Image

    image = load_untrusted_rgba(data, what=REWARD_PICTURE)
    try:
        image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if has_alpha(image) and image.getchannel("A").getextrema()[0] < 255:
            image.save(out, format="PNG", optimize=True)
        else:
            flatten_on_white(image).save(
                out, format="JPEG", quality=IMAGE_JPEG_QUALITY, optimize=True
            )
    except Exception as error:  # an exotic mode Pillow can't encode
        raise UserError(msg("奖品图片无法转换，请另存为 PNG 或 JPG 后再试")) from error
    return out.getvalue()


def read_reward_image_file(path: str | Path) -> bytes:
    """reward_image_bytes of a file the operator picked; a huge file is refused unread."""
    return reward_image_bytes(read_image_file(Path(path), REWARD_PICTURE))


def reward_image(session: Session, reward_id: int) -> bytes | None:
    """The stored picture of one reward (None: it has none)."""
    return session.scalar(select(REWARD.c.image).where(REWARD.c.id == reward_id))


def reward_images(session: Session, reward_ids: list[int]) -> dict[int, bytes]:
    """The stored pictures of these rewards, by id (rewards without one are left out)."""
    if not reward_ids:
        return {}
    rows = session.execute(
        select(REWARD.c.id, REWARD.c.image).where(
            REWARD.c.id.in_(reward_ids), REWARD.c.image.is_not(None)
        )
    )
    return {rid: bytes(image) for rid, image in rows}


def _validate(spec: RewardSpec) -> None:
    if not spec.name.strip():
        raise UserError(msg("请填写奖品名称"))
    if spec.points_cost <= 0:
        raise UserError(msg("兑换所需积分必须大于 0"))
    if spec.points_cost > MAX_ENTRY_POINTS:
        raise UserError(msg("兑换所需积分不能超过 {limit:,} 分", limit=MAX_ENTRY_POINTS))
    if spec.stock is not None and spec.stock < 0:
        raise UserError(msg("库存不能为负数（留空表示不限）"))
    if spec.stock is not None and spec.stock > MAX_STOCK:
        raise UserError(msg("库存不能超过 {limit:,} 件（留空表示不限）", limit=MAX_STOCK))
    if spec.cost_cents < 0:
        raise UserError(msg("成本不能为负数"))
    if spec.cost_cents > MAX_MONEY_CENTS:
        raise UserError(msg("成本不能超过 {limit:,} 元", limit=MAX_MONEY_CENTS // 100))
    if spec.per_member_limit is not None and spec.per_member_limit <= 0:
        raise UserError(msg("每人限兑数量必须大于 0（留空表示不限）"))
    if spec.per_member_limit is not None and spec.per_member_limit > MAX_PER_MEMBER_LIMIT:
        raise UserError(
            msg("每人限兑数量不能超过 {limit:,} 件（留空表示不限）", limit=MAX_PER_MEMBER_LIMIT)
        )
    if spec.valid_from and spec.valid_until and spec.valid_until < spec.valid_from:
        raise UserError(msg("兑换截止日期早于开始日期"))
    if spec.kind not in REWARD_KINDS:
        raise UserError(msg("未知的奖品类型：{kind}", kind=spec.kind))


def save_reward(session: Session, spec: RewardSpec, reward_id: int | None = None) -> int:
    """Add a reward, or change one (past redemptions keep the points they were charged)."""
    _validate(spec)
    values = {name: getattr(spec, name) for name in SPEC_FIELDS}
    values["name"] = spec.name.strip()
    if reward_id is None:
        reward = LedgerReward(created_at=datetime.now(), **values)
        session.add(reward)
        session.flush()
        return reward.id
    reward = session.get(LedgerReward, reward_id)
    if reward is None:
        raise UserError(msg("没有编号为 {id} 的奖品", id=reward_id))
    if spec.stock is not None and spec.stock < _taken(session, reward_id):
        raise UserError(msg("库存不能少于已兑换的 {count} 件", count=_taken(session, reward_id)))
    if spec.image is None and not spec.clear_image:
        values.pop("image")  # editing without a new picture keeps the one it has
    for name, value in values.items():
        setattr(reward, name, value)
    session.flush()
    return reward.id


def _taken(session: Session, reward_id: int, member_id: int | None = None) -> int:
    query = select(func.count()).where(
        REDEMPTION.c.reward_id == reward_id, REDEMPTION.c.status != "cancelled"
    )
    if member_id is not None:
        query = query.where(REDEMPTION.c.member_id == member_id)
    return session.scalar(query) or 0


@dataclass(frozen=True)
class RewardRow:
    id: int
    name: str
    kind: str
    points_cost: int
    stock: int | None
    left: int | None  # None: unlimited
    redeemed: int
    cost_cents: int
    per_member_limit: int | None
    valid_from: date | None
    valid_until: date | None
    active: bool
    description: str
    has_image: bool


def list_rewards(session: Session, *, include_inactive: bool = True) -> list[RewardRow]:
    taken = (
        select(REDEMPTION.c.reward_id, func.count().label("n"))
        .where(REDEMPTION.c.status != "cancelled")
        .group_by(REDEMPTION.c.reward_id)
        .subquery()
    )
    query = (
        select(
            REWARD.c.id,
            REWARD.c.name,
            REWARD.c.kind,
            REWARD.c.points_cost,
            REWARD.c.stock,
            func.coalesce(taken.c.n, 0),
            REWARD.c.cost_cents,
            REWARD.c.per_member_limit,
            REWARD.c.valid_from,
            REWARD.c.valid_until,
            REWARD.c.active,
            REWARD.c.description,
            REWARD.c.image.is_not(None),
        )
        .outerjoin(taken, taken.c.reward_id == REWARD.c.id)
        .order_by(REWARD.c.active.desc(), REWARD.c.points_cost, REWARD.c.id)
    )
    if not include_inactive:
        query = query.where(REWARD.c.active)
    result = []
    for row in session.execute(query):
        (rid, name, kind, cost, stock, redeemed, cents, limit, start, end, active, desc, img) = row
        left = None if stock is None else max(stock - redeemed, 0)
        result.append(
            RewardRow(
                rid,
                name,
                kind,
                cost,
                stock,
                left,
                redeemed,
                cents,
                limit,
                start,
                end,
                bool(active),
                desc,
                bool(img),
            )
        )
    return result


def find_reward(session: Session, text: str) -> int:
    """A reward by id or by its exact name (for the command line)."""
    if is_row_id(text) and session.get(LedgerReward, int(text)) is not None:
        return int(text)
    ids = session.scalars(select(REWARD.c.id).where(REWARD.c.name == text.strip())).all()
    if not ids:
        raise UserError(msg("积分商城里没有「{name}」", name=text))
    if len(ids) > 1:
        raise UserError(msg("有 {count} 个奖品都叫「{name}」，请用编号", count=len(ids), name=text))
    return ids[0]


@dataclass(frozen=True)
class Redemption:
    id: int
    code: str
    member_id: int
    reward_id: int
    points: int
    spend_entry_id: int
    status: str


def redeem(
    session: Session,
    member_id: int,
    reward_id: int,
    *,
    operator: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Redemption:
    """兑换: checks the reward (active, in its dates, in stock, under the member's limit) and the
    balance, then writes the spend and a 待发放 record with a redemption code."""
    now = now or datetime.now()
    take_write_lock(session)
    lock_member(session, member_id)
    query = select(REWARD).where(REWARD.c.id == reward_id)
    # stock: one redemption of a reward at a time
    reward = session.execute(for_update(session, query, key_share=True)).mappings().first()
    if reward is None:
        raise UserError(msg("没有编号为 {id} 的奖品", id=reward_id))
    name = reward["name"]
    if not reward["active"]:
        raise UserError(msg("「{name}」已下架", name=name))
    today = now.date()
    if reward["valid_from"] and today < reward["valid_from"]:
        raise UserError(
            msg("「{name}」{day} 起才能兑换", name=name, day=f"{reward['valid_from']:%Y-%m-%d}")
        )
    if reward["valid_until"] and today > reward["valid_until"]:
        raise UserError(
            msg(
                "「{name}」的兑换已于 {day} 截止",
                name=name,
                day=f"{reward['valid_until']:%Y-%m-%d}",
            )
        )
    if reward["stock"] is not None and _taken(session, reward_id) >= reward["stock"]:
        raise UserError(msg("「{name}」已兑完", name=name))
    limit = reward["per_member_limit"]
    if limit is not None and _taken(session, reward_id, member_id) >= limit:
        raise UserError(msg("「{name}」每人限兑 {limit} 件，该成员已兑满", name=name, limit=limit))
    code = _new_code(session)
    posted = spend(
        session,
        member_id,
        reward["points_cost"],
        reason=f"兑换「{name}」",
        operator=operator,
        source="redemption",
        reference=f"redemption:{code}",
        now=now,
    )
    record = LedgerRedemption(
        code=code,
        member_id=member_id,
        reward_id=reward_id,
        points=reward["points_cost"],
        cost_cents=reward["cost_cents"],
        status="to_deliver",
        spend_entry_id=posted.entry_id,
        created_at=now,
        operator=operator,
        note=note,
    )
    session.add(record)
    session.flush()
    return Redemption(
        record.id, code, member_id, reward_id, record.points, posted.entry_id, record.status
    )


@dataclass(frozen=True)
class RedeemChoices:
    """What the redeem form offers one member: their available points and every active
    reward, each with why they can't have it now (None when they can)."""

    available: int
    rewards: list[tuple[RewardRow, str | None]]


def redeem_choices(
    session: Session, member_id: int, *, now: datetime | None = None
) -> RedeemChoices:
    """The rewards `redeem` would refuse are listed with the reason, in the order it checks."""
    now = now or datetime.now()
    today = now.date()
    available = balance(session, member_id, now=now).available
    rows = list_rewards(session, include_inactive=False)
    mine = dict(
        session.execute(
            select(REDEMPTION.c.reward_id, func.count())
            .where(REDEMPTION.c.member_id == member_id, REDEMPTION.c.status != "cancelled")
            .group_by(REDEMPTION.c.reward_id)
        ).all()
    )
    return RedeemChoices(
        available, [(row, _why_not(row, available, mine.get(row.id, 0), today)) for row in rows]
    )


def _why_not(row: RewardRow, available: int, mine: int, today: date) -> str | None:
    if row.valid_from and today < row.valid_from:
        return msg("{day} 起可兑", day=f"{row.valid_from:%Y-%m-%d}")
    if row.valid_until and today > row.valid_until:
        return msg("已于 {day} 截止", day=f"{row.valid_until:%Y-%m-%d}")
    if row.left is not None and row.left <= 0:
        return msg("已兑完")
    if row.per_member_limit is not None and mine >= row.per_member_limit:
        return msg("每人限兑 {limit} 件，已兑满", limit=row.per_member_limit)
    if row.points_cost > available:
        return msg("还差 {points} 分", points=row.points_cost - available)
    return None


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if session.scalar(select(REDEMPTION.c.id).where(REDEMPTION.c.code == code)) is None:
            return code


def find_redemption(session: Session, code_or_id: str) -> int:
    text = code_or_id.strip().upper()
    found = session.scalar(select(REDEMPTION.c.id).where(REDEMPTION.c.code == text))
    if found is None and is_row_id(text):
        found = session.scalar(select(REDEMPTION.c.id).where(REDEMPTION.c.id == int(text)))
    if found is None:
        raise UserError(msg("没有兑换码为「{code}」的兑换记录", code=code_or_id))
    return found


def set_redemption_status(
    session: Session,
    redemption_id: int,
    status: str,
    *,
    operator: str = "",
    reason: str = "",
    now: datetime | None = None,
) -> None:
    """Move a redemption along 待发放 → 已发放 → 已核销; 已取消 refunds the points by reversal."""
    now = now or datetime.now()
    if status not in REDEMPTION_STATUSES:
        raise UserError(msg("未知的兑换状态：{status}", status=status))
    take_write_lock(session)
    query = select(REDEMPTION).where(REDEMPTION.c.id == redemption_id)
    record = session.execute(for_update(session, query)).mappings().first()
    if record is None:
        raise UserError(msg("没有编号为 {id} 的兑换记录", id=redemption_id))
    current = record["status"]
    if status not in NEXT_STATUS[current]:
        raise UserError(
            msg(
                "兑换 {code} 当前为「{current}」，不能改为「{wanted}」",
                code=record["code"],
                current=STATUS_NAMES[current],
                wanted=STATUS_NAMES[status],
            )
        )
    values: dict = {"status": status}
    if status == "delivered":
        values["delivered_at"] = now
    elif status == "used":
        values["used_at"] = now
    elif record["spend_entry_id"] is None:  # a prize issued at no points: nothing to refund
        values["cancelled_at"] = now
    else:
        refund = reverse(
            session,
            record["spend_entry_id"],
            reason=with_note(f"取消兑换 {record['code']}", reason),
            operator=operator,
            source="redemption",
            reference=f"redemption:{record['code']}",
            now=now,
        )
        values["cancelled_at"] = now
        values["refund_entry_id"] = refund.entry_id
    if reason.strip():
        values["note"] = (record["note"] + "\n" if record["note"] else "") + reason.strip()
    session.execute(update(REDEMPTION).where(REDEMPTION.c.id == redemption_id).values(**values))


@dataclass(frozen=True)
class Issue:
    """A prize handed out at no points (a campaign's), into the same fulfilment queue."""

    member_id: int
    dedupe_key: str
    status: str  # held / pending / to_deliver
    prize_name: str = ""
    reward_id: int | None = None  # a catalogue item, when the prize is one
    cost_cents: int = 0
    campaign_id: int | None = None
    review_by: datetime | None = None
    pending_until: datetime | None = None
    price_cents: int | None = None
    note: str = ""


def issue_prize(
    session: Session, issue: Issue, *, operator: str = "", now: datetime | None = None
) -> int | None:
    """Put a prize in the fulfilment queue; None when its key is there already (idempotent)."""
    now = now or datetime.now()
    if issue.status not in ("held", "pending", "to_deliver"):
        raise UserError(msg("未知的兑换状态：{status}", status=issue.status))
    if session.scalar(select(REDEMPTION.c.id).where(REDEMPTION.c.dedupe_key == issue.dedupe_key)):
        return None
    record = LedgerRedemption(
        code=_new_code(session),
        member_id=issue.member_id,
        reward_id=issue.reward_id,
        points=0,
        cost_cents=issue.cost_cents,
        status=issue.status,
        spend_entry_id=None,
        created_at=now,
        operator=operator,
        note=issue.note,
        dedupe_key=issue.dedupe_key,
        prize_name=issue.prize_name[:100],
        campaign_id=issue.campaign_id,
        review_by=issue.review_by,
        pending_until=issue.pending_until,
        price_cents=issue.price_cents,
    )
    session.add(record)
    session.flush()
    return record.id


def issued_prizes(session: Session, key_prefix: str) -> dict[str, tuple[int, int, str]]:
    """Dedupe key → (redemption id, member, status) of the prizes whose key starts so."""
    rows = session.execute(
        select(
            REDEMPTION.c.dedupe_key, REDEMPTION.c.id, REDEMPTION.c.member_id, REDEMPTION.c.status
        ).where(REDEMPTION.c.dedupe_key.like(key_prefix + "%"))
    ).all()
    return {key: (row_id, member, status) for key, row_id, member, status in rows}


@dataclass(frozen=True)
class RedemptionRow:
    id: int
    code: str
    created_at: datetime
    member_id: int
    nickname: str
    reward_name: str
    reward_kind: str
    points: int
    cost_cents: int
    status: str
    status_name: str
    delivered_at: datetime | None
    used_at: datetime | None
    cancelled_at: datetime | None
    operator: str
    note: str


def list_redemptions(
    session: Session,
    *,
    statuses: tuple[str, ...] = (),
    member_id: int | None = None,
    limit: int = 1000,
) -> list[RedemptionRow]:
    """The fulfilment queue: oldest waiting first when filtered by status, else newest first."""
    query = (
        select(
            REDEMPTION.c.id,
            REDEMPTION.c.code,
            REDEMPTION.c.created_at,
            REDEMPTION.c.member_id,
            MEMBER.c.nickname,
            func.coalesce(REWARD.c.name, REDEMPTION.c.prize_name),
            func.coalesce(REWARD.c.kind, "physical"),
            REDEMPTION.c.points,
            REDEMPTION.c.cost_cents,
            REDEMPTION.c.status,
            REDEMPTION.c.delivered_at,
            REDEMPTION.c.used_at,
            REDEMPTION.c.cancelled_at,
            REDEMPTION.c.operator,
            REDEMPTION.c.note,
        )
        .join(MEMBER, MEMBER.c.id == REDEMPTION.c.member_id)
        .outerjoin(REWARD, REWARD.c.id == REDEMPTION.c.reward_id)
        .limit(limit)
    )
    if statuses:
        query = query.where(REDEMPTION.c.status.in_(statuses)).order_by(
            REDEMPTION.c.created_at, REDEMPTION.c.id
        )
    else:
        query = query.order_by(REDEMPTION.c.created_at.desc(), REDEMPTION.c.id.desc())
    if member_id is not None:
        query = query.where(REDEMPTION.c.member_id == member_id)
    rows = []
    for row in session.execute(query):
        values = list(row)
        values.insert(10, STATUS_NAMES[row[9]])
        rows.append(RedemptionRow(*values))
    return rows
