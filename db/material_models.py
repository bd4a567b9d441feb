"""素材库: pictures and files the operator attaches to content items.

- `materials`: one stored file, named by its SHA-256 (the same file added twice is one row and
  one file in the data folder), with a title, the name it came with, its kind (image / file),
  size and, for pictures, width and height; `search_text` holds what the search box matches
  (title, tags, file name, pinyin), lower-cased.
- `material_tags`: a material's tags, one row each (the tag filter is an indexed lookup).
- `content_item_materials`: the attachments of a content item, in order. A material in use
  cannot be deleted (RESTRICT): what an item was sent with stays findable.

Imported at the end of db/models.py, so `Base.metadata` always holds these tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.bounds import between
from db.columns import link_key, one_of, references, text_length
from db.models import Base

MATERIAL_KINDS = ("image", "file")
MAX_MATERIAL_TITLE_CHARS = 200
MAX_TAG_CHARS = 30
MAX_MATERIAL_BYTES = 200 * 1024 * 1024  # a short video fits; a disk image does not
MAX_PICTURE_SIDE = 100_000


class Material(Base):
    """A picture or file in the 素材库, stored once by content."""

    __tablename__ = "materials"
    __table_args__ = (
        one_of("kind", MATERIAL_KINDS),
        text_length("title", MAX_MATERIAL_TITLE_CHARS),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint(between("size_bytes", 1, MAX_MATERIAL_BYTES), name="size_range"),
        # Pictures know their size; other files have none.
        CheckConstraint(
            # (IS NOT NULL spelt out: a NULL inside BETWEEN makes the whole CHECK pass)
            "(kind = 'image' AND width IS NOT NULL AND height IS NOT NULL"
            f" AND {between('width', 1, MAX_PICTURE_SIDE)}"
            f" AND {between('height', 1, MAX_PICTURE_SIDE)})"
            " OR (kind = 'file' AND width IS NULL AND height IS NULL)",
            name="image_has_size",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(MAX_MATERIAL_TITLE_CHARS))
    filename: Mapped[str] = mapped_column(String(255))  # the name it was added with
    suffix: Mapped[str] = mapped_column(String(16), default="")  # of the stored file: ".png"
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    created_by: Mapped[str] = mapped_column(String(100), default="")


class MaterialTag(Base):
    """One tag of a material."""

    __tablename__ = "material_tags"
    __table_args__ = (text_length("tag", MAX_TAG_CHARS),)

    material_id: Mapped[int] = link_key("materials")
    tag: Mapped[str] = mapped_column(String(MAX_TAG_CHARS), primary_key=True, index=True)


class ContentItemMaterial(Base):
    """A material attached to a content item, at a position in its list."""

    __tablename__ = "content_item_materials"
    __table_args__ = (CheckConstraint("position >= 0", name="position_range"),)

    item_id: Mapped[int] = link_key("content_items")
    material_id: Mapped[int] = references(
        "materials", ondelete="RESTRICT", primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
