"""Write a new Alembic migration by comparing db/models.py with a database at head.

    .venv/bin/python scripts/new_migration.py "add qr tracker"

Review the generated file by hand before committing it.
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command

from db.engine import make_engine
from db.migrate import alembic_config, upgrade_to_head

with tempfile.TemporaryDirectory() as tmp:
    engine = make_engine(f"sqlite:///{tmp}/scratch.db")
    upgrade_to_head(engine)
    command.revision(alembic_config(engine), message=sys.argv[1], autogenerate=True)
