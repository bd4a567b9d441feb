"""Migration 0013 on a database built at 0012, on SQLite and PostgreSQL: an item stays, the
素材库 tables take a picture, its tags and an attachment, and refuse what their constraints
forbid (an unknown kind, the same content twice, a picture without its size, a file with one,
an empty tag, deleting a material an item uses); the way down and up again works."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import MetaData, text
from sqlalchemy.exc import IntegrityError

from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision
from tests.db.test_migration_0007 import insert

T = datetime(2026, 12, 1, 8, 0, 0)
SHA = "a" * 64


@pytest.fixture
def old_url(database_url):
    engine = make_engine(database_url)
    command.upgrade(alembic_config(engine), "0012")
    with engine.begin() as connection:
        meta = MetaData()
        meta.reflect(connection)
        item = insert(
            connection, meta.tables, "content_items", title="早安", kind="text", body="",
            planned_at=T, owner="", status="draft", promotional=False, notes="",
            reviewer_notes="", created_at=T, created_by="", updated_at=T,
        )  # fmt: skip
    engine.dispose()
    return database_url, item


MATERIAL = (
    "INSERT INTO materials (id, sha256, kind, title, filename, suffix, size_bytes, width, height,"
    " search_text, created_at, created_by) VALUES (:id, :sha, :kind, '海报', '海报.png', '.png',"
    " 100, :w, :h, '', :t, '')"
)


def _material(**values) -> dict:
    return {"id": 1, "sha": SHA, "kind": "image", "w": 40, "h": 30, "t": T} | values


def _refused(engine, statement: str, values: dict) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(statement), values)


def test_material_tables_take_rows_and_keep_their_constraints(old_url):
    url, item = old_url
    engine = make_engine(url)
    try:
        command.upgrade(alembic_config(engine), "head")
        with engine.begin() as connection:
            assert connection.execute(text("SELECT title FROM content_items")).scalar() == "早安"
            connection.execute(text(MATERIAL), _material())
            connection.execute(text("INSERT INTO material_tags VALUES (1, '海报')"))
            connection.execute(
                text("INSERT INTO content_item_materials VALUES (:i, 1, 0)"), {"i": item}
            )
        for statement, values in (
            (MATERIAL, _material(id=2, sha="b" * 64, kind="video")),
            (MATERIAL, _material(id=2)),  # the same content twice
            (MATERIAL, _material(id=2, sha="b" * 64, w=None)),  # a picture without its size
            (MATERIAL, _material(id=2, sha="b" * 64, kind="file")),  # a file with a size
            (MATERIAL, _material(id=2, sha="short")),
            ("INSERT INTO material_tags VALUES (1, '')", {}),
            ("DELETE FROM materials WHERE id = 1", {}),  # an item uses it
        ):
            _refused(engine, statement, values)
        command.downgrade(alembic_config(engine), "0012")
        with engine.begin() as connection:
            assert connection.execute(text("SELECT count(*) FROM content_items")).scalar() == 1
        command.upgrade(alembic_config(engine), "head")
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
