"""campaign reviews (风控审核)

New table `campaign_reviews`: each reviewer's action on a campaign's reward (approve, reject
with a reason) or on a member (blacklist, which also bars them from later campaigns), with who,
when and why. Nothing already stored changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 04:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("reward_key", sa.String(length=120), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "action IN ('approve', 'reject', 'blacklist')",
            name=op.f("ck_campaign_reviews_action"),
        ),
        sa.CheckConstraint(
            "(action = 'blacklist' AND member_id IS NOT NULL)"
            " OR (action <> 'blacklist' AND reward_key IS NOT NULL)",
            name=op.f("ck_campaign_reviews_target"),
        ),
        sa.CheckConstraint(
            "action <> 'reject' OR length(why) > 0", name=op.f("ck_campaign_reviews_reject_why")
        ),
        sa.CheckConstraint("length(who) > 0", name=op.f("ck_campaign_reviews_who")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_reviews_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_campaign_reviews_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_reviews")),
    )
    with op.batch_alter_table("campaign_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_campaign_reviews_campaign", ["campaign_id", "at"], unique=False)
        batch_op.create_index("ix_campaign_reviews_member", ["member_id", "action"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("campaign_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_reviews_member")
        batch_op.drop_index("ix_campaign_reviews_campaign")
    op.drop_table("campaign_reviews")
