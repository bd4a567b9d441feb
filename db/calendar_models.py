"""内容日历: content items, their target communities, approval history, SOP templates.

- `content_items`: one planned piece of content (title, type, body, planned time, owner,
  status 草稿 → 待审核 → 已排期 → 已发送 → 已复盘, promotional flag, results, notes and the
  reviewer's notes kept apart from the body). An item generated from a recurring SOP names its
  template and the occurrence it stands for: UNIQUE (template, occurrence) is what makes
  generating twice add nothing, even after the item was moved.
- `content_item_communities`: the communities an item goes to, each with its own sent_at/by
  (the operator sends by hand, group after group).
- `content_item_history`: who did what to an item and when (approved, rejected with a reason…).
- `sop_templates`: recurring plans (an RFC 5545 RRULE without COUNT/UNTIL, which live in
  `end_count` / `end_on`) and relative plans (day N after a member joins or a group is created).
- `sop_template_communities`, `sop_exceptions` (one occurrence skipped or edited) and
  `sop_steps` (a relative plan's days, each with its send window in minutes of the day).

Imported at the end of db/models.py, so `Base.metadata` always holds these tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.bounds import MAX_MONEY_CENTS, between
from db.columns import in_list, link_key, one_of, references, text_length
from db.models import Base

CONTENT_KINDS = (
    "text",  # 文字
    "image",  # 图片
    "video",  # 视频
    "live",  # 直播
    "event",  # 活动
    "qa",  # 问答
    "poll",  # 投票
    "lottery",  # 抽奖
    "checkin",  # 打卡
    "chain",  # 接龙
)
ITEM_STATUSES = ("draft", "pending_review", "scheduled", "sent", "reviewed")
SENT_STATUSES = ("sent", "reviewed")
HISTORY_ACTIONS = (
    "created",
    "edited",
    "moved",
    "submitted",
    "approved",
    "rejected",
    "scheduled",
    "sent",
    "reviewed",
    "returned",  # not reviewed by its time: back to 草稿
    "unscheduled",
)
SOP_KINDS = (
    "newcomer",  # 新客
    "festival",  # 活动节日
    "conversion",  # 客户转化
    "new_group",  # 新群培育
    "periodic",  # 周期营销
    "announcement",  # 特定宣发
)
SOP_MODES = ("recurring", "relative")
SOP_ANCHORS = ("member_joined", "community_created")
EXCEPTION_ACTIONS = ("skip", "edit")
MAX_TITLE_CHARS = 200
MAX_COUNT = 1_000_000  # replies, joins: far past any real group
MAX_STEP_DAY = 366
MINUTES_PER_DAY = 1440


class ContentItem(Base):
    """内容: one planned piece of content for one or more communities."""

    __tablename__ = "content_items"
    __table_args__ = (
        one_of("kind", CONTENT_KINDS),
        one_of("status", ITEM_STATUSES),
        text_length("title", MAX_TITLE_CHARS),
        CheckConstraint(between("replies", 0, MAX_COUNT, nullable=True), name="replies_range"),
        CheckConstraint(between("joins", 0, MAX_COUNT, nullable=True), name="joins_range"),
        CheckConstraint(
            between("sales_cents", 0, MAX_MONEY_CENTS, nullable=True), name="sales_range"
        ),
        # Sent (and reviewed) items say when and by whom; the others have not been sent.
        CheckConstraint(
            f"({in_list('status', SENT_STATUSES)} AND sent_at IS NOT NULL AND sent_by IS NOT NULL)"
            f" OR (status NOT IN ('sent', 'reviewed') AND sent_at IS NULL AND sent_by IS NULL)",
            name="sent_when_sent",
        ),
        CheckConstraint(
            "(sop_template_id IS NULL AND sop_occurrence IS NULL)"
            " OR (sop_template_id IS NOT NULL AND sop_occurrence IS NOT NULL)",
            name="sop_occurrence_with_template",
        ),
        UniqueConstraint("sop_template_id", "sop_occurrence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE_CHARS))
    kind: Mapped[str] = mapped_column(String(10), default="text")
    body: Mapped[str] = mapped_column(Text, default="")
    planned_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    owner: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(15), default="draft")
    promotional: Mapped[bool] = mapped_column(Boolean, default=False)
    replies: Mapped[int | None] = mapped_column(Integer)
    joins: Mapped[int | None] = mapped_column(Integer)
    sales_cents: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Never copied into what is sent.
    reviewer_notes: Mapped[str] = mapped_column(Text, default="")
    campaign_id: Mapped[int | None] = references("campaigns", ondelete="SET NULL", index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_by: Mapped[str | None] = mapped_column(String(100))
    # 常青: good again later; a sent one can be re-planned (core/calendar/evergreen.py).
    evergreen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    recycled_from_id: Mapped[int | None] = references(
        "content_items", ondelete="SET NULL", index=True
    )
    sop_template_id: Mapped[int | None] = references("sop_templates")
    sop_occurrence: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)


class ContentItemCommunity(Base):
    """A community an item goes to, and when it was sent there."""

    __tablename__ = "content_item_communities"
    __table_args__ = (
        CheckConstraint(
            "(sent_at IS NULL AND sent_by IS NULL)"
            " OR (sent_at IS NOT NULL AND sent_by IS NOT NULL)",
            name="sent_with_who",
        ),
    )

    item_id: Mapped[int] = link_key("content_items")
    community_id: Mapped[int] = link_key("communities", index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_by: Mapped[str | None] = mapped_column(String(100))


class ContentItemHistory(Base):
    """What happened to an item: who, when, which action, from which status, and why."""

    __tablename__ = "content_item_history"
    __table_args__ = (
        one_of("action", HISTORY_ACTIONS),
        CheckConstraint(
            "action NOT IN ('rejected', 'returned') OR length(reason) > 0", name="reason_given"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = references("content_items", ondelete="CASCADE", index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    who: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(15))
    from_status: Mapped[str | None] = mapped_column(String(15))
    to_status: Mapped[str | None] = mapped_column(String(15))
    reason: Mapped[str] = mapped_column(Text, default="")


class SopTemplate(Base):
    """An SOP: a recurring plan (RRULE) or a relative one (steps after a join or a new group)."""

    __tablename__ = "sop_templates"
    __table_args__ = (
        one_of("sop_kind", SOP_KINDS),
        one_of("mode", SOP_MODES),
        one_of("content_kind", CONTENT_KINDS),
        CheckConstraint("anchor IS NULL OR " + in_list("anchor", SOP_ANCHORS), name="anchor"),
        CheckConstraint(
            "(mode = 'recurring' AND rrule IS NOT NULL AND starts_at IS NOT NULL"
            " AND anchor IS NULL)"
            " OR (mode = 'relative' AND rrule IS NULL AND anchor IS NOT NULL)",
            name="mode_fields",
        ),
        # RFC 5545: COUNT and UNTIL never both.
        CheckConstraint("end_count IS NULL OR end_on IS NULL", name="one_end"),
        CheckConstraint(between("end_count", 1, 10_000, nullable=True), name="end_count_range"),
        text_length("name", 100),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    sop_kind: Mapped[str] = mapped_column(String(15), default="periodic")
    mode: Mapped[str] = mapped_column(String(10), default="recurring")
    rrule: Mapped[str | None] = mapped_column(String(500))  # FREQ=WEEKLY;BYDAY=WE
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)  # DTSTART (its time of day)
    end_count: Mapped[int | None] = mapped_column(Integer)
    end_on: Mapped[date | None] = mapped_column(Date)
    anchor: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(MAX_TITLE_CHARS), default="")
    content_kind: Mapped[str] = mapped_column(String(10), default="text")
    body: Mapped[str] = mapped_column(Text, default="")
    promotional: Mapped[bool] = mapped_column(Boolean, default=False)
    owner: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)


class SopTemplateCommunity(Base):
    """A community an SOP plans for."""

    __tablename__ = "sop_template_communities"

    template_id: Mapped[int] = link_key("sop_templates")
    community_id: Mapped[int] = link_key("communities", index=True)


class SopException(Base):
    """One occurrence of a recurring SOP skipped, or moved / reworded."""

    __tablename__ = "sop_exceptions"
    __table_args__ = (
        one_of("action", EXCEPTION_ACTIONS),
        CheckConstraint(
            "action = 'edit' OR (planned_at IS NULL AND title IS NULL AND body IS NULL)",
            name="skip_has_no_edit",
        ),
    )

    template_id: Mapped[int] = link_key("sop_templates")
    occurrence: Mapped[datetime] = mapped_column(DateTime, primary_key=True)
    action: Mapped[str] = mapped_column(String(5))
    planned_at: Mapped[datetime | None] = mapped_column(DateTime)
    title: Mapped[str | None] = mapped_column(String(MAX_TITLE_CHARS))
    body: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    who: Mapped[str] = mapped_column(String(100), default="")


class SopStep(Base):
    """One day of a relative SOP: day N after the anchor, sent inside a window of the day."""

    __tablename__ = "sop_steps"
    __table_args__ = (
        CheckConstraint(between("day", 0, MAX_STEP_DAY), name="day_range"),
        CheckConstraint(
            f"window_start BETWEEN 0 AND {MINUTES_PER_DAY - 1}"
            f" AND window_end BETWEEN 1 AND {MINUTES_PER_DAY} AND window_start < window_end",
            name="window_in_day",
        ),
        one_of("content_kind", CONTENT_KINDS),
        text_length("title", MAX_TITLE_CHARS),
        UniqueConstraint("template_id", "day", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = references("sop_templates", ondelete="CASCADE")
    day: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(MAX_TITLE_CHARS))  # 欢迎, 引导, 邀请打卡…
    content_kind: Mapped[str] = mapped_column(String(10), default="text")
    body: Mapped[str] = mapped_column(Text, default="")
    window_start: Mapped[int] = mapped_column(Integer, default=9 * 60)  # minutes of the day
    window_end: Mapped[int] = mapped_column(Integer, default=21 * 60)
