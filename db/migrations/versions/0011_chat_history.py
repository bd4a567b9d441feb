"""chat history import: chats linked to communities, the groups' name history, imported
messages (sender, time, kind, length; text only when kept), two activity kinds

New tables `community_chats` (chat id → community), `community_names` (renames seen in a chat)
and `chat_messages` (one row per imported message, found again by its dedupe key).
`activity_events.kind` takes two more kinds: `reply` (引用回复: a message quoting another's)
and `redpacket` (发红包). Every other chat message kind maps onto an existing activity kind.
On SQLite the activity table is rebuilt to change its CHECK; every row and index stays.

Numbered 0011 for the merge with 0010 (written at the same time); on its own branch it
follows 0009.

Create Date: 2026-12-06 06:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

from db.migration_ops import (
    create_id_table,
    earlier_migration,
    foreign_key,
    in_list,
)

revision: str = "0011"
down_revision: str | None = "0010"

OLD_KINDS = earlier_migration(__file__, "0001_initial_schema.py").ACTIVITY_KINDS
NEW_KINDS = (*OLD_KINDS, "reply", "redpacket")


def _set_kinds(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("activity_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_activity_events_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_activity_events_kind"), in_list("kind", kinds))


def upgrade() -> None:
    create_id_table(
        "community_chats",
        sa.Column("chat_id", sa.String(length=100), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=30), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        foreign_key("community_chats", "community_id", "communities", ondelete="CASCADE"),
        sa.UniqueConstraint("chat_id", name=op.f("uq_community_chats_chat_id")),
    )
    op.create_index(op.f("ix_community_chats_community_id"), "community_chats", ["community_id"])
    create_id_table(
        "community_names",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("by_member_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        foreign_key("community_names", "by_member_id", "members", ondelete="SET NULL"),
        foreign_key("community_names", "community_id", "communities", ondelete="CASCADE"),
        sa.UniqueConstraint(
            "community_id",
            "name",
            "changed_at",
            name=op.f("uq_community_names_community_id"),
        ),
    )
    create_id_table(
        "chat_messages",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("quoted_member_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("source_ref", sa.String(length=100), nullable=False),
        foreign_key("chat_messages", "community_id", "communities", ondelete="CASCADE"),
        foreign_key("chat_messages", "member_id", "members", ondelete="CASCADE"),
        foreign_key("chat_messages", "quoted_member_id", "members", ondelete="SET NULL"),
        sa.UniqueConstraint("source_ref", name=op.f("uq_chat_messages_source_ref")),
    )
    op.create_index("ix_chat_messages_community_time", "chat_messages", ["community_id", "sent_at"])
    op.create_index("ix_chat_messages_member_time", "chat_messages", ["member_id", "sent_at"])
    _set_kinds(NEW_KINDS)


def downgrade() -> None:
    op.execute(f"DELETE FROM activity_events WHERE kind IN {('reply', 'redpacket')!r}")
    _set_kinds(OLD_KINDS)
    op.drop_index("ix_chat_messages_member_time", table_name="chat_messages")
    op.drop_index("ix_chat_messages_community_time", table_name="chat_messages")
    op.drop_table("chat_messages")
    op.drop_table("community_names")
    op.drop_index(op.f("ix_community_chats_community_id"), table_name="community_chats")
    op.drop_table("community_chats")
