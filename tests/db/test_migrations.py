"""The schema comes only from Alembic, and the migrations match the models on both engines."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect, text

from core.common import paths
from core.common.database import open_database
from core.common.errors import UserError
from db.engine import make_engine
from db.migrate import alembic_config, current_revision, head_revision
from db.models import Base


def test_migrations_build_exactly_the_models(database):
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    tables = set(inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert current_revision(database.engine) == head_revision()


def test_migrations_write_the_models_check_constraints(sqlite_database):
    """compare_metadata leaves CHECK constraints out: the migrated ones must be the models',
    name for name and text for text (SQLite keeps the text as written; PostgreSQL rewrites it)."""

    def spaced(sql) -> str:
        return " ".join(str(sql).split())

    inspector = inspect(sqlite_database.engine)
    migrated = {
        (table, check["name"]): spaced(check["sqltext"])
        for table in inspector.get_table_names()
        for check in inspector.get_check_constraints(table)
    }
    models = {
        (table.name, constraint.name): spaced(constraint.sqltext)
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    assert migrated == models


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(sqlite_database):
    with sqlite_database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30_000


def test_foreign_keys_are_enforced(database):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), database.session() as session:
        session.execute(
            text(
                "INSERT INTO memberships (member_id, community_id, group_nickname, join_channel,"
                " role, is_seed_user) VALUES (999, 999, '', '', 'follower', false)"
            )
        )


def test_upgrade_keeps_every_row_of_a_demo_database(sqlite_url):
    """Batch mode rebuilds tables on SQLite: nothing may cascade away on the way."""
    engine = make_engine(sqlite_url)
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO communities (id, name, platform, theme, target_audience, rules_text,"
            " member_cap, scan_cap, tags, created_on, archived)"
            " VALUES (1, '烘焙1群', 'wechat', '', '', '', 500, 200, '[]', '2026-01-01', 0)",
            "INSERT INTO members (id, nickname, remark, gender, city, source_channel, notes,"
            " custom_fields, is_team, search_pinyin, search_initials, phone_tail, created_at,"
            " updated_at) VALUES (1, '张小凡', '', '', '', '', '', '{}', 0, 'zhangxiaofan',"
            " 'zxf', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            "INSERT INTO memberships (member_id, community_id, group_nickname, join_channel,"
            " role, is_seed_user) VALUES (1, 1, '小凡', '', 'follower', 0)",
            "INSERT INTO activity_events (member_id, community_id, kind, occurred_at,"
            " amount_cents, source) VALUES (1, 1, 'checkin', '2026-02-01 08:00:00.000000', 0,"
            " 'manual')",
        ):
            connection.execute(text(statement))
    engine.dispose()

    database = open_database(sqlite_url, daily_backup=False)
    try:
        with database.engine.connect() as connection:
            counts = [
                connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("communities", "members", "memberships", "activity_events")
            ]
            search_text, last_active = connection.execute(
                text("SELECT search_text, last_active_at FROM members")
            ).one()
            foreign_keys = connection.execute(text("PRAGMA foreign_keys")).scalar()
    finally:
        database.close()
    assert counts == [1, 1, 1, 1]
    assert "zxf" in search_text and "小凡" in search_text  # group nickname included
    assert last_active.startswith("2026-02-01")
    assert foreign_keys == 1


def test_older_database_is_backed_up_then_upgraded(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO members (nickname, remark, gender, city, source_channel, notes,"
                " custom_fields, is_team, search_pinyin, search_initials, phone_tail,"
                " created_at, updated_at) VALUES ('张小凡', '', '', '', '', '', '{}', 0, '', '',"
                " '0016', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
    engine.dispose()

    database = open_database(sqlite_url, daily_backup=False)
    try:
        assert current_revision(database.engine) == head_revision() != "0001"
        with database.engine.connect() as connection:
            assert connection.execute(text("SELECT nickname FROM members")).scalar() == "张小凡"
    finally:
        database.close()
    saved = list(paths.backup_dir().glob("before-migration-*.db"))
    assert len(saved) == 1
    old = make_engine(f"sqlite:///{saved[0]}")
    assert current_revision(old) == "0001"
    old.dispose()


def test_a_database_from_a_newer_program_is_refused(sqlite_url):
    database = open_database(sqlite_url, daily_backup=False)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    database.close()
    with pytest.raises(UserError, match="更新版本"):
        open_database(sqlite_url, daily_backup=False)


def test_schema_head_constant_is_the_newest_migration():
    from db.migrate import SCHEMA_HEAD

    assert head_revision() == SCHEMA_HEAD


def test_a_failing_migration_leaves_the_schema_as_it_was(sqlite_url, tmp_path, monkeypatch):
    """A crash mid-upgrade must not leave half a schema: the upgrade is one transaction."""
    import shutil

    import db.migrate

    scripts = tmp_path / "migrations"
    shutil.copytree(db.migrate.MIGRATIONS_DIR, scripts)
    (scripts / "versions" / "9999_broken.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\n"
        f"revision = '9999'\ndown_revision = '{head_revision()}'\n"
        "branch_labels = None\ndepends_on = None\n\n"
        "def upgrade():\n"
        "    op.create_table('half_done', sa.Column('id', sa.Integer, primary_key=True))\n"
        "    with op.batch_alter_table('members') as batch:\n"
        "        batch.add_column(sa.Column('extra', sa.Integer))\n"
        "    raise RuntimeError('power cut')\n",
        encoding="utf-8",
    )
    database = open_database(sqlite_url, daily_backup=False)
    from core.demo.generate import generate_demo

    with database.engine.begin() as connection:
        generate_demo(connection, 30, seed=5)
    database.close()

    monkeypatch.setattr(db.migrate, "MIGRATIONS_DIR", scripts)
    engine = make_engine(sqlite_url)
    with pytest.raises(RuntimeError, match="power cut"):
        db.migrate.upgrade_to_head(engine)
    tables = set(inspect(engine).get_table_names())
    columns = {column["name"] for column in inspect(engine).get_columns("members")}
    with engine.connect() as connection:
        members = connection.execute(text("SELECT count(*) FROM members")).scalar()
        events = connection.execute(text("SELECT count(*) FROM activity_events")).scalar()
    engine.dispose()
    assert "half_done" not in tables and "extra" not in columns
    assert not any(name.startswith("_alembic_tmp") for name in tables)
    assert current_revision(make_engine(sqlite_url)) == db.migrate.SCHEMA_HEAD
    assert members == 30 and events > 0
