"""What campaigns of the acting-together types record (core/campaigns/type_recording.py), read
back as their facts (core/campaigns/facts_types_sql.py) for the reward decisions:

- `campaign_helps`: 助力, `helper` helped `target`; a helper helps once per campaign (UNIQUE);
- `campaign_cuts`: 砍价, `helper` cut `target`'s price, once per target (UNIQUE), with the cut
  and the price after it as told at the time;
- `campaign_teams` and `campaign_team_members`: 拼团, a team opened by its leader (who is also
  its first member); a member is in one team per campaign (UNIQUE);
- `campaign_draws`: 抽奖, the n-th draw of the campaign (UNIQUE number) with the seed and the
  algorithm it was drawn with and what it gave, so anyone can replay it;
- `campaign_coupons`: the 券 pool, imported or generated codes, which reward each went to,
  when, and when it was redeemed;
- `campaign_swap_offers`, `campaign_swap_wants`, `campaign_swaps`: 以物换物, what members offer
  and want, a want matched with an offer (each used in one swap) and when it was done.

Purchases are not here: they are activity events of kind 'purchase' with their amount
(db/models.ActivityEvent), which the campaign figures already read.

Imported at the end of db/models.py, so `Base.metadata` always holds these tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.bounds import INT32_MAX, MAX_MONEY_CENTS, between
from db.columns import one_of, references, text_length
from db.models import Base

COUPON_ORIGINS = ("imported", "generated")
MAX_COUPON_CHARS = 64
MAX_CATEGORY_CHARS = 50
MAX_ITEM_CHARS = 200


def _campaign() -> Mapped[int]:
    return references("campaigns", ondelete="CASCADE")


def _member() -> Mapped[int]:
    return references("members", ondelete="CASCADE")


class CampaignHelp(Base):
    """助力: `helper` helped `target` at `at`."""

    __tablename__ = "campaign_helps"
    __table_args__ = (
        CheckConstraint("helper_id <> target_id", name="not_self"),
        UniqueConstraint("campaign_id", "helper_id"),  # once per campaign
        Index("ix_campaign_helps_target", "campaign_id", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = _campaign()
    target_id: Mapped[int] = _member()
    helper_id: Mapped[int] = _member()
    at: Mapped[datetime] = mapped_column(DateTime)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)


class CampaignCut(Base):
    """砍价: `helper` cut `target`'s price by `cut_cents` to `price_after_cents` (as told then;
    the decisions recompute the schedule from the order of the cuts)."""

    __tablename__ = "campaign_cuts"
    __table_args__ = (
        CheckConstraint("helper_id <> target_id", name="not_self"),
        CheckConstraint(between("cut_cents", 1, MAX_MONEY_CENTS), name="cut_range"),
        CheckConstraint(between("price_after_cents", 0, MAX_MONEY_CENTS), name="price_range"),
        UniqueConstraint("campaign_id", "target_id", "helper_id"),  # once per target
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = _campaign()
    target_id: Mapped[int] = _member()
    helper_id: Mapped[int] = _member()
    at: Mapped[datetime] = mapped_column(DateTime)
    cut_cents: Mapped[int] = mapped_column(Integer)
    price_after_cents: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)


class CampaignTeam(Base):
    """拼团: a team its leader opened."""

    __tablename__ = "campaign_teams"
    __table_args__ = (UniqueConstraint("campaign_id", "leader_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = _campaign()
    leader_id: Mapped[int] = _member()
    opened_at: Mapped[datetime] = mapped_column(DateTime)


class CampaignTeamMember(Base):
    """One member of a team, the leader included; one team per member and campaign."""

    __tablename__ = "campaign_team_members"
    __table_args__ = (
        UniqueConstraint("campaign_id", "member_id"),
        Index("ix_campaign_team_members_team", "team_id", "joined_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = references("campaign_teams", ondelete="CASCADE")
    campaign_id: Mapped[int] = _campaign()
    member_id: Mapped[int] = _member()
    joined_at: Mapped[datetime] = mapped_column(DateTime)


class CampaignDraw(Base):
    """抽奖: the `number`-th draw of the campaign (1, 2, …), the member's `member_number`-th,
    drawn with `seed` by `algorithm` (core/campaigns/rewards/lottery.py); `won` is the entry
    it gave then ('' a miss)."""

    __tablename__ = "campaign_draws"
    __table_args__ = (
        CheckConstraint(between("number", 1, INT32_MAX), name="number_range"),
        CheckConstraint(between("member_number", 1, INT32_MAX), name="member_number_range"),
        text_length("seed", 20),
        # (the first column names the constraint: two may not both start with campaign_id)
        UniqueConstraint("number", "campaign_id"),
        UniqueConstraint("member_id", "campaign_id", "member_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = _campaign()
    number: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = _member()
    member_number: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    # as text: a seed may pass a 64-bit integer's sign on PostgreSQL
    seed: Mapped[str] = mapped_column(String(20))
    algorithm: Mapped[str] = mapped_column(String(20))
    won: Mapped[str] = mapped_column(String(100), default="")


class CampaignCoupon(Base):
    """One code of the campaign's 券 pool: imported or generated, then handed out for one
    reward (its decision key) to one member, then redeemed once."""

    __tablename__ = "campaign_coupons"
    __table_args__ = (
        one_of("origin", COUPON_ORIGINS),
        text_length("code", MAX_COUPON_CHARS),
        CheckConstraint(
            "(reward_key IS NULL AND member_id IS NULL AND issued_at IS NULL)"
            " OR (reward_key IS NOT NULL AND member_id IS NOT NULL AND issued_at IS NOT NULL)",
            name="issued",
        ),
        CheckConstraint(
            "redeemed_at IS NULL OR (issued_at IS NOT NULL AND redeemed_at >= issued_at)",
            name="redeemed_after_issued",
        ),
        UniqueConstraint("campaign_id", "code"),
        UniqueConstraint("reward_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = _campaign()
    code: Mapped[str] = mapped_column(String(MAX_COUPON_CHARS))
    origin: Mapped[str] = mapped_column(String(10))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    reward_key: Mapped[str | None] = mapped_column(String(120))
    member_id: Mapped[int | None] = references("members", ondelete="CASCADE", index=True)
    issued_at: Mapped[datetime | None] = mapped_column(DateTime)
    redeemed_at: Mapped[datetime | None] = mapped_column(DateTime)


class _SwapSide:
    """A member's side of 以物换物 in a campaign: a category, and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = _campaign()
    member_id: Mapped[int] = _member()
    category: Mapped[str] = mapped_column(String(MAX_CATEGORY_CHARS))
    at: Mapped[datetime] = mapped_column(DateTime)


class CampaignSwapOffer(_SwapSide, Base):
    """以物换物: something a member offers, in a category."""

    __tablename__ = "campaign_swap_offers"
    __table_args__ = (
        text_length("category", MAX_CATEGORY_CHARS),
        text_length("item", MAX_ITEM_CHARS),
        Index("ix_campaign_swap_offers_campaign", "campaign_id", "at"),
    )

    item: Mapped[str] = mapped_column(String(MAX_ITEM_CHARS))


class CampaignSwapWant(_SwapSide, Base):
    """以物换物: a category a member wants something of."""

    __tablename__ = "campaign_swap_wants"
    __table_args__ = (
        text_length("category", MAX_CATEGORY_CHARS),
        Index("ix_campaign_swap_wants_campaign", "campaign_id", "at"),
    )


class CampaignSwap(Base):
    """A want matched with an offer (each in one swap only), and when the swap was done."""

    __tablename__ = "campaign_swaps"
    __table_args__ = (
        CheckConstraint("done_at IS NULL OR done_at >= matched_at", name="done_after_matched"),
        UniqueConstraint("offer_id"),
        UniqueConstraint("want_id"),
        Index("ix_campaign_swaps_campaign", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = _campaign()
    offer_id: Mapped[int] = references("campaign_swap_offers", ondelete="CASCADE")
    want_id: Mapped[int] = references("campaign_swap_wants", ondelete="CASCADE")
    matched_at: Mapped[datetime] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
