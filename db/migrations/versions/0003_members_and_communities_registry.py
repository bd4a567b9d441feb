"""members and communities registry

Create Date: 2026-11-23 16:42:37.726934
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

revision: str = "0003"
down_revision: str | None = "0002"


def upgrade() -> None:
    create_id_table(
        "import_batches",
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("linked", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
    )
    create_indexes("import_batches", "file_sha256")

    create_id_table(
        "member_merges",
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("moved", sa.JSON(), nullable=False),
        foreign_key("member_merges", "kept_id", "members", ondelete="CASCADE"),
        foreign_key("member_merges", "merged_id", "members", ondelete="CASCADE"),
    )
    create_indexes("member_merges", "kept_id")

    create_link_table(
        "not_same_person",
        ("member_a_id", "members"),
        ("member_b_id", "members"),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        check("not_same_person", "ordered", "member_a_id < member_b_id"),
        index_second=False,
    )
    create_id_table(
        "group_nickname_history",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("nickname", sa.String(length=200), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        foreign_key("group_nickname_history", "community_id", "communities", ondelete="CASCADE"),
        foreign_key("group_nickname_history", "member_id", "members", ondelete="CASCADE"),
    )
    create_indexes(
        "group_nickname_history",
        ("ix_group_nickname_history_pair", ["member_id", "community_id"]),
    )

    create_id_table(
        "membership_events",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        one_of("membership_events", "kind", ("join", "leave")),
        foreign_key("membership_events", "community_id", "communities", ondelete="CASCADE"),
        foreign_key("membership_events", "member_id", "members", ondelete="CASCADE"),
    )
    create_indexes(
        "membership_events",
        ("ix_membership_events_community_time", ["community_id", "occurred_at"]),
        ("ix_membership_events_member", ["member_id", "community_id"]),
    )

    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_member_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("qr_image", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("qr_content", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("qr_generated_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("qr_valid_days", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_communities_owner_member_id_members"),
            "members",
            ["owner_member_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("last_active_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_members_last_active_at"), ["last_active_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_members_merged_into_id"), ["merged_into_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_members_merged_into_id_members"),
            "members",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )

    backfill_members()


def backfill_members() -> None:
    """Fill the new derived columns for members that already exist (same format as
    core.members.search_keys.search_text: lower-cased names and keys, space-joined)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    group_nicknames = (
        "(SELECT group_concat(group_nickname, ' ') FROM memberships m "
        "WHERE m.member_id = members.id AND m.group_nickname <> '')"
        if sqlite
        else "(SELECT string_agg(group_nickname, ' ') FROM memberships m "
        "WHERE m.member_id = members.id AND m.group_nickname <> '')"
    )
    op.execute(
        "UPDATE members SET search_text = lower(trim(nickname || ' ' || remark || ' ' || "
        "coalesce(wechat_id, '') || ' ' || search_pinyin || ' ' || search_initials || ' ' || "
        f"coalesce({group_nicknames}, '')))"
    )
    op.execute(
        "UPDATE members SET last_active_at = (SELECT max(occurred_at) FROM activity_events a "
        "WHERE a.member_id = members.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_members_merged_into_id_members"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_members_merged_into_id"))
        batch_op.drop_index(batch_op.f("ix_members_last_active_at"))
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("last_active_at")
        batch_op.drop_column("search_text")

    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_communities_owner_member_id_members"), type_="foreignkey"
        )
        batch_op.drop_column("qr_valid_days")
        batch_op.drop_column("qr_generated_on")
        batch_op.drop_column("qr_content")
        batch_op.drop_column("qr_image")
        batch_op.drop_column("owner_member_id")

    drop_table(
        "membership_events", "ix_membership_events_member", "ix_membership_events_community_time"
    )
    drop_table("group_nickname_history", "ix_group_nickname_history_pair")
    drop_table("not_same_person")
    drop_table("member_merges", "kept_id")
    drop_table("import_batches", "file_sha256")
