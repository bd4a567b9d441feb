"""Campaigns (裂变活动), invite codes and referral edges (邀请关系).

- `campaigns` and `campaign_communities`: the campaign record and its target communities.
- `invite_codes`: every code ever handed out, found by value: a member's standing code, one
  per campaign they take part in, and codes imported from other tools.
- `referral_edges`: who brought whom, in which campaign and community, how, from which
  sources (a bit set: the same edge seen twice is one row naming both), and its status with
  who and when of the last change. `live_key` holds invitee:campaign:community while the edge
  is pending or verified, NULL once rejected or void: its UNIQUE index is the database's
  "first referrer wins" (NULLs never clash, on SQLite and PostgreSQL alike).

Imported at the end of db/models.py, so `Base.metadata` always holds these tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.bounds import MAX_MONEY_CENTS, between
from db.columns import in_list, link_key, one_of, references, text_length
from db.models import Base

CAMPAIGN_KINDS = (
    "invite_code",  # 邀请码裂变
    "task_ladder",  # 任务宝
    "poster",  # 海报裂变
    "group_buy",  # 拼团
    "help",  # 助力
    "gift",  # 送
    "bargain",  # 砍价
    "coupon",  # 优惠券
    "ranking",  # 排行榜
    "swap",  # 以物换物
    "lottery",  # 抽奖
)
GOAL_KINDS = ("new_members", "sales", "checkins")
CAMPAIGN_STATUSES = ("draft", "running", "paused", "ended", "reviewed")
CODE_ORIGINS = ("standing", "campaign", "imported")
EDGE_HOWS = ("code", "group_qr", "direct_invite", "manual")
EDGE_STATUSES = ("pending", "verified", "rejected", "void")
LIVE_STATUSES = ("pending", "verified")
# referral_edges.sources is a bit set of these, in this order (typed = 1, scanned = 2, …).
EDGE_SOURCES = ("typed", "scanned", "member_import", "tool_export", "chat_history")
MAX_CODE_CHARS = 32


class Campaign(Base):
    """裂变活动: one campaign, its goal, dates, budget, settings and copy."""

    __tablename__ = "campaigns"
    __table_args__ = (
        one_of("kind", CAMPAIGN_KINDS),
        one_of("goal_kind", GOAL_KINDS),
        one_of("status", CAMPAIGN_STATUSES),
        CheckConstraint(
            between("goal_target", 0, MAX_MONEY_CENTS, nullable=True), name="goal_target_range"
        ),
        CheckConstraint(
            between("budget_total_cents", 0, MAX_MONEY_CENTS, nullable=True),
            name="budget_total_range",
        ),
        CheckConstraint(
            between("budget_per_day_cents", 0, MAX_MONEY_CENTS, nullable=True),
            name="budget_per_day_range",
        ),
        CheckConstraint(
            between("budget_per_member_cents", 0, MAX_MONEY_CENTS, nullable=True),
            name="budget_per_member_range",
        ),
        CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR ends_at >= starts_at", name="dates_in_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="invite_code")
    goal_kind: Mapped[str] = mapped_column(String(20), default="new_members")
    goal_target: Mapped[int | None] = mapped_column(Integer)  # people, check-ins, or fen
    status: Mapped[str] = mapped_column(String(10), default="draft")
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    budget_total_cents: Mapped[int | None] = mapped_column(Integer)
    budget_per_day_cents: Mapped[int | None] = mapped_column(Integer)
    budget_per_member_cents: Mapped[int | None] = mapped_column(Integer)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)  # the type's own settings
    copy: Mapped[dict] = mapped_column(JSON, default=dict)  # poster text, rules, H5 outline
    owner: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)


class CampaignCommunity(Base):
    """A community a campaign targets."""

    __tablename__ = "campaign_communities"

    campaign_id: Mapped[int] = link_key("campaigns")
    community_id: Mapped[int] = link_key("communities", index=True)


class InviteCode(Base):
    """邀请码: one code handed out (or imported), found by its value."""

    __tablename__ = "invite_codes"
    __table_args__ = (
        one_of("origin", CODE_ORIGINS),
        CheckConstraint(
            "(origin = 'campaign' AND campaign_id IS NOT NULL)"
            " OR (origin = 'standing' AND campaign_id IS NULL) OR origin = 'imported'",
            name="origin_campaign",
        ),
        text_length("value", MAX_CODE_CHARS),
        # One code per member and campaign (standing codes have no campaign: NULLs never clash).
        UniqueConstraint("member_id", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(String(MAX_CODE_CHARS), unique=True)
    member_id: Mapped[int] = references("members", ondelete="CASCADE")
    campaign_id: Mapped[int | None] = references("campaigns", index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    origin: Mapped[str] = mapped_column(String(10))


_LIVE_KEY = (
    "CAST(invitee_id AS VARCHAR(12)) || ':' || COALESCE(CAST(campaign_id AS VARCHAR(12)), '')"
    " || ':' || COALESCE(CAST(community_id AS VARCHAR(12)), '')"
)


class ReferralEdge(Base):
    """邀请关系: `inviter` brought `invitee` (in a campaign, into a community)."""

    __tablename__ = "referral_edges"
    __table_args__ = (
        one_of("how", EDGE_HOWS),
        one_of("status", EDGE_STATUSES),
        CheckConstraint(f"sources BETWEEN 1 AND {2 ** len(EDGE_SOURCES) - 1}", name="sources"),
        CheckConstraint("inviter_id <> invitee_id", name="not_self"),
        CheckConstraint(
            f"({in_list('status', LIVE_STATUSES)} AND live_key = {_LIVE_KEY})"
            f" OR ({in_list('status', ('rejected', 'void'))} AND live_key IS NULL)",
            name="live_key",
        ),
        Index("ix_referral_edges_campaign_time", "campaign_id", "occurred_at"),
        Index("ix_referral_edges_inviter", "inviter_id", "campaign_id"),
        Index("ix_referral_edges_invitee", "invitee_id", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inviter_id: Mapped[int] = references("members", ondelete="CASCADE")
    invitee_id: Mapped[int] = references("members", ondelete="CASCADE")
    campaign_id: Mapped[int | None] = references("campaigns")
    community_id: Mapped[int | None] = references("communities", ondelete="CASCADE", index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    how: Mapped[str] = mapped_column(String(20))
    sources: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    status_reason: Mapped[str] = mapped_column(String(50), default="")
    status_changed_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    status_changed_by: Mapped[str] = mapped_column(String(100), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    # The code typed or scanned, when the edge came from one.
    invite_code_id: Mapped[int | None] = references("invite_codes", ondelete="SET NULL")
    live_key: Mapped[str | None] = mapped_column(String(40), unique=True)


REVIEW_ACTIONS = ("approve", "reject", "blacklist")


class CampaignReview(Base):
    """风控审核: one reviewer's action on a campaign's reward (approve / reject, by the reward's
    key) or on a member (blacklist: their unapproved rewards are void and later campaigns bar
    them). Append-only: who, when and why of every decision stay."""

    __tablename__ = "campaign_reviews"
    __table_args__ = (
        one_of("action", REVIEW_ACTIONS),
        CheckConstraint(
            "(action = 'blacklist' AND member_id IS NOT NULL)"
            " OR (action <> 'blacklist' AND reward_key IS NOT NULL)",
            name="target",
        ),
        CheckConstraint("action <> 'reject' OR length(why) > 0", name="reject_why"),
        CheckConstraint("length(who) > 0", name="who"),
        Index("ix_campaign_reviews_campaign", "campaign_id", "at"),
        Index("ix_campaign_reviews_member", "member_id", "action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = references("campaigns", ondelete="CASCADE")
    action: Mapped[str] = mapped_column(String(10))
    reward_key: Mapped[str | None] = mapped_column(String(120))
    member_id: Mapped[int | None] = references("members", ondelete="CASCADE")
    who: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)
    why: Mapped[str] = mapped_column(Text, default="")


TOOL_SOURCES = ("linkwechat_group", "linkwechat_task")  # 群裂变明细, 任务宝明细
TOOL_STATES = ("done", "not_done", "")  # 已完成, 未完成, not given


class CampaignToolTotal(Base):
    """One participant's totals from a campaign tool's export (LinkWeChat 群裂变 / 任务宝 明细):
    how many new customers they brought, not who — no edges, so no waves or tree. Found again by
    (campaign, source, name as written, group), so importing the same export twice adds nothing."""

    __tablename__ = "campaign_tool_totals"
    __table_args__ = (
        one_of("source", TOOL_SOURCES),
        one_of("state", TOOL_STATES),
        CheckConstraint("new_customers BETWEEN 0 AND 1000000", name="new_customers"),
        UniqueConstraint("campaign_id", "source", "name", "community_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = references("campaigns", ondelete="CASCADE")
    source: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))  # 客户名称 / 老客, as written
    community_name: Mapped[str] = mapped_column(String(200), default="")  # 群名
    staff: Mapped[str] = mapped_column(String(100), default="")  # 发送员工
    state: Mapped[str] = mapped_column(String(10), default="")  # 裂变状态
    new_customers: Mapped[int] = mapped_column(Integer, default=0)  # 裂变新客数
    member_id: Mapped[int | None] = references("members", ondelete="SET NULL", index=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
