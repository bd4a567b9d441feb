"""initial schema

Create Date: 2026-11-23 16:22:58.932820
"""

import sqlalchemy as sa
from alembic import op

from db.migration_ops import (
    check,
    create_id_table,
    create_indexes,
    create_link_table,
    drop_table,
    foreign_key,
    one_of,
)

revision: str = "0001"
down_revision: str | None = None

ACTIVITY_KINDS = (
    "checkin", "message", "good_post", "answer", "event", "purchase", "invite", "share",
    "feedback", "violation",
)  # fmt: skip


def upgrade() -> None:
    create_id_table(
        "communities",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("platform", sa.String(length=10), nullable=False),
        sa.Column("theme", sa.Text(), nullable=False),
        sa.Column("target_audience", sa.Text(), nullable=False),
        sa.Column("rules_text", sa.Text(), nullable=False),
        sa.Column("member_cap", sa.Integer(), nullable=False),
        sa.Column("scan_cap", sa.Integer(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        one_of("communities", "platform", ("wechat", "wecom", "qq", "other")),
        check("communities", "caps_positive", "member_cap > 0 AND scan_cap > 0"),
    )
    create_id_table(
        "export_log",
        sa.Column("exported_at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("masked", sa.Boolean(), nullable=False),
    )
    create_id_table(
        "members",
        sa.Column("nickname", sa.String(length=200), nullable=False),
        sa.Column("remark", sa.String(length=200), nullable=False),
        sa.Column("wechat_id", sa.String(length=100), nullable=True),
        sa.Column("wxid", sa.String(length=100), nullable=True),
        sa.Column("unionid", sa.String(length=100), nullable=True),
        sa.Column("external_userid", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("city", sa.String(length=50), nullable=False),
        sa.Column("source_channel", sa.String(length=50), nullable=False),
        sa.Column("inviter_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("custom_fields", sa.JSON(), nullable=False),
        sa.Column("is_team", sa.Boolean(), nullable=False),
        sa.Column("search_pinyin", sa.String(length=400), nullable=False),
        sa.Column("search_initials", sa.String(length=200), nullable=False),
        sa.Column("phone_tail", sa.String(length=4), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        one_of("members", "gender", ("", "m", "f")),
        foreign_key("members", "inviter_id", "members", ondelete="SET NULL"),
    )
    create_indexes("members", "external_userid", "phone", "unionid", "wechat_id", "wxid")

    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    create_id_table(
        "tags",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
    )
    create_id_table(
        "activity_events",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.String(length=100), nullable=True),
        one_of("activity_events", "kind", ACTIVITY_KINDS),
        foreign_key("activity_events", "community_id", "communities", ondelete="SET NULL"),
        foreign_key("activity_events", "member_id", "members", ondelete="CASCADE"),
    )
    create_indexes(
        "activity_events",
        ("ix_activity_community_time", ["community_id", "occurred_at"]),
        "source_ref",
        ("ix_activity_member_time", ["member_id", "occurred_at"]),
    )

    create_link_table("member_tags", ("member_id", "members"), ("tag_id", "tags"))

    create_id_table(
        "memberships",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("group_nickname", sa.String(length=200), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=True),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        sa.Column("join_channel", sa.String(length=50), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("is_seed_user", sa.Boolean(), nullable=False),
        one_of(
            "memberships",
            "role",
            ("manager", "leader", "executor", "follower", "connector", "contributor"),
        ),
        foreign_key("memberships", "community_id", "communities", ondelete="CASCADE"),
        foreign_key("memberships", "member_id", "members", ondelete="CASCADE"),
        sa.UniqueConstraint("member_id", "community_id", name=op.f("uq_memberships_member_id")),
    )
    create_indexes(
        "memberships",
        ("ix_memberships_community_left", ["community_id", "left_at"]),
        "member_id",
    )


def downgrade() -> None:
    drop_table("memberships", "member_id", "ix_memberships_community_left")
    drop_table("member_tags", "tag_id")
    drop_table(
        "activity_events", "ix_activity_member_time", "source_ref", "ix_activity_community_time"
    )
    drop_table("tags")
    drop_table("settings")
    drop_table("members", "wxid", "wechat_id", "unionid", "phone", "external_userid")
    drop_table("export_log")
    drop_table("communities")
