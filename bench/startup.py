"""Start-up to a shown main window with a 100000-member database, against a bare Qt window.

    .venv/bin/python bench/startup.py [--members 100000] [--runs 7]

Both are whole processes (interpreter, imports, window shown), measured in the same run;
the figure that matters is the ratio (goal ≤ 3×) and the absolute time (goal < 1.5 s).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from common import ROOT, demo_database, median, time_command


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = demo_database(args.members)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SHEQUN_DATA_DIR": tempfile.mkdtemp(prefix="shequn-bench-"),
    }
    ours_cmd = [sys.executable, str(ROOT / "main.py"), "--smoke", "--db", url]
    bare_cmd = [sys.executable, str(ROOT / "bench" / "bare_window.py")]
    # Warm the OS file cache for both, as a user's second start would be.
    time_command(ours_cmd, 1, env)
    time_command(bare_cmd, 1, env)
    ours, bare = [], []
    for _ in range(args.runs):  # interleaved, so machine noise hits both alike
        ours += time_command(ours_cmd, 1, env)
        bare += time_command(bare_cmd, 1, env)
    print(f"members: {args.members}, runs: {args.runs}")
    print(f"bare QApplication + QMainWindow: median {median(bare) * 1000:.0f} ms")
    print(f"社群运营工作台 --smoke:           median {median(ours) * 1000:.0f} ms")
    print(f"ratio: {median(ours) / median(bare):.2f}x (goal <= 3x; absolute goal < 1500 ms)")


if __name__ == "__main__":
    main()
