"""points ledger: entries, allocations, versioned earn rules, catalogue, redemptions

The journal, its allocations and the rule versions are append-only: triggers on both engines
refuse UPDATE and DELETE (an entry may only change member, which merging members needs).

Create Date: 2026-11-23 19:01:02.335561
"""

import sqlalchemy as sa
from alembic import op

from db.migration_ops import (
    LEDGER_APPEND_ONLY_FUNCTION,
    append_only_triggers,
    check,
    create_id_table,
    create_indexes,
    drop_append_only_triggers,
    drop_table,
    foreign_key,
    one_of,
)

revision: str = "0005"
down_revision: str | None = "0004"

RULE_ACTIONS = (
    "checkin", "checkin_streak", "makeup_checkin", "message", "good_post", "answer", "event",
    "purchase", "invite", "share", "feedback", "birthday", "custom",
)  # fmt: skip


def upgrade() -> None:
    create_id_table(
        "ledger_rewards",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("points_cost", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("cost_cents", sa.Integer(), server_default="0", nullable=False),
        sa.Column("per_member_limit", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("kind", sa.String(length=10), server_default="physical", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        one_of("ledger_rewards", "kind", ("physical", "virtual")),
        check("ledger_rewards", "cost_cents", "cost_cents >= 0"),
        check("ledger_rewards", "limit", "per_member_limit IS NULL OR per_member_limit > 0"),
        check("ledger_rewards", "points_cost", "points_cost > 0"),
        check("ledger_rewards", "stock", "stock IS NULL OR stock >= 0"),
    )
    create_id_table(
        "ledger_rules",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=True),
        sa.Column("qualifying", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("pending_days", sa.Integer(), server_default="0", nullable=False),
        sa.Column("expiry_days", sa.Integer(), nullable=True),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(length=100), server_default="", nullable=False),
        one_of("ledger_rules", "action", RULE_ACTIONS),
        check("ledger_rules", "daily_cap", "daily_cap IS NULL OR daily_cap >= 0"),
        check("ledger_rules", "expiry_days", "expiry_days IS NULL OR expiry_days > 0"),
        check("ledger_rules", "pending_days", "pending_days >= 0"),
        check("ledger_rules", "points", "points >= 0"),
        sa.UniqueConstraint("code", "version", name="uq_ledger_rules_code_version"),
    )
    create_id_table(
        "ledger_entries",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("qualifying", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("source", sa.String(length=20), server_default="manual", nullable=False),
        sa.Column("reference", sa.String(length=100), server_default="", nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("related_member_id", sa.Integer(), nullable=True),
        sa.Column("operator", sa.String(length=100), server_default="", nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("pending_until", sa.DateTime(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        check(
            "ledger_entries",
            "reverses",
            "(kind IN ('reversal', 'clawback')) = (reverses_id IS NOT NULL)",
        ),
        one_of(
            "ledger_entries", "kind", ("earn", "spend", "expire", "adjust", "clawback", "reversal")
        ),
        check(
            "ledger_entries",
            "points_sign",
            "points <> 0 AND (kind NOT IN ('earn') OR points > 0) AND (kind NOT IN ('spend', 'expire', 'clawback') OR points < 0)",
        ),
        foreign_key("ledger_entries", "member_id", "members", ondelete="RESTRICT"),
        foreign_key("ledger_entries", "related_member_id", "members", ondelete="SET NULL"),
        foreign_key("ledger_entries", "reverses_id", "ledger_entries", ondelete="RESTRICT"),
        foreign_key("ledger_entries", "rule_id", "ledger_rules", ondelete="RESTRICT"),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_ledger_entries_dedupe_key")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_ledger_entries_reverses_id")),
    )
    create_indexes(
        "ledger_entries",
        ("ix_ledger_entries_expiry", ["expires_on"]),
        ("ix_ledger_entries_member_time", ["member_id", "occurred_at", "id"]),
        "related_member_id",
        ("ix_ledger_entries_time", ["occurred_at"]),
    )

    create_id_table(
        "ledger_allocations",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("credit_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        check("ledger_allocations", "points", "points <> 0"),
        foreign_key("ledger_allocations", "credit_id", "ledger_entries", ondelete="RESTRICT"),
        foreign_key("ledger_allocations", "entry_id", "ledger_entries", ondelete="RESTRICT"),
        sa.UniqueConstraint("entry_id", "credit_id", name="uq_ledger_allocations_entry_credit"),
    )
    create_indexes("ledger_allocations", "credit_id", "entry_id")

    create_id_table(
        "ledger_redemptions",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("reward_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("cost_cents", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=12), server_default="to_deliver", nullable=False),
        sa.Column("spend_entry_id", sa.Integer(), nullable=False),
        sa.Column("refund_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("operator", sa.String(length=100), server_default="", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        one_of("ledger_redemptions", "status", ("to_deliver", "delivered", "used", "cancelled")),
        foreign_key("ledger_redemptions", "member_id", "members", ondelete="RESTRICT"),
        foreign_key("ledger_redemptions", "refund_entry_id", "ledger_entries", ondelete="RESTRICT"),
        foreign_key("ledger_redemptions", "reward_id", "ledger_rewards", ondelete="RESTRICT"),
        foreign_key("ledger_redemptions", "spend_entry_id", "ledger_entries", ondelete="RESTRICT"),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_redemptions_code")),
        sa.UniqueConstraint("spend_entry_id", name=op.f("uq_ledger_redemptions_spend_entry_id")),
    )
    create_indexes(
        "ledger_redemptions",
        "member_id",
        "reward_id",
        ("ix_ledger_redemptions_status_time", ["status", "created_at"]),
    )

    for statement in _trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in _drop_trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)
    drop_table("ledger_redemptions", "ix_ledger_redemptions_status_time", "reward_id", "member_id")
    drop_table("ledger_allocations", "entry_id", "credit_id")
    drop_table(
        "ledger_entries",
        "ix_ledger_entries_time",
        "related_member_id",
        "ix_ledger_entries_member_time",
        "ix_ledger_entries_expiry",
    )
    drop_table("ledger_rules")
    drop_table("ledger_rewards")


# Append-only tables, and the columns an UPDATE may still set (merging members). A later
# migration that rebuilds one of these tables in SQLite batch mode must create its triggers again.
APPEND_ONLY = {
    "ledger_entries": ("member_id", "related_member_id"),
    "ledger_allocations": (),
    "ledger_rules": (),
}
# Every column of each append-only table, as created above (UPDATE OF lists the forbidden ones).
COLUMNS = {
    "ledger_entries": (
        "id",
        "member_id",
        "kind",
        "points",
        "qualifying",
        "source",
        "reference",
        "dedupe_key",
        "rule_id",
        "reverses_id",
        "related_member_id",
        "operator",
        "reason",
        "occurred_at",
        "recorded_at",
        "pending_until",
        "expires_on",
    ),
    "ledger_allocations": ("id", "entry_id", "credit_id", "points"),
    "ledger_rules": (
        "id",
        "code",
        "version",
        "action",
        "name",
        "points",
        "daily_cap",
        "qualifying",
        "pending_days",
        "expiry_days",
        "enabled",
        "params",
        "created_at",
        "operator",
    ),
}


def _trigger_statements(dialect: str) -> list[str]:
    statements = []
    if dialect == "postgresql":
        statements.append(LEDGER_APPEND_ONLY_FUNCTION)
    for table, allowed in APPEND_ONLY.items():
        forbidden = [c for c in COLUMNS[table] if c not in allowed]
        statements += append_only_triggers(dialect, table, forbidden)
    return statements


def _drop_trigger_statements(dialect: str) -> list[str]:
    statements = [s for table in APPEND_ONLY for s in drop_append_only_triggers(dialect, table)]
    if dialect == "postgresql":
        statements.append("DROP FUNCTION IF EXISTS ledger_append_only()")
    return statements
