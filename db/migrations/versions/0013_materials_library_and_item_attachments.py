"""The 素材库 (material library) and the attachments of content items

New tables (db/material_models.py): `materials` (one row per stored file, UNIQUE by its
SHA-256, so the same file added twice is one material; pictures carry width and height),
`material_tags` (a material's tags) and `content_item_materials` (an item's attachments, in
order; a material in use cannot be deleted). Nothing existing changes; the way down drops the
tables.

Written beside the other session-8 migrations and placed after them at the merge.

Create Date: 2026-12-06 09:15:42.475516
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

revision: str = "0013"
down_revision: str | None = "0012"


def upgrade() -> None:
    create_id_table(
        "materials",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("suffix", sa.String(length=16), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        check(
            "materials",
            "image_has_size",
            "(kind = 'image' AND width IS NOT NULL AND height IS NOT NULL AND width BETWEEN 1 AND 100000 AND height BETWEEN 1 AND 100000) OR (kind = 'file' AND width IS NULL AND height IS NULL)",
        ),
        one_of("materials", "kind", ("image", "file")),
        check("materials", "sha256_length", "length(sha256) = 64"),
        check("materials", "title_length", "length(title) BETWEEN 1 AND 200"),
        check("materials", "size_range", "size_bytes BETWEEN 1 AND 209715200"),
        sa.UniqueConstraint("sha256", name=op.f("uq_materials_sha256")),
    )
    op.create_table(
        "material_tags",
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=30), nullable=False),
        check("material_tags", "tag_length", "length(tag) BETWEEN 1 AND 30"),
        foreign_key("material_tags", "material_id", "materials", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("material_id", "tag", name=op.f("pk_material_tags")),
    )
    create_indexes("material_tags", "tag")

    op.create_table(
        "content_item_materials",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        check("content_item_materials", "position_range", "position >= 0"),
        foreign_key("content_item_materials", "item_id", "content_items", ondelete="CASCADE"),
        foreign_key("content_item_materials", "material_id", "materials", ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("item_id", "material_id", name=op.f("pk_content_item_materials")),
    )
    create_indexes("content_item_materials", "material_id")


def downgrade() -> None:
    drop_table("content_item_materials", "material_id")
    drop_table("material_tags", "tag")
    drop_table("materials")
