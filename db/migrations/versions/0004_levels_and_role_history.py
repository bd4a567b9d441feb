"""levels and role history

Create Date: 2026-11-23 18:57:49.612304
"""

import sqlalchemy as sa
from alembic import op

from db.migration_ops import (
    create_id_table,
    create_indexes,
    drop_table,
    foreign_key,
)

revision: str = "0004"
down_revision: str | None = "0003"


def _change_history(table: str, what: str, length: int, *extra: sa.Column) -> None:
    """`table`: a member's `what` in a community changed from, to, when, why, by whom."""
    create_id_table(
        table,
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column(f"from_{what}", sa.String(length=length), nullable=True),
        sa.Column(f"to_{what}", sa.String(length=length), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        *extra,
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        foreign_key(table, "community_id", "communities", ondelete="CASCADE"),
        foreign_key(table, "member_id", "members", ondelete="CASCADE"),
    )
    create_indexes(
        table, (f"ix_{table}_community_time", ["community_id", "changed_at"]), "member_id"
    )


def upgrade() -> None:
    _change_history(
        "level_changes", "level", 30, sa.Column("cause", sa.String(length=20), nullable=False)
    )
    _change_history("role_changes", "role", 20)

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

    for table in ("role_changes", "level_changes"):
        drop_table(table, "member_id", f"ix_{table}_community_time")
