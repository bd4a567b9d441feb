"""evergreen content items: marked 常青, re-planned after they were sent

`content_items.evergreen` (常青: content that stays good — a guide, a FAQ, a favourite recipe —
and may be sent again later; false for every item so far) and `content_items.recycled_from_id`
(the sent item a re-planned copy came from; SET NULL when that one is deleted). Nothing else
changes; the way down drops both columns.

Create Date: 2026-12-06 09:45:00
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"


def upgrade() -> None:
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("evergreen", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("recycled_from_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_content_items_recycled_from_id"), ["recycled_from_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_content_items_recycled_from_id_content_items"),
            "content_items",
            ["recycled_from_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_content_items_recycled_from_id_content_items"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_content_items_recycled_from_id"))
        batch_op.drop_column("recycled_from_id")
        batch_op.drop_column("evergreen")
