"""poster templates: the operator's saved templates (document JSON and the package zip)

Built-in templates ship in resources/templates/ and are not stored.

Create Date: 2026-11-23 20:01:34.307116
"""

import sqlalchemy as sa
from alembic import op

from db.migration_ops import (
    create_id_table,
)

revision: str = "0006"
down_revision: str | None = "0005"


def upgrade() -> None:
    create_id_table(
        "poster_templates",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("assets", sa.LargeBinary(), nullable=False),
        sa.Column("based_on", sa.String(length=60), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("key", name=op.f("uq_poster_templates_key")),
        sa.UniqueConstraint("name", name=op.f("uq_poster_templates_name")),
    )


def downgrade() -> None:
    op.drop_table("poster_templates")
