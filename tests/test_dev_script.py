"""scripts/dev.py waits for another installer's dpkg lock instead of failing at once."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="dpkg's lock is a Linux matter")


def load_dev():
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "scripts" / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOLD_LOCK = """
import fcntl, sys
handle = open(sys.argv[1], "w")
fcntl.lockf(handle, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the test closes our stdin
"""


@pytest.fixture
def held_lock(tmp_path):
    """A lock file held by another process, as unattended-upgrades holds dpkg's."""
    lock = tmp_path / "lock-frontend"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    yield lock, holder
    holder.stdin.close()
    holder.wait(10)


def test_a_free_lock_is_not_busy(tmp_path):
    dev = load_dev()
    assert not dev.package_manager_busy(tmp_path / "lock-frontend")


def test_waits_with_a_message_while_another_installer_holds_the_lock(held_lock, monkeypatch):
    dev = load_dev()
    lock, holder = held_lock
    said: list[str] = []
    waiting = threading.Event()

    def say(message: str) -> None:
        said.append(message)
        if "waiting" in message:
            waiting.set()

    monkeypatch.setattr(dev, "say", say)
    assert dev.package_manager_busy(lock)
    waiter = threading.Thread(target=dev.wait_for_package_manager, args=(lock, 60.0, 0.05))
    waiter.start()
    assert waiting.wait(30)
    assert waiter.is_alive()  # still waiting: the other installer has not finished
    holder.stdin.close()  # the other installer finishes
    waiter.join(30)
    assert not waiter.is_alive()
    assert "free again" in said[-1]


def test_gives_up_with_one_clear_line_when_the_lock_stays_held(held_lock, monkeypatch):
    dev = load_dev()
    lock, _ = held_lock
    monkeypatch.setattr(dev, "say", lambda message: None)
    with pytest.raises(SystemExit, match="dpkg's lock is still held"):
        dev.wait_for_package_manager(lock, timeout_s=0.2, poll_s=0.05)
