"""phone tail index: the search box finds a member by the last four digits of the phone

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:29:52.955532
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_members_phone_tail"), ["phone_tail"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_members_phone_tail"))
