"""`posters render` killed with SIGKILL in the middle of a batch: its worker processes die with
it, and the next batch writing to the same place removes what the killed one left.

Like the ledger's crash test (tests/core/ledger/test_ledger_crash.py), with the real CLI, the
real process pool and the real file system. Nothing sleeps for a fixed time: the test waits
for the batch's own progress line, then for the processes themselves to be gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from core.common.database import open_database
from core.posters.sinks import STAGING_PREFIX
from tests.core.tiers.helpers import community, member

ROOT = Path(__file__).resolve().parents[3]
DEADLINE = 60  # seconds for a condition to come true: far above what it takes

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists() or not hasattr(os, "pidfd_open"),
    reason="SIGKILL, /proc and pidfd: Linux",
)


@pytest.fixture
def crash_db(sqlite_url):
    """晨跑群: 60 members (a batch of a few seconds); 小群: 2 members."""
    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        big = community(session, "晨跑群")
        for i in range(60):
            member(session, big, f"跑友{i:02d}")
        small = community(session, "小群")
        member(session, small, "小美")
        member(session, small, "小王")
    database.close()
    return sqlite_url


def render(url: str, out: Path, group: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", url, "posters", "render",
         "--template", "invite", "--community", group, "--out", str(out), "--jobs", "2",
         "--invite-link", "https://example.com/i/{邀请码}", "--json", *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip


def wait_for_progress(process: subprocess.Popen) -> str:
    """The batch's stderr up to its first progress report with at least one poster done."""
    seen = b""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], deadline - time.monotonic())
        if not ready:
            break
        chunk = os.read(process.stderr.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
        if re.search(r"\((?:[1-9]\d*)/\d+\)", seen.decode("utf-8", "replace")):
            return seen.decode("utf-8", "replace")
    pytest.fail(f"no progress from the batch: {seen.decode('utf-8', 'replace')!r}")


def process_table() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, state) of every process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended while we looked
        # "pid (command) state ppid …": the command may hold spaces and parentheses.
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        table[int(entry.name)] = (int(ppid), state)
    return table


def descendants(pid: int) -> set[int]:
    table = process_table()
    found, frontier = set(), {pid}
    while frontier:
        children = {p for p, (ppid, _) in table.items() if ppid in frontier} - found
        found |= children
        frontier = children
    return found


def alive(pids: set[int]) -> set[int]:
    """Those still running (a zombie has ended; only its exit status waits to be collected)."""
    table = process_table()
    return {p for p in pids if p in table and table[p][1] not in ("Z", "X")}


def wait_until_gone(pids: set[int]) -> set[int]:
    """Wait (at most DEADLINE) for the processes to end; those still running then.

    Each process is watched through a pidfd, which becomes readable when it ends: the wait is
    on the processes themselves, not on a clock."""
    handles = {}
    for pid in alive(pids):
        with contextlib.suppress(ProcessLookupError):  # ended already
            handles[os.pidfd_open(pid)] = pid
    deadline = time.monotonic() + DEADLINE
    try:
        while handles and time.monotonic() < deadline:
            ended, _, _ = select.select(list(handles), [], [], deadline - time.monotonic())
            for fd in ended:
                os.close(fd)
                del handles[fd]
    finally:
        for fd in handles:
            os.close(fd)
    return alive(pids)


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_a_killed_render_leaves_no_process_and_the_next_run_no_debris(crash_db, tmp_path, as_zip):
    out = tmp_path / "海报" / ("posters.zip" if as_zip else "posters")
    zip_option = ("--zip",) if as_zip else ()
    process = render(crash_db, out, "晨跑群", *zip_option)
    try:
        wait_for_progress(process)
        workers = descendants(process.pid)
        assert len(workers) >= 2, workers  # the pool's two workers (and its helpers)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(DEADLINE)
        process.stdout.close()
        process.stderr.close()

    orphans = wait_until_gone(workers)
    assert not orphans, f"worker processes outlived the killed batch: {orphans}"

    folder = out.parent if as_zip else out
    left = sorted(p.name for p in folder.iterdir())
    assert any(name.startswith(STAGING_PREFIX) for name in left), left  # what a kill leaves
    assert not out.is_file()  # a killed zip batch never shows a half zip under its name

    # The next batch to the same place, for another group: it removes the dead one's folder.
    again = render(crash_db, out, "小群", *zip_option)
    stdout, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr.decode()
    result = json.loads(stdout)
    assert result["written"] == 2
    assert [Path(p).name[: len(STAGING_PREFIX)] for p in result["cleaned"]] == [STAGING_PREFIX]
    left = sorted(p.name for p in folder.iterdir())
    if as_zip:
        assert left == ["posters.zip"]
        with zipfile.ZipFile(out) as archive:
            assert len(archive.namelist()) == 2
    else:
        assert len(left) == 2 and all(name.endswith(".png") for name in left), left
