"""levels and role history

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:57:49.612304
"""

import sqlalchemy as sa
from alembic import op

from db.migration_ops import create_indexes, drop_indexes, foreign_key, id_column, primary_key

revision: str = "0004"
down_revision: str | None = "0003"


def upgrade() -> None:
    op.create_table(
        "level_changes",
        id_column(),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("from_level", sa.String(length=30), nullable=True),
        sa.Column("to_level", sa.String(length=30), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("cause", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        foreign_key("level_changes", "community_id", "communities", ondelete="CASCADE"),
        foreign_key("level_changes", "member_id", "members", ondelete="CASCADE"),
        primary_key("level_changes"),
    )
    create_indexes(
        "level_changes",
        ("ix_level_changes_community_time", ["community_id", "changed_at"]),
        "member_id",
    )

    op.create_table(
        "role_changes",
        id_column(),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("from_role", sa.String(length=20), nullable=True),
        sa.Column("to_role", sa.String(length=20), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        foreign_key("role_changes", "community_id", "communities", ondelete="CASCADE"),
        foreign_key("role_changes", "member_id", "members", ondelete="CASCADE"),
        primary_key("role_changes"),
    )
    create_indexes(
        "role_changes",
        ("ix_role_changes_community_time", ["community_id", "changed_at"]),
        "member_id",
    )

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("level", sa.String(length=30), server_default="newcomer", nullable=False)
        )
        batch_op.add_column(sa.Column("level_since", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("promoted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("level_locked", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("activity_events", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_member_time")
        batch_op.create_index(
            "ix_activity_member_community_time",
            ["member_id", "community_id", "occurred_at", "kind"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("activity_events", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_member_community_time")
        batch_op.create_index("ix_activity_member_time", ["member_id", "occurred_at"], unique=False)
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("level_locked")
        batch_op.drop_column("promoted_at")
        batch_op.drop_column("level_since")
        batch_op.drop_column("level")

    drop_indexes("role_changes", "member_id", "ix_role_changes_community_time")

    op.drop_table("role_changes")
    drop_indexes("level_changes", "member_id", "ix_level_changes_community_time")

    op.drop_table("level_changes")
