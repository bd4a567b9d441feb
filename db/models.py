"""The ORM models: communities, members, memberships, tags, activity, settings, export log.

Names follow the glossary in DOMAIN.md. Every change to these models needs an
Alembic migration in db/migrations/versions; the schema is never created any other way.
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
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship
from sqlalchemy.sql.expression import false as sa_false

from db.bounds import MAX_MONEY_CENTS, between
from db.columns import link_key, one_of, references

# Stable constraint names, so migrations can refer to them on both SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PLATFORMS = ("wechat", "wecom", "qq", "other")  # 微信群 / 企业微信客户群 / QQ群 / 其他
ROLES = ("manager", "leader", "executor", "follower", "connector", "contributor")
GENDERS = ("", "m", "f")
ACTIVITY_KINDS = (
    "checkin",  # 签到
    "message",  # 发言
    "good_post",  # 优质内容
    "answer",  # 回答问题
    "event",  # 参加活动
    "purchase",  # 购买
    "invite",  # 邀请成功
    "share",  # 分享
    "feedback",  # 反馈
    "violation",  # 违规
    "reply",  # 引用回复 (chat history, migration 0011)
    "redpacket",  # 发红包 (chat history, migration 0011)
)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Community(Base):
    """社群: one WeChat/WeCom/QQ group the owner runs."""

    __tablename__ = "communities"
    __table_args__ = (
        one_of("platform", PLATFORMS),
        CheckConstraint("member_cap > 0 AND scan_cap > 0", name="caps_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    platform: Mapped[str] = mapped_column(String(10), default="wechat")
    theme: Mapped[str] = mapped_column(Text, default="")
    target_audience: Mapped[str] = mapped_column(Text, default="")
    rules_text: Mapped[str] = mapped_column(Text, default="")
    member_cap: Mapped[int] = mapped_column(Integer, default=500)
    scan_cap: Mapped[int] = mapped_column(Integer, default=200)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    created_on: Mapped[date] = mapped_column(Date, default=date.today)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when moved to the trash; the row stays until the trash is emptied.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    owner_member_id: Mapped[int | None] = references("members", ondelete="SET NULL")
    # Group QR tracker: the image as attached, what it decodes to, and when it was made.
    qr_image: Mapped[bytes | None] = mapped_column(LargeBinary)
    qr_content: Mapped[str | None] = mapped_column(Text)
    qr_generated_on: Mapped[date | None] = mapped_column(Date)
    qr_valid_days: Mapped[int | None] = mapped_column(Integer)  # None: the platform's default

    memberships: Mapped[list[Membership]] = relationship(back_populates="community")


class Member(Base):
    """成员: one person, across every community they are in."""

    __tablename__ = "members"
    __table_args__ = (one_of("gender", GENDERS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nickname: Mapped[str] = mapped_column(String(200), default="")
    remark: Mapped[str] = mapped_column(String(200), default="")  # 备注名
    wechat_id: Mapped[str | None] = mapped_column(String(100), index=True)  # 微信号
    wxid: Mapped[str | None] = mapped_column(String(100), index=True)
    unionid: Mapped[str | None] = mapped_column(String(100), index=True)
    external_userid: Mapped[str | None] = mapped_column(String(100), index=True)  # WeCom
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    gender: Mapped[str] = mapped_column(String(1), default="")
    birthday: Mapped[date | None] = mapped_column(Date)
    city: Mapped[str] = mapped_column(String(50), default="")
    source_channel: Mapped[str] = mapped_column(String(50), default="")
    # Derived from referral_edges (core.referrals.edges.refresh_inviters): the first verified
    # edge's inviter, else the first pending one's. Kept for what reads one inviter.
    inviter_id: Mapped[int | None] = references("members", ondelete="SET NULL")
    notes: Mapped[str] = mapped_column(Text, default="")
    custom_fields: Mapped[dict] = mapped_column(JSON, default=dict)
    is_team: Mapped[bool] = mapped_column(Boolean, default=False)  # owner/staff: no statistics
    # Search keys derived on write (core.members.search_keys), indexed for the search box.
    search_pinyin: Mapped[str] = mapped_column(String(400), default="")
    search_initials: Mapped[str] = mapped_column(String(200), default="")
    phone_tail: Mapped[str] = mapped_column(String(4), default="", index=True)
    # Everything the search box matches, lower-cased in one column: one LIKE scans it.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    last_active_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    # A member merged into another stays (for undo) but is hidden from every list.
    merged_into_id: Mapped[int | None] = references("members", ondelete="SET NULL", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)

    memberships: Mapped[list[Membership]] = relationship(back_populates="member")


class Membership(Base):
    """入群记录: a member in a community, with the group nickname and role there."""

    __tablename__ = "memberships"
    __table_args__ = (
        one_of("role", ROLES),
        UniqueConstraint("member_id", "community_id"),
        Index("ix_memberships_community_left", "community_id", "left_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = references("members", ondelete="CASCADE", index=True)
    community_id: Mapped[int] = references("communities", ondelete="CASCADE")
    group_nickname: Mapped[str] = mapped_column(String(200), default="")
    joined_at: Mapped[datetime | None] = mapped_column(DateTime)
    left_at: Mapped[datetime | None] = mapped_column(DateTime)
    join_channel: Mapped[str] = mapped_column(String(50), default="")
    role: Mapped[str] = mapped_column(String(20), default="follower")
    is_seed_user: Mapped[bool] = mapped_column(Boolean, default=False)  # 种子用户
    # 等级 in this community: a key of the community's ladder (core.tiers.ladder).
    level: Mapped[str] = mapped_column(String(30), default="newcomer", server_default="newcomer")
    level_since: Mapped[datetime | None] = mapped_column(DateTime)
    # The last promotion starts the grace period in which no demotion happens.
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime)
    level_locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    member: Mapped[Member] = relationship(back_populates="memberships")
    community: Mapped[Community] = relationship(back_populates="memberships")


class MembershipEvent(Base):
    """A join or leave of a member in a community, as seen by an import or entered by hand."""

    __tablename__ = "membership_events"
    __table_args__ = (
        CheckConstraint("kind IN ('join', 'leave')", name="kind"),
        Index("ix_membership_events_community_time", "community_id", "occurred_at"),
        Index("ix_membership_events_member", "member_id", "community_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = references("members", ondelete="CASCADE")
    community_id: Mapped[int] = references("communities", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(10))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(20), default="manual")  # import/manual/demo


class GroupNicknameHistory(Base):
    """Every group nickname a member has been seen with in a community (群昵称 changes)."""

    __tablename__ = "group_nickname_history"
    __table_args__ = (Index("ix_group_nickname_history_pair", "member_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = references("members", ondelete="CASCADE")
    community_id: Mapped[int] = references("communities", ondelete="CASCADE")
    nickname: Mapped[str] = mapped_column(String(200))
    seen_at: Mapped[datetime] = mapped_column(DateTime)


class ImportBatch(Base):
    """One confirmed import: which file, when, by whom, and what it did."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    operator: Mapped[str] = mapped_column(String(100), default="")
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    linked: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)


class NotSamePerson(Base):
    """The user said these two members are different people: never suggest merging them."""

    __tablename__ = "not_same_person"
    __table_args__ = (CheckConstraint("member_a_id < member_b_id", name="ordered"),)

    member_a_id: Mapped[int] = link_key("members")
    member_b_id: Mapped[int] = link_key("members")
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)


class MemberMerge(Base):
    """合并: `merged_id` was folded into `kept_id`; `moved` records what moved, for undo."""

    __tablename__ = "member_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = references("members", ondelete="CASCADE", index=True)
    merged_id: Mapped[int] = references("members", ondelete="CASCADE")
    merged_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    moved: Mapped[dict] = mapped_column(JSON, default=dict)


class Tag(Base):
    """标签 that operators put on members."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)


class MemberTag(Base):
    __tablename__ = "member_tags"

    member_id: Mapped[int] = link_key("members")
    tag_id: Mapped[int] = link_key("tags", index=True)


class ActivityEvent(Base):
    """行为记录: one thing a member did, on a day, in a community."""

    __tablename__ = "activity_events"
    __table_args__ = (
        one_of("kind", ACTIVITY_KINDS),
        CheckConstraint(between("amount_cents", 0, MAX_MONEY_CENTS), name="amount_cents_range"),
        # Covers the level figures' GROUP BY member, community (core.tiers.figures): the
        # aggregation reads the index in order instead of sorting millions of rows.
        Index(
            "ix_activity_member_community_time", "member_id", "community_id", "occurred_at", "kind"
        ),
        Index("ix_activity_community_time", "community_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = references("members", ondelete="CASCADE")
    community_id: Mapped[int | None] = references("communities", ondelete="SET NULL")
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    amount_cents: Mapped[int] = mapped_column(Integer, default=0)  # purchases, in fen
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual/import/paste/demo
    # Identifies where the event came from, so re-importing the same input adds nothing.
    source_ref: Mapped[str | None] = mapped_column(String(100), index=True)


class _MemberChange:
    """A member's standing in a community changed: when, why, by whom (each table adds its own
    from / to columns), found by member and by community and time."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (Index(f"ix_{cls.__tablename__}_community_time", "community_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = references("members", ondelete="CASCADE", index=True)
    community_id: Mapped[int] = references("communities", ondelete="CASCADE")
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    operator: Mapped[str] = mapped_column(String(100), default="")


class LevelChange(_MemberChange, Base):
    """等级变化: a member's level in a community moved (kept for the flow matrix)."""

    __tablename__ = "level_changes"

    from_level: Mapped[str | None] = mapped_column(String(30))
    to_level: Mapped[str] = mapped_column(String(30))
    cause: Mapped[str] = mapped_column(String(20))  # promote / demote / manual / lock / unlock


class RoleChange(_MemberChange, Base):
    """角色变化: a member's role in a community changed."""

    __tablename__ = "role_changes"

    from_role: Mapped[str | None] = mapped_column(String(20))
    to_role: Mapped[str] = mapped_column(String(20))


class Setting(Base):
    """A user-editable setting, stored as JSON (limits, ladders, presets...)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON)


class ExportLog(Base):
    """Every export of personal data: who, when, what, how many rows, masked or not (PIPL)."""

    __tablename__ = "export_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    exported_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    operator: Mapped[str] = mapped_column(String(100))
    what: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(Text)
    row_count: Mapped[int] = mapped_column(Integer)
    masked: Mapped[bool] = mapped_column(Boolean)


class DataRepair(Base):
    """A value an upgrade found past a bound (db.bounds) and what it did about it, and why:
    the log kept in the database, beside the data it explains."""

    __tablename__ = "data_repairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    repaired_at: Mapped[datetime] = mapped_column(DateTime)
    revision: Mapped[str] = mapped_column(String(32))  # the migration that did it
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[int] = mapped_column(Integer)
    column_name: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str] = mapped_column(Text)  # as text: it may not fit an INTEGER
    # clamped / reversed / adjusted / used_up / new_version / kept (named in the constraint)
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)


from db import ledger_models  # noqa: E402,F401

from db import poster_models  # noqa: E402,F401  # isort: skip

from db import referral_models  # noqa: E402,F401  # isort: skip

from db import campaign_fact_models  # noqa: E402,F401  # isort: skip
from db import chat_models  # noqa: E402,F401  # isort: skip

from db import calendar_models  # noqa: E402,F401  # isort: skip

from db import material_models  # noqa: E402,F401  # isort: skip
