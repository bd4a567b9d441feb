"""Poster templates the operator saved (海报模板): the JSON document and its pictures.

Built-in templates are not stored here: they ship in resources/templates/ and are listed next
to these by core.posters.store. `assets` is the template's package (core.posters.package: a
zip of template.json and the pictures it uses), so a stored template is exactly what an
export writes and an import reads.

Imported at the end of db/models.py, so `Base.metadata` always holds this table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base


class PosterTemplate(Base):
    """海报模板: one saved template, found by its key or its (unique) name."""

    __tablename__ = "poster_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The template as dump_template writes it: listing needs no unzipping.
    document: Mapped[str] = mapped_column(Text)
    # The package bytes (template.json + pictures, zipped).
    assets: Mapped[bytes] = mapped_column(LargeBinary)
    # The built-in template this one was started from ("" for one made from scratch).
    based_on: Mapped[str] = mapped_column(String(60), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
