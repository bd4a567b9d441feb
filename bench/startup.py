"""Start-up to a shown main window with a 100000-member database, against a bare Qt window.

    .venv/bin/python bench/startup.py [--members 100000] [--runs 7]

Both are whole processes (interpreter, imports, window shown), measured in the same run;
the figure that matters is the ratio (goal ≤ 3×) and the absolute time (goal < 1.5 s).
"""

from __future__ import annotations

import argparse
import os
import re
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
    time_command(ours_cmd, env)
    time_command(bare_cmd, env)
    figures = {"ours": ([], []), "bare": ([], [])}
    ready = []  # ours only: database open and tabs built
    for _ in range(args.runs):  # interleaved, so machine noise hits both alike
        for name, command in (("ours", ours_cmd), ("bare", bare_cmd)):
            wall, printed = time_command(command, env)
            figures[name][0].append(wall * 1000)
            figures[name][1].append(float(re.search(r"start-up (\d+) ms", printed).group(1)))
            if name == "ours":
                ready.append(float(re.search(r"ready (\d+) ms", printed).group(1)))
    (ours_wall, ours_shown), (bare_wall, bare_shown) = figures["ours"], figures["bare"]
    print(f"members: {args.members}, runs: {args.runs}, medians in ms")
    print(f"{'':34}{'to window shown':>16}{'whole process':>15}")
    print(
        f"{'bare QApplication + QMainWindow':34}{median(bare_shown):16.0f}{median(bare_wall):15.0f}"
    )
    print(f"{'main.py --smoke':34}{median(ours_shown):16.0f}{median(ours_wall):15.0f}")
    print(
        f"{'ratio':34}{median(ours_shown) / median(bare_shown):15.2f}x"
        f"{median(ours_wall) / median(bare_wall):14.2f}x"
    )
    print(f"main.py --smoke, database open and tabs built: median {median(ready):.0f} ms")
    print("goals: window shown < 1500 ms; ratio <= 3x")


if __name__ == "__main__":
    main()
