"""Running `main.py` as a user would, in a child process: what the CLI tests share."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_main(
    *args: str,
    data_dir: Path | None = None,
    env_extra: dict | None = None,
    timeout: int = 300,
    script: bool = True,
) -> subprocess.CompletedProcess:
    """`python main.py ARGS` from the project folder, with this test's environment (its own
    data folder, set by the autouse fixture) unless `data_dir` names another; `script=False`:
    `python ARGS` in the same setting (a probe that calls main itself)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env_extra or {})}
    if data_dir is not None:
        env["SHEQUN_DATA_DIR"] = str(data_dir)
    env.pop("SHEQUN_DB_URL", None)
    return subprocess.run(
        [sys.executable, *([str(ROOT / "main.py")] if script else []), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=ROOT,
    )
