"""Peak memory of a 1,000,000-row member import (.csv and .xlsx), each step in a fresh process.

For each file: a process that only loads the modules (the floor), one that runs plan_import,
one that runs plan_import + import_members into a fresh SQLite database; for the .xlsx also one
that only loads the sheet with python-calamine (which holds a whole sheet in memory: it has no
streaming reader). Peak = the child's ru_maxrss. The rows are bench/import_members.py's.

    .venv/bin/python bench/import_memory.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import OUT, ROOT
from import_members import member_rows, write_workbook


def write_csv(path: Path, rows: int) -> None:
    partial = path.with_suffix(".partial.csv")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for row in member_rows(rows):
            writer.writerow(["" if value is None else value for value in row])
    partial.rename(path)


def child(step: str, path: Path, work: Path) -> dict:
    """One step in this (fresh) process; its peak resident memory in MB and its seconds."""
    from core.common.database import open_database
    from core.members.importing import plan_import
    from core.members.search_keys import member_search_keys
    from core.workflows.member_import import import_members

    # What every step loads is the floor: the import's modules and pypinyin's dictionaries.
    for module in ("plan", "apply", "readers"):
        importlib.import_module(f"core.members.importing.{module}")
    member_search_keys("张")
    started = time.perf_counter()
    figures: dict = {}
    if step == "calamine":
        import python_calamine

        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        figures["rows"] = sheet.height
    elif step in ("plan", "apply"):
        database = open_database(f"sqlite:///{work / 'memory.db'}", daily_backup=False)
        with database.session() as session:
            plan = plan_import(session, path)
            figures["rows"] = len(plan.rows)
            if step == "apply":
                figures["added"] = import_members(session, plan).imported.added
        database.close()
    figures["seconds"] = time.perf_counter() - started
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def run_child(step: str, path: Path) -> dict:
    with tempfile.TemporaryDirectory() as temporary:
        env = {**os.environ, "SHEQUN_DATA_DIR": str(Path(temporary) / "data")}
        output = subprocess.run(
            [sys.executable, __file__, "--child", step, str(path), temporary],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        ).stdout
    return json.loads(output.splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, path, work = args.child
        print(json.dumps(child(step, Path(path), Path(work))))
        return 0
    files = {"csv": OUT / f"import-{args.rows}.csv", "xlsx": OUT / f"import-{args.rows}.xlsx"}
    for kind, path in files.items():
        if not path.exists():
            print(f"writing {args.rows} rows into {path} (once)…", file=sys.stderr)
            (write_csv if kind == "csv" else write_workbook)(path, args.rows)
    for kind, path in files.items():
        steps = ["modules", *(["calamine"] if kind == "xlsx" else []), "plan", "apply"]
        print(f"{path.name} ({path.stat().st_size / 1e6:.0f} MB)")
        for step in steps:
            figures = run_child(step, path)
            print(
                f"  {step:9s} peak {figures['peak_mb']:7.0f} MB   {figures['seconds']:6.1f} s"
                + (f"   {figures['rows']} rows" if "rows" in figures else "")
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
