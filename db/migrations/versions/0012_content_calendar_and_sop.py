"""content calendar: items, their communities and history; SOP templates

New tables for the content calendar (db/calendar_models.py): `content_items` (status 草稿 →
待审核 → 已排期 → 已发送 → 已复盘, results, reviewer notes apart from the body, the campaign
and the SOP occurrence it came from, UNIQUE per template and occurrence so generating twice
adds nothing), `content_item_communities` (sent per community), `content_item_history`
(approvals: who, when, why), `sop_templates` (RRULE or relative), `sop_template_communities`,
`sop_exceptions` (one occurrence skipped or edited) and `sop_steps` (day N, send window).
Nothing existing changes; the way down drops the tables.

Written beside 0011 (chat history) and placed after it at the merge.

Create Date: 2026-12-06 07:08:08.538287
"""

import sqlalchemy as sa
from alembic import op

from db.migration_ops import (
    check,
    create_id_table,
    create_indexes,
    create_link_table,
    drop_table,
    foreign_key,
    one_of,
)

revision: str = "0012"
down_revision: str | None = "0011"

HISTORY_ACTIONS = (
    "created", "edited", "moved", "submitted", "approved", "rejected", "scheduled", "sent",
    "reviewed", "returned", "unscheduled",
)  # fmt: skip

# What an item, an SOP and its steps send.
CONTENT_KINDS = (
    "text", "image", "video", "live", "event", "qa", "poll", "lottery", "checkin", "chain",
)  # fmt: skip


def upgrade() -> None:
    create_id_table(
        "sop_templates",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sop_kind", sa.String(length=15), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("rrule", sa.String(length=500), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("end_count", sa.Integer(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("anchor", sa.String(length=20), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content_kind", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("promotional", sa.Boolean(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        check(
            "sop_templates",
            "mode_fields",
            "(mode = 'recurring' AND rrule IS NOT NULL AND starts_at IS NOT NULL AND anchor IS NULL) OR (mode = 'relative' AND rrule IS NULL AND anchor IS NOT NULL)",
        ),
        check(
            "sop_templates",
            "anchor",
            "anchor IS NULL OR anchor IN ('member_joined', 'community_created')",
        ),
        one_of("sop_templates", "content_kind", CONTENT_KINDS),
        one_of("sop_templates", "mode", ("recurring", "relative")),
        one_of(
            "sop_templates",
            "sop_kind",
            ("newcomer", "festival", "conversion", "new_group", "periodic", "announcement"),
        ),
        check(
            "sop_templates", "end_count_range", "end_count IS NULL OR end_count BETWEEN 1 AND 10000"
        ),
        check("sop_templates", "one_end", "end_count IS NULL OR end_on IS NULL"),
        check("sop_templates", "name_length", "length(name) BETWEEN 1 AND 100"),
        sa.UniqueConstraint("name", name=op.f("uq_sop_templates_name")),
    )
    create_id_table(
        "content_items",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("promotional", sa.Boolean(), nullable=False),
        sa.Column("replies", sa.Integer(), nullable=True),
        sa.Column("joins", sa.Integer(), nullable=True),
        sa.Column("sales_cents", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("reviewer_notes", sa.Text(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("sent_by", sa.String(length=100), nullable=True),
        sa.Column("sop_template_id", sa.Integer(), nullable=True),
        sa.Column("sop_occurrence", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        check(
            "content_items",
            "sent_when_sent",
            "(status IN ('sent', 'reviewed') AND sent_at IS NOT NULL AND sent_by IS NOT NULL) OR (status NOT IN ('sent', 'reviewed') AND sent_at IS NULL AND sent_by IS NULL)",
        ),
        one_of("content_items", "kind", CONTENT_KINDS),
        one_of(
            "content_items", "status", ("draft", "pending_review", "scheduled", "sent", "reviewed")
        ),
        check(
            "content_items",
            "sop_occurrence_with_template",
            "(sop_template_id IS NULL AND sop_occurrence IS NULL) OR (sop_template_id IS NOT NULL AND sop_occurrence IS NOT NULL)",
        ),
        check("content_items", "joins_range", "joins IS NULL OR joins BETWEEN 0 AND 1000000"),
        check("content_items", "title_length", "length(title) BETWEEN 1 AND 200"),
        check("content_items", "replies_range", "replies IS NULL OR replies BETWEEN 0 AND 1000000"),
        check(
            "content_items",
            "sales_range",
            "sales_cents IS NULL OR sales_cents BETWEEN 0 AND 1000000000",
        ),
        foreign_key("content_items", "campaign_id", "campaigns", ondelete="SET NULL"),
        foreign_key("content_items", "sop_template_id", "sop_templates"),
        sa.UniqueConstraint(
            "sop_template_id", "sop_occurrence", name=op.f("uq_content_items_sop_template_id")
        ),
    )
    create_indexes("content_items", "campaign_id", "planned_at")

    op.create_table(
        "sop_exceptions",
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=5), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("who", sa.String(length=100), nullable=False),
        check(
            "sop_exceptions",
            "skip_has_no_edit",
            "action = 'edit' OR (planned_at IS NULL AND title IS NULL AND body IS NULL)",
        ),
        one_of("sop_exceptions", "action", ("skip", "edit")),
        foreign_key("sop_exceptions", "template_id", "sop_templates", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("template_id", "occurrence", name=op.f("pk_sop_exceptions")),
    )
    create_id_table(
        "sop_steps",
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content_kind", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("window_end", sa.Integer(), nullable=False),
        one_of("sop_steps", "content_kind", CONTENT_KINDS),
        check("sop_steps", "day_range", "day BETWEEN 0 AND 366"),
        check("sop_steps", "title_length", "length(title) BETWEEN 1 AND 200"),
        check(
            "sop_steps",
            "window_in_day",
            "window_start BETWEEN 0 AND 1439 AND window_end BETWEEN 1 AND 1440 AND window_start < window_end",
        ),
        foreign_key("sop_steps", "template_id", "sop_templates", ondelete="CASCADE"),
        sa.UniqueConstraint("template_id", "day", "title", name=op.f("uq_sop_steps_template_id")),
    )
    create_link_table(
        "content_item_communities",
        ("item_id", "content_items"),
        ("community_id", "communities"),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("sent_by", sa.String(length=100), nullable=True),
        check(
            "content_item_communities",
            "sent_with_who",
            "(sent_at IS NULL AND sent_by IS NULL) OR (sent_at IS NOT NULL AND sent_by IS NOT NULL)",
        ),
    )

    create_id_table(
        "content_item_history",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=15), nullable=False),
        sa.Column("from_status", sa.String(length=15), nullable=True),
        sa.Column("to_status", sa.String(length=15), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        one_of("content_item_history", "action", HISTORY_ACTIONS),
        check(
            "content_item_history",
            "reason_given",
            "action NOT IN ('rejected', 'returned') OR length(reason) > 0",
        ),
        foreign_key("content_item_history", "item_id", "content_items", ondelete="CASCADE"),
    )
    create_indexes("content_item_history", "item_id")

    create_link_table(
        "sop_template_communities",
        ("template_id", "sop_templates"),
        ("community_id", "communities"),
    )


def downgrade() -> None:
    drop_table("sop_template_communities", "community_id")
    drop_table("content_item_history", "item_id")
    drop_table("content_item_communities", "community_id")
    drop_table("sop_steps")
    drop_table("sop_exceptions")
    drop_table("content_items", "planned_at", "campaign_id")
    drop_table("sop_templates")
