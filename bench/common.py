"""What the benchmarks share: the 100000-member demo database and a timing helper."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def demo_database(members: int = 100_000) -> str:
    """URL of a SQLite demo database with `members` members, generated once and kept."""
    path = OUT / f"demo-{members}.db"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.db")
        partial.unlink(missing_ok=True)
        print(f"generating {members} demo members into {path} (once)…", file=sys.stderr)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "main.py"),
                "demo",
                "--members",
                str(members),
                "--db",
                f"sqlite:///{partial}",
            ],
            check=True,
            env={**os.environ, "SHEQUN_DATA_DIR": str(OUT / "data")},
        )
        partial.rename(path)
        print(f"generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return f"sqlite:///{path}"


def time_command(command: list[str], env: dict | None = None) -> tuple[float, str]:
    """Wall-clock seconds of one run of a whole process, and what it printed."""
    started = time.perf_counter()
    result = subprocess.run(command, check=True, capture_output=True, env=env, text=True)
    return time.perf_counter() - started, result.stdout


def median(values: list[float]) -> float:
    return statistics.median(values)


def on_sqlite_then_postgres(measure, file_name: str, *args) -> None:
    """`measure(url, *args)` on a fresh SQLite file in bench/out, then, when
    SHEQUN_TEST_PG_URL names a server, on a throwaway PostgreSQL database there."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / file_name
    path.unlink(missing_ok=True)
    measure(f"sqlite:///{path}", *args)
    path.unlink(missing_ok=True)
    server = os.environ.get("SHEQUN_TEST_PG_URL")
    if not server:
        return
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        measure(make_url(server).set(database=name).render_as_string(False), *args)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
