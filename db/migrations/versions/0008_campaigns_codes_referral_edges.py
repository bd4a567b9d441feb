"""campaigns, invite codes and referral edges

New tables: `campaigns` (+ `campaign_communities`), `invite_codes` (every code handed out,
found by value) and `referral_edges` (who brought whom; db/referral_models.py says how).

What the database already holds moves in:
- each member's custom field 邀请码 (codes imported from other tools, printed on posters) becomes
  a stored code of origin `imported`; a value that two members share stays with the first
  (lowest id) and the log names the other; a value no code can be (empty, longer than 32
  characters, not letters and digits) is left out and logged. Derived standing codes need no
  row: they are found by running the keyed permutation backwards.
- each `members.inviter_id` becomes a verified edge from the member import (how: direct_invite),
  dated when the member was added, so the inviter derived from the edges is the same as before.

Create Date: 2026-12-06 03:02:41.014391
"""

import logging
import re
import unicodedata
from datetime import datetime

import sqlalchemy as sa
from alembic import op

from db.migration_ops import (
    check,
    create_id_table,
    create_indexes,
    create_link_table,
    data_table,
    drop_table,
    foreign_key,
    one_of,
)

revision: str = "0008"
down_revision: str | None = "0007"

CAMPAIGN_KINDS = (
    "invite_code", "task_ladder", "poster", "group_buy", "help", "gift", "bargain", "coupon",
    "ranking", "swap", "lottery",
)  # fmt: skip

log = logging.getLogger("db.migrations")


def upgrade() -> None:
    create_id_table(
        "campaigns",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("goal_kind", sa.String(length=20), nullable=False),
        sa.Column("goal_target", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("budget_total_cents", sa.Integer(), nullable=True),
        sa.Column("budget_per_day_cents", sa.Integer(), nullable=True),
        sa.Column("budget_per_member_cents", sa.Integer(), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("copy", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        one_of("campaigns", "goal_kind", ("new_members", "sales", "checkins")),
        one_of("campaigns", "kind", CAMPAIGN_KINDS),
        one_of("campaigns", "status", ("draft", "running", "paused", "ended", "reviewed")),
        check(
            "campaigns",
            "budget_per_day_range",
            "budget_per_day_cents IS NULL OR budget_per_day_cents BETWEEN 0 AND 1000000000",
        ),
        check(
            "campaigns",
            "budget_per_member_range",
            "budget_per_member_cents IS NULL OR budget_per_member_cents BETWEEN 0 AND 1000000000",
        ),
        check(
            "campaigns",
            "budget_total_range",
            "budget_total_cents IS NULL OR budget_total_cents BETWEEN 0 AND 1000000000",
        ),
        check(
            "campaigns",
            "goal_target_range",
            "goal_target IS NULL OR goal_target BETWEEN 0 AND 1000000000",
        ),
        check(
            "campaigns",
            "dates_in_order",
            "starts_at IS NULL OR ends_at IS NULL OR ends_at >= starts_at",
        ),
        sa.UniqueConstraint("name", name=op.f("uq_campaigns_name")),
    )
    create_id_table(
        "invite_codes",
        sa.Column("value", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        check(
            "invite_codes",
            "origin_campaign",
            "(origin = 'campaign' AND campaign_id IS NOT NULL) OR (origin = 'standing' AND campaign_id IS NULL) OR origin = 'imported'",
        ),
        one_of("invite_codes", "origin", ("standing", "campaign", "imported")),
        check("invite_codes", "value_length", "length(value) BETWEEN 1 AND 32"),
        foreign_key("invite_codes", "campaign_id", "campaigns"),
        foreign_key("invite_codes", "member_id", "members", ondelete="CASCADE"),
        sa.UniqueConstraint("member_id", "campaign_id", name=op.f("uq_invite_codes_member_id")),
        sa.UniqueConstraint("value", name=op.f("uq_invite_codes_value")),
    )
    create_indexes("invite_codes", "campaign_id")

    create_link_table(
        "campaign_communities", ("campaign_id", "campaigns"), ("community_id", "communities")
    )

    create_id_table(
        "referral_edges",
        sa.Column("inviter_id", sa.Integer(), nullable=False),
        sa.Column("invitee_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("how", sa.String(length=20), nullable=False),
        sa.Column("sources", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("status_reason", sa.String(length=50), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(), nullable=False),
        sa.Column("status_changed_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("invite_code_id", sa.Integer(), nullable=True),
        sa.Column("live_key", sa.String(length=40), nullable=True),
        check(
            "referral_edges",
            "live_key",
            "(status IN ('pending', 'verified') AND live_key = CAST(invitee_id AS VARCHAR(12)) || ':' || COALESCE(CAST(campaign_id AS VARCHAR(12)), '') || ':' || COALESCE(CAST(community_id AS VARCHAR(12)), '')) OR (status IN ('rejected', 'void') AND live_key IS NULL)",
        ),
        one_of("referral_edges", "how", ("code", "group_qr", "direct_invite", "manual")),
        one_of("referral_edges", "status", ("pending", "verified", "rejected", "void")),
        check("referral_edges", "not_self", "inviter_id <> invitee_id"),
        check("referral_edges", "sources", "sources BETWEEN 1 AND 31"),
        foreign_key("referral_edges", "campaign_id", "campaigns"),
        foreign_key("referral_edges", "community_id", "communities", ondelete="CASCADE"),
        foreign_key("referral_edges", "invite_code_id", "invite_codes", ondelete="SET NULL"),
        foreign_key("referral_edges", "invitee_id", "members", ondelete="CASCADE"),
        foreign_key("referral_edges", "inviter_id", "members", ondelete="CASCADE"),
        sa.UniqueConstraint("live_key", name=op.f("uq_referral_edges_live_key")),
    )
    create_indexes(
        "referral_edges",
        ("ix_referral_edges_campaign_time", ["campaign_id", "occurred_at"]),
        "community_id",
        ("ix_referral_edges_invitee", ["invitee_id", "campaign_id"]),
        ("ix_referral_edges_inviter", ["inviter_id", "campaign_id"]),
    )

    _imported_codes()
    _inviter_edges()


def downgrade() -> None:
    drop_table(
        "referral_edges",
        "ix_referral_edges_inviter",
        "ix_referral_edges_invitee",
        "community_id",
        "ix_referral_edges_campaign_time",
    )
    drop_table("campaign_communities", "community_id")
    drop_table("invite_codes", "campaign_id")
    drop_table("campaigns")


# ------------------------------------------------------------------------------ data

CHUNK = 500
OPERATOR = "系统（升级 0008）"
MEMBER_IMPORT = 4  # the bit of `member_import` in referral_edges.sources
# How core.referrals.codes normalised a code when this migration was written.
_SEPARATORS = re.compile(r"[\s\-_]+")
_VALID = re.compile(r"[0-9A-Z]{1,32}")

members = data_table("members", "id", "inviter_id", custom_fields=sa.JSON, created_at=sa.DateTime)
codes = data_table(
    "invite_codes", "value", "member_id", "campaign_id", "origin", issued_at=sa.DateTime
)
edges = data_table(
    "referral_edges",
    "inviter_id", "invitee_id", "campaign_id", "community_id", "how", "sources", "status",
    "status_reason", "status_changed_by", "live_key",
    occurred_at=sa.DateTime, status_changed_at=sa.DateTime, recorded_at=sa.DateTime,
)  # fmt: skip


def _normalised(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


def _imported_codes() -> None:
    bind = op.get_bind()
    now = datetime.now()
    taken: dict[str, int] = {}
    rows = []
    for member_id, custom in bind.execute(
        sa.select(members.c.id, members.c.custom_fields).order_by(members.c.id)
    ):
        raw = (custom or {}).get("邀请码") if isinstance(custom, dict) else None
        if raw is None or not str(raw).strip():
            continue
        value = _normalised(str(raw))
        if not _VALID.fullmatch(value):
            log.warning("member %s: 邀请码 %r is not a code; not stored", member_id, str(raw)[:40])
            continue
        if value in taken:
            log.warning(
                "member %s: 邀请码 %s is member %s's already; not stored",
                member_id,
                value,
                taken[value],
            )
            continue
        taken[value] = member_id
        rows.append(
            {
                "value": value,
                "member_id": member_id,
                "campaign_id": None,
                "issued_at": now,
                "origin": "imported",
            }
        )
    for start in range(0, len(rows), CHUNK):
        bind.execute(codes.insert(), rows[start : start + CHUNK])


def _inviter_edges() -> None:
    bind = op.get_bind()
    now = datetime.now()
    rows = [
        {
            "inviter_id": inviter_id,
            "invitee_id": member_id,
            "campaign_id": None,
            "community_id": None,
            "occurred_at": created_at or now,
            "how": "direct_invite",
            "sources": MEMBER_IMPORT,
            "status": "verified",
            "status_reason": "",
            "status_changed_at": now,
            "status_changed_by": OPERATOR,
            "recorded_at": now,
            "live_key": f"{member_id}::",
        }
        for member_id, inviter_id, created_at in bind.execute(
            sa.select(members.c.id, members.c.inviter_id, members.c.created_at)
            .where(members.c.inviter_id.is_not(None), members.c.inviter_id != members.c.id)
            .order_by(members.c.id)
        )
    ]
    for start in range(0, len(rows), CHUNK):
        bind.execute(edges.insert(), rows[start : start + CHUNK])
