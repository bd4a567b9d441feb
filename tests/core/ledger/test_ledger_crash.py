"""A process killed (SIGKILL) in the middle of a batch of 10000 awards leaves all or none."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.common.database import open_database
from db.ledger_models import LedgerEntry
from tests.core.ledger.ledger_helpers import member

ROOT = Path(__file__).resolve().parents[3]
BATCH = textwrap.dedent(
    """
    import sys, time
    from core.common.database import open_database
    from core.ledger.entries import Award, award_batch

    url, member_id, stop_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

    def progress(done, total):
        if done >= stop_at:
            print("HALFWAY", done, flush=True)
            time.sleep(60)  # killed here

    database = open_database(url, daily_backup=False)
    with database.session() as session:
        awards = [Award(member_id, 1 + i % 7, reason=f"批量 {i}") for i in range(10000)]
        award_batch(session, awards, progress=progress)
    print("DONE", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_in_the_middle_of_a_batch_leaves_none_then_a_whole_run_leaves_all(database_url):
    database = open_database(database_url, daily_backup=False)
    with database.session() as session:
        m = member(session)
    database.close()

    def start(stop_at: int) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-c", BATCH, database_url, str(m), str(stop_at)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    process = start(5000)
    line = process.stdout.readline()
    assert line.startswith("HALFWAY"), line
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)

    database = open_database(database_url, daily_backup=False)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    database.close()

    process = start(10**9)
    assert process.communicate(timeout=120)[0].strip() == "DONE"
    database = open_database(database_url, daily_backup=False)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 10000
    database.close()
