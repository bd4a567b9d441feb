"""campaign type facts: helps, cuts, teams, draws, coupons, swaps

New tables for what campaigns of the acting-together types record (db/campaign_fact_models.py):
`campaign_helps` (助力, a helper once per campaign), `campaign_cuts` (砍价, once per target),
`campaign_teams` and `campaign_team_members` (拼团, one team per member and campaign),
`campaign_draws` (抽奖, numbered, with the seed and algorithm drawn with), `campaign_coupons`
(the 券 pool: imported or generated codes, to whom and when handed out, redeemed when),
`campaign_swap_offers`, `campaign_swap_wants` and `campaign_swaps` (以物换物). Purchases stay
activity events of kind 'purchase'. Nothing existing changes; the way down drops the tables.

Create Date: 2026-12-06 06:07:04.058747
"""

import sqlalchemy as sa
from alembic import op

from db.migration_ops import (
    check,
    create_id_table,
    create_indexes,
    drop_table,
    foreign_key,
    one_of,
)

revision: str = "0010"
down_revision: str | None = "0009"


def upgrade() -> None:
    create_id_table(
        "campaign_coupons",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("reward_key", sa.String(length=120), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("redeemed_at", sa.DateTime(), nullable=True),
        one_of("campaign_coupons", "origin", ("imported", "generated")),
        check(
            "campaign_coupons",
            "issued",
            "(reward_key IS NULL AND member_id IS NULL AND issued_at IS NULL) OR (reward_key IS NOT NULL AND member_id IS NOT NULL AND issued_at IS NOT NULL)",
        ),
        check("campaign_coupons", "code_length", "length(code) BETWEEN 1 AND 64"),
        check(
            "campaign_coupons",
            "redeemed_after_issued",
            "redeemed_at IS NULL OR (issued_at IS NOT NULL AND redeemed_at >= issued_at)",
        ),
        foreign_key("campaign_coupons", "campaign_id", "campaigns", ondelete="CASCADE"),
        foreign_key("campaign_coupons", "member_id", "members", ondelete="CASCADE"),
        sa.UniqueConstraint("campaign_id", "code", name=op.f("uq_campaign_coupons_campaign_id")),
        sa.UniqueConstraint("reward_key", name=op.f("uq_campaign_coupons_reward_key")),
    )
    create_indexes("campaign_coupons", "member_id")

    create_id_table(
        "campaign_cuts",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("helper_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("cut_cents", sa.Integer(), nullable=False),
        sa.Column("price_after_cents", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        check("campaign_cuts", "cut_range", "cut_cents BETWEEN 1 AND 1000000000"),
        check("campaign_cuts", "not_self", "helper_id <> target_id"),
        check("campaign_cuts", "price_range", "price_after_cents BETWEEN 0 AND 1000000000"),
        foreign_key("campaign_cuts", "campaign_id", "campaigns", ondelete="CASCADE"),
        foreign_key("campaign_cuts", "helper_id", "members", ondelete="CASCADE"),
        foreign_key("campaign_cuts", "target_id", "members", ondelete="CASCADE"),
        sa.UniqueConstraint(
            "campaign_id", "target_id", "helper_id", name=op.f("uq_campaign_cuts_campaign_id")
        ),
    )
    create_id_table(
        "campaign_draws",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("member_number", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("seed", sa.String(length=20), nullable=False),
        sa.Column("algorithm", sa.String(length=20), nullable=False),
        sa.Column("won", sa.String(length=100), nullable=False),
        check("campaign_draws", "seed_length", "length(seed) BETWEEN 1 AND 20"),
        check("campaign_draws", "member_number_range", "member_number BETWEEN 1 AND 2147483647"),
        check("campaign_draws", "number_range", "number BETWEEN 1 AND 2147483647"),
        foreign_key("campaign_draws", "campaign_id", "campaigns", ondelete="CASCADE"),
        foreign_key("campaign_draws", "member_id", "members", ondelete="CASCADE"),
        sa.UniqueConstraint(
            "member_id", "campaign_id", "member_number", name=op.f("uq_campaign_draws_member_id")
        ),
        sa.UniqueConstraint("number", "campaign_id", name=op.f("uq_campaign_draws_number")),
    )
    create_id_table(
        "campaign_helps",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("helper_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        check("campaign_helps", "not_self", "helper_id <> target_id"),
        foreign_key("campaign_helps", "campaign_id", "campaigns", ondelete="CASCADE"),
        foreign_key("campaign_helps", "helper_id", "members", ondelete="CASCADE"),
        foreign_key("campaign_helps", "target_id", "members", ondelete="CASCADE"),
        sa.UniqueConstraint("campaign_id", "helper_id", name=op.f("uq_campaign_helps_campaign_id")),
    )
    create_indexes("campaign_helps", ("ix_campaign_helps_target", ["campaign_id", "target_id"]))

    create_id_table(
        "campaign_swap_offers",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        check("campaign_swap_offers", "category_length", "length(category) BETWEEN 1 AND 50"),
        check("campaign_swap_offers", "item_length", "length(item) BETWEEN 1 AND 200"),
        foreign_key("campaign_swap_offers", "campaign_id", "campaigns", ondelete="CASCADE"),
        foreign_key("campaign_swap_offers", "member_id", "members", ondelete="CASCADE"),
    )
    create_indexes(
        "campaign_swap_offers", ("ix_campaign_swap_offers_campaign", ["campaign_id", "at"])
    )

    create_id_table(
        "campaign_swap_wants",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        check("campaign_swap_wants", "category_length", "length(category) BETWEEN 1 AND 50"),
        foreign_key("campaign_swap_wants", "campaign_id", "campaigns", ondelete="CASCADE"),
        foreign_key("campaign_swap_wants", "member_id", "members", ondelete="CASCADE"),
    )
    create_indexes(
        "campaign_swap_wants", ("ix_campaign_swap_wants_campaign", ["campaign_id", "at"])
    )

    create_id_table(
        "campaign_teams",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        foreign_key("campaign_teams", "campaign_id", "campaigns", ondelete="CASCADE"),
        foreign_key("campaign_teams", "leader_id", "members", ondelete="CASCADE"),
        sa.UniqueConstraint("campaign_id", "leader_id", name=op.f("uq_campaign_teams_campaign_id")),
    )
    create_id_table(
        "campaign_swaps",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("want_id", sa.Integer(), nullable=False),
        sa.Column("matched_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        check("campaign_swaps", "done_after_matched", "done_at IS NULL OR done_at >= matched_at"),
        foreign_key("campaign_swaps", "campaign_id", "campaigns", ondelete="CASCADE"),
        foreign_key("campaign_swaps", "offer_id", "campaign_swap_offers", ondelete="CASCADE"),
        foreign_key("campaign_swaps", "want_id", "campaign_swap_wants", ondelete="CASCADE"),
        sa.UniqueConstraint("offer_id", name=op.f("uq_campaign_swaps_offer_id")),
        sa.UniqueConstraint("want_id", name=op.f("uq_campaign_swaps_want_id")),
    )
    create_indexes("campaign_swaps", ("ix_campaign_swaps_campaign", ["campaign_id"]))

    create_id_table(
        "campaign_team_members",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        foreign_key("campaign_team_members", "campaign_id", "campaigns", ondelete="CASCADE"),
        foreign_key("campaign_team_members", "member_id", "members", ondelete="CASCADE"),
        foreign_key("campaign_team_members", "team_id", "campaign_teams", ondelete="CASCADE"),
        sa.UniqueConstraint(
            "campaign_id", "member_id", name=op.f("uq_campaign_team_members_campaign_id")
        ),
    )
    create_indexes(
        "campaign_team_members", ("ix_campaign_team_members_team", ["team_id", "joined_at"])
    )


def downgrade() -> None:
    drop_table("campaign_team_members", "ix_campaign_team_members_team")
    drop_table("campaign_swaps", "ix_campaign_swaps_campaign")
    drop_table("campaign_teams")
    drop_table("campaign_swap_wants", "ix_campaign_swap_wants_campaign")
    drop_table("campaign_swap_offers", "ix_campaign_swap_offers_campaign")
    drop_table("campaign_helps", "ix_campaign_helps_target")
    drop_table("campaign_draws")
    drop_table("campaign_cuts")
    drop_table("campaign_coupons", "member_id")
