"""Schema changes only through Alembic: read the revision, refuse a newer file, upgrade to head.

Start-up only reads the file's revision with one SELECT; Alembic itself (a fifth of a second
to import) is loaded only when the schema is not at SCHEMA_HEAD.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions; tests/db check it against Alembic's own answer,
# so adding a migration without bumping this fails the suite.
SCHEMA_HEAD = "0015"


class DatabaseTooNewError(RuntimeError):
    """The database was written by a newer version of the program than this one."""


def alembic_config(engine: Engine):
    # Alembic only when the schema needs it (module docstring)
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # env.py runs on this engine instead of building one from a URL string.
    config.attributes["engine"] = engine
    return config


def _script_directory():
    # Alembic only when the schema needs it (module docstring)
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


def head_revision() -> str:
    """The newest migration, as Alembic finds it in migrations/versions."""
    head = _script_directory().get_current_head()
    assert head is not None, "db/migrations/versions holds no migration"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def needs_upgrade(engine: Engine) -> bool:
    """True when the schema is behind this program; raises when it is ahead."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return False
    if current is None:
        return True
    known = {rev.revision for rev in _script_directory().walk_revisions()}
    if current not in known:
        raise DatabaseTooNewError(current)
    return current != head_revision()


def upgrade_to_head(engine: Engine) -> None:
    # Alembic only when the schema needs it (module docstring)
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
