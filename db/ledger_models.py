"""The points ledger (积分台账): entries, allocations, earn rules, reward catalogue, redemptions.

Money-like data: `ledger_entries`, `ledger_allocations` and `ledger_rules` are append-only,
enforced by triggers (migrations 0005 and 0007, on SQLite and PostgreSQL). The one UPDATE
allowed is handing an entry to another member (`member_id`, `related_member_id`), and only
along a merge recorded in `member_merges` that is not undone (merging duplicates, undoing it);
`booked_member_id` keeps whom the entry was written for, so `verify` can prove every entry sits
where the recorded merges took it. Redemptions are never deleted and keep what they charged.
Points and money are bounded (db.bounds) by CHECK constraints. Balances are never stored: they
are sums of entries.

Imported at the end of db/models.py, so `Base.metadata` always holds these tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false as sa_false
from sqlalchemy.sql.expression import true as sa_true

from db.bounds import (
    MAX_BALANCE_POINTS,
    MAX_ENTRY_POINTS,
    MAX_EXPIRY_DAYS,
    MAX_MONEY_CENTS,
    MAX_PENDING_DAYS,
    MAX_PER_MEMBER_LIMIT,
    MAX_STOCK,
    between,
)
from db.columns import one_of, references
from db.models import Base

ENTRY_KINDS = ("earn", "spend", "expire", "adjust", "clawback", "reversal")
# What an earn rule rewards; `custom` rules are awarded by hand or by a campaign.
RULE_ACTIONS = (
    "checkin",  # 签到
    "checkin_streak",  # 连续签到奖励
    "makeup_checkin",  # 补签 (costs points)
    "message",  # 发言
    "good_post",  # 优质内容
    "answer",  # 回答问题
    "event",  # 参加活动
    "purchase",  # 消费（每元）
    "invite",  # 邀请成功
    "share",  # 分享
    "feedback",  # 反馈
    "birthday",  # 生日
    "custom",  # 自定义
)
REWARD_KINDS = ("physical", "virtual")
# held: a campaign prize waiting for a reviewer; pending: waiting for its period (both issued
# by core/workflows/campaign_rewards, at no points) before it is to be delivered.
REDEMPTION_STATUSES = ("to_deliver", "delivered", "used", "cancelled", "held", "pending")

# Columns an UPDATE may touch: merging members hands entries to the kept member.
ENTRY_REASSIGNABLE = ("member_id", "related_member_id")


def _same_as(column: str):
    """A column default: the value this INSERT gives `column` (None when it gives none)."""

    def default(context):
        return context.get_current_parameters().get(column)

    return default


class LedgerRule(Base):
    """积分规则, one version: a change writes a new version, so past entries keep theirs."""

    __tablename__ = "ledger_rules"
    __table_args__ = (
        UniqueConstraint("code", "version", name="uq_ledger_rules_code_version"),
        one_of("action", RULE_ACTIONS),
        CheckConstraint("points >= 0", name="points"),
        CheckConstraint("daily_cap IS NULL OR daily_cap >= 0", name="daily_cap"),
        CheckConstraint("pending_days >= 0", name="pending_days"),
        CheckConstraint("expiry_days IS NULL OR expiry_days > 0", name="expiry_days"),
        CheckConstraint(f"points <= {MAX_ENTRY_POINTS}", name="points_max"),
        CheckConstraint(between("daily_cap", 0, MAX_BALANCE_POINTS, nullable=True), name="cap_max"),
        CheckConstraint(f"pending_days <= {MAX_PENDING_DAYS}", name="pending_days_max"),
        CheckConstraint(
            between("expiry_days", 1, MAX_EXPIRY_DAYS, nullable=True), name="expiry_days_max"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))  # one rule across its versions
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    # Points per action; for purchases per yuan; for 补签 the cost.
    points: Mapped[int] = mapped_column(Integer)
    daily_cap: Mapped[int | None] = mapped_column(Integer)  # points per member per day
    qualifying: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    pending_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    expiry_days: Mapped[int | None] = mapped_column(Integer)  # None: never expires
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # e.g. streak {"days": 7}
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    operator: Mapped[str] = mapped_column(String(100), default="", server_default="")


class LedgerEntry(Base):
    """积分流水: one line of the journal. Signed points; never updated, never deleted."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        one_of("kind", ENTRY_KINDS),
        CheckConstraint(
            "points <> 0"
            " AND (kind NOT IN ('earn') OR points > 0)"
            " AND (kind NOT IN ('spend', 'expire', 'clawback') OR points < 0)",
            name="points_sign",
        ),
        CheckConstraint(
            between("points", -MAX_ENTRY_POINTS, MAX_ENTRY_POINTS), name="points_range"
        ),
        CheckConstraint(
            "(kind IN ('reversal', 'clawback')) = (reverses_id IS NOT NULL)", name="reverses"
        ),
        Index("ix_ledger_entries_member_time", "member_id", "occurred_at", "id"),
        Index("ix_ledger_entries_time", "occurred_at"),
        Index("ix_ledger_entries_expiry", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = references("members", ondelete="RESTRICT")
    kind: Mapped[str] = mapped_column(String(10))
    points: Mapped[int] = mapped_column(Integer)
    # Counts toward levels (tiering); spends and expiries never do.
    qualifying: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    source: Mapped[str] = mapped_column(String(20), default="manual", server_default="manual")
    reference: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # Makes automatic awards idempotent: the same activity never earns twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    rule_id: Mapped[int | None] = references("ledger_rules", ondelete="RESTRICT")
    # A reversal or clawback names the one entry it cancels; each entry is cancelled at most once.
    reverses_id: Mapped[int | None] = references("ledger_entries", ondelete="RESTRICT", unique=True)
    # The invitee of an invite reward: leaving within the pending period claws it back.
    related_member_id: Mapped[int | None] = references("members", ondelete="SET NULL", index=True)
    # Whom the entry was written for (and its invitee): never change, while member_id and
    # related_member_id follow merges. A trigger refuses an INSERT where they differ.
    booked_member_id: Mapped[int] = mapped_column(Integer, default=_same_as("member_id"))
    booked_related_member_id: Mapped[int | None] = mapped_column(
        Integer, default=_same_as("related_member_id")
    )
    operator: Mapped[str] = mapped_column(String(100), default="", server_default="")
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    occurred_at: Mapped[datetime] = mapped_column(DateTime)  # when it happened (business time)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    # Status is derived, never stored: pending until this time, void once reversed/clawed back.
    pending_until: Mapped[datetime | None] = mapped_column(DateTime)
    # Awards: the first day these points are no longer valid (None: they never expire).
    expires_on: Mapped[date | None] = mapped_column(Date)


class LedgerAllocation(Base):
    """Which award an entry consumed (FEFO), or, with negative points, gave back (a refund).

    remaining(award) = award.points − Σ allocations.points of that award, for every award.
    """

    __tablename__ = "ledger_allocations"
    __table_args__ = (
        UniqueConstraint("entry_id", "credit_id", name="uq_ledger_allocations_entry_credit"),
        CheckConstraint("points <> 0", name="points"),
        CheckConstraint(
            between("points", -MAX_ENTRY_POINTS, MAX_ENTRY_POINTS), name="points_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = references("ledger_entries", ondelete="RESTRICT", index=True)
    credit_id: Mapped[int] = references("ledger_entries", ondelete="RESTRICT", index=True)
    points: Mapped[int] = mapped_column(Integer)


class LedgerReward(Base):
    """积分商城 item: what a member can redeem, for how many points, at what cost to the shop."""

    __tablename__ = "ledger_rewards"
    __table_args__ = (
        one_of("kind", REWARD_KINDS),
        CheckConstraint("points_cost > 0", name="points_cost"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock"),
        CheckConstraint("cost_cents >= 0", name="cost_cents"),
        CheckConstraint("per_member_limit IS NULL OR per_member_limit > 0", name="limit"),
        CheckConstraint(f"points_cost <= {MAX_ENTRY_POINTS}", name="points_cost_max"),
        CheckConstraint(f"cost_cents <= {MAX_MONEY_CENTS}", name="cost_cents_max"),
        CheckConstraint(between("stock", 0, MAX_STOCK, nullable=True), name="stock_max"),
        CheckConstraint(
            between("per_member_limit", 1, MAX_PER_MEMBER_LIMIT, nullable=True), name="limit_max"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    points_cost: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int | None] = mapped_column(Integer)  # total ever available; None: unlimited
    cost_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # fen
    per_member_limit: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)  # last day it can be redeemed
    kind: Mapped[str] = mapped_column(String(10), default="physical", server_default="physical")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)


POINTS_RANGE = between("points", 1, MAX_ENTRY_POINTS)


class LedgerRedemption(Base):
    """兑换 and its fulfilment: 待发放 → 已发放 → 已核销, or 已取消 (refunded by a reversal)."""

    __tablename__ = "ledger_redemptions"
    __table_args__ = (
        one_of("status", REDEMPTION_STATUSES),
        # A prize issued at no points (a campaign's) has no spend entry.
        CheckConstraint(
            f"(points = 0 AND spend_entry_id IS NULL) OR ({POINTS_RANGE})", name="points_range"
        ),
        CheckConstraint(between("cost_cents", 0, MAX_MONEY_CENTS), name="cost_cents_range"),
        CheckConstraint("(spend_entry_id IS NULL) = (points = 0)", name="spend"),
        CheckConstraint("reward_id IS NOT NULL OR length(prize_name) > 0", name="what"),
        Index("ix_ledger_redemptions_status_time", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # 兑换码
    member_id: Mapped[int] = references("members", ondelete="RESTRICT", index=True)
    reward_id: Mapped[int | None] = references("ledger_rewards", ondelete="RESTRICT", index=True)
    points: Mapped[int] = mapped_column(Integer)  # as charged, whatever the catalogue says later
    cost_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[str] = mapped_column(
        String(12), default="to_deliver", server_default="to_deliver"
    )
    spend_entry_id: Mapped[int | None] = references(
        "ledger_entries", ondelete="RESTRICT", unique=True
    )
    refund_entry_id: Mapped[int | None] = references("ledger_entries", ondelete="RESTRICT")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    operator: Mapped[str] = mapped_column(String(100), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A campaign's prize (migration 0009): its decision key, what it is, its campaign, and
    # until when it is held for review or pending.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    prize_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    campaign_id: Mapped[int | None] = references("campaigns", ondelete="RESTRICT", index=True)
    review_by: Mapped[datetime | None] = mapped_column(DateTime)
    pending_until: Mapped[datetime | None] = mapped_column(DateTime)
    price_cents: Mapped[int | None] = mapped_column(Integer)  # 砍价: the price reached
