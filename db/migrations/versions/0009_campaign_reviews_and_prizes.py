"""campaign reviews (风控审核); campaign prizes in the fulfilment queue

New table `campaign_reviews`: each reviewer's action on a campaign's reward (approve, reject
with a reason) or on a member (blacklist, which also bars them from later campaigns), with who,
when and why.

New table `campaign_tool_totals`: per-participant totals imported from a campaign tool's export
(LinkWeChat 群裂变 / 任务宝 明细): counts, not edges.

`ledger_redemptions` (the catalogue's fulfilment queue) also takes a campaign's prizes: issued
at no points (no spend entry), maybe not a catalogue item (`prize_name`), held for a reviewer
(`held`, with `review_by`) or waiting for its period (`pending`, with `pending_until`), found by
the decision key (`dedupe_key`). On SQLite the table is rebuilt, so its append-only triggers
(migration 0007) are written again. Existing redemptions keep every value.

Create Date: 2026-12-06 04:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

from db.migration_ops import (
    check,
    create_id_table,
    create_indexes,
    drop_table,
    earlier_migration,
    foreign_key,
    one_of,
)

revision: str = "0009"
down_revision: str | None = "0008"


REDEMPTIONS = "ledger_redemptions"
NEW_STATUSES = "('to_deliver', 'delivered', 'used', 'cancelled', 'held', 'pending')"
OLD_STATUSES = "('to_deliver', 'delivered', 'used', 'cancelled')"


def _redemption_triggers(dialect: str) -> list[str]:
    return [
        statement
        for statement in earlier_migration(
            __file__, "0007_bounds_and_recorded_merges.py"
        )._trigger_statements(dialect)
        if f" ON {REDEMPTIONS} " in statement and statement.startswith("CREATE TRIGGER")
    ]


def _points_range_sql() -> str:
    """The points check as 0007 left it (it may list rows kept past the bound)."""
    for constraint in sa.inspect(op.get_bind()).get_check_constraints(REDEMPTIONS):
        if constraint["name"] == "ck_ledger_redemptions_points_range":
            return constraint["sqltext"]
    raise RuntimeError("ledger_redemptions has no points_range check")


def _redemptions_up() -> None:
    dialect = op.get_bind().dialect.name
    points = _points_range_sql()
    with op.batch_alter_table(
        REDEMPTIONS, recreate="always" if dialect == "sqlite" else "auto"
    ) as batch:
        batch.add_column(sa.Column("dedupe_key", sa.String(length=120), nullable=True))
        batch.add_column(
            sa.Column("prize_name", sa.String(length=100), server_default="", nullable=False)
        )
        batch.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("review_by", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("pending_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("price_cents", sa.Integer(), nullable=True))
        batch.alter_column("reward_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("spend_entry_id", existing_type=sa.Integer(), nullable=True)
        batch.drop_constraint(op.f("ck_ledger_redemptions_status"), type_="check")
        batch.create_check_constraint(
            op.f("ck_ledger_redemptions_status"), f"status IN {NEW_STATUSES}"
        )
        batch.drop_constraint(op.f("ck_ledger_redemptions_points_range"), type_="check")
        batch.create_check_constraint(
            op.f("ck_ledger_redemptions_points_range"),
            f"(points = 0 AND spend_entry_id IS NULL) OR ({points})",
        )
        batch.create_check_constraint(
            op.f("ck_ledger_redemptions_spend"), "(spend_entry_id IS NULL) = (points = 0)"
        )
        batch.create_check_constraint(
            op.f("ck_ledger_redemptions_what"), "reward_id IS NOT NULL OR length(prize_name) > 0"
        )
        batch.create_unique_constraint(op.f("uq_ledger_redemptions_dedupe_key"), ["dedupe_key"])
        batch.create_foreign_key(
            op.f("fk_ledger_redemptions_campaign_id_campaigns"),
            "campaigns",
            ["campaign_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch.create_index(op.f("ix_ledger_redemptions_campaign_id"), ["campaign_id"], unique=False)
    if dialect == "sqlite":  # the rebuilt table lost its triggers
        for statement in _redemption_triggers(dialect):
            op.execute(statement)


def _redemptions_down() -> None:
    dialect = op.get_bind().dialect.name
    # Campaign prizes have no place in the old queue: dropped (the delete trigger stands aside).
    if dialect == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {REDEMPTIONS}_no_delete")
    else:
        op.execute(f"ALTER TABLE {REDEMPTIONS} DISABLE TRIGGER {REDEMPTIONS}_no_delete")
    op.execute(f"DELETE FROM {REDEMPTIONS} WHERE spend_entry_id IS NULL")
    if dialect != "sqlite":
        op.execute(f"ALTER TABLE {REDEMPTIONS} ENABLE TRIGGER {REDEMPTIONS}_no_delete")
    points = _points_range_sql().replace("(points = 0 AND spend_entry_id IS NULL) OR ", "", 1)
    with op.batch_alter_table(
        REDEMPTIONS, recreate="always" if dialect == "sqlite" else "auto"
    ) as batch:
        batch.drop_index(op.f("ix_ledger_redemptions_campaign_id"))
        batch.drop_constraint(
            op.f("fk_ledger_redemptions_campaign_id_campaigns"), type_="foreignkey"
        )
        batch.drop_constraint(op.f("uq_ledger_redemptions_dedupe_key"), type_="unique")
        batch.drop_constraint(op.f("ck_ledger_redemptions_what"), type_="check")
        batch.drop_constraint(op.f("ck_ledger_redemptions_spend"), type_="check")
        batch.drop_constraint(op.f("ck_ledger_redemptions_points_range"), type_="check")
        batch.create_check_constraint(op.f("ck_ledger_redemptions_points_range"), points)
        batch.drop_constraint(op.f("ck_ledger_redemptions_status"), type_="check")
        batch.create_check_constraint(
            op.f("ck_ledger_redemptions_status"), f"status IN {OLD_STATUSES}"
        )
        batch.alter_column("spend_entry_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("reward_id", existing_type=sa.Integer(), nullable=False)
        for column in (
            "price_cents", "pending_until", "review_by", "campaign_id", "prize_name", "dedupe_key"
        ):  # fmt: skip
            batch.drop_column(column)
    if dialect == "sqlite":
        for statement in _redemption_triggers(dialect):
            op.execute(statement)


def upgrade() -> None:
    _redemptions_up()
    _tool_totals_up()
    create_id_table(
        "campaign_reviews",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("reward_key", sa.String(length=120), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        one_of("campaign_reviews", "action", ("approve", "reject", "blacklist")),
        check(
            "campaign_reviews",
            "target",
            "(action = 'blacklist' AND member_id IS NOT NULL)"
            " OR (action <> 'blacklist' AND reward_key IS NOT NULL)",
        ),
        check("campaign_reviews", "reject_why", "action <> 'reject' OR length(why) > 0"),
        check("campaign_reviews", "who", "length(who) > 0"),
        foreign_key("campaign_reviews", "campaign_id", "campaigns", ondelete="CASCADE"),
        foreign_key("campaign_reviews", "member_id", "members", ondelete="CASCADE"),
    )
    create_indexes(
        "campaign_reviews",
        ("ix_campaign_reviews_campaign", ["campaign_id", "at"]),
        ("ix_campaign_reviews_member", ["member_id", "action"]),
    )


def _tool_totals_up() -> None:
    create_id_table(
        "campaign_tool_totals",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("community_name", sa.String(length=200), nullable=False),
        sa.Column("staff", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("new_customers", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        one_of("campaign_tool_totals", "source", ("linkwechat_group", "linkwechat_task")),
        one_of("campaign_tool_totals", "state", ("done", "not_done", "")),
        check("campaign_tool_totals", "new_customers", "new_customers BETWEEN 0 AND 1000000"),
        foreign_key("campaign_tool_totals", "campaign_id", "campaigns", ondelete="CASCADE"),
        foreign_key("campaign_tool_totals", "member_id", "members", ondelete="SET NULL"),
        sa.UniqueConstraint(
            "campaign_id",
            "source",
            "name",
            "community_name",
            name=op.f("uq_campaign_tool_totals_campaign_id"),
        ),
    )
    create_indexes("campaign_tool_totals", "member_id")


def downgrade() -> None:
    drop_table("campaign_tool_totals", "member_id")
    drop_table("campaign_reviews", "ix_campaign_reviews_member", "ix_campaign_reviews_campaign")
    _redemptions_down()
