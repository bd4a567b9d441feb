"""Alembic environment: runs migrations on the engine handed in by db.migrate."""

from alembic import context
from sqlalchemy import text

from db.engine import for_writing
from db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    # The write lock from the start: two copies of the program opening an old file at once
    # take turns, and the second finds the schema already upgraded instead of failing.
    engine = for_writing(config.attributes["engine"])
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table and drops the old one; with foreign keys on, that DROP
            # would cascade-delete every membership and event pointing at it. Off for the run
            # (it cannot change inside a transaction, so on the raw connection before BEGIN),
            # checked afterwards, on again at the end.
            _pragma(connection, "foreign_keys=OFF")
        try:
            with connection.begin():
                context.configure(
                    connection=connection,
                    target_metadata=target_metadata,
                    render_as_batch=sqlite,
                    compare_type=True,
                )
                context.run_migrations()
                if sqlite:
                    broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                    if broken:
                        raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                _pragma(connection, "foreign_keys=ON")


def _pragma(connection, setting: str) -> None:
    """Run a PRAGMA outside any transaction (db.engine leaves the driver in autocommit)."""
    connection.connection.driver_connection.execute(f"PRAGMA {setting}")


run_migrations_online()
