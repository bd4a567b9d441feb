"""phone tail index: the search box finds a member by the last four digits of the phone

Create Date: 2026-11-23 16:29:52.955532
"""

from db.migration_ops import create_indexes, drop_indexes

revision: str = "0002"
down_revision: str | None = "0001"


def upgrade() -> None:
    create_indexes("members", "phone_tail")


def downgrade() -> None:
    drop_indexes("members", "phone_tail")
