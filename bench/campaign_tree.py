"""Opening a participant in the 活动 tab's tree: the member with 10000 descendants among
200000 referral edges, against one bare recursive SQL query of the same subtree.

    .venv/bin/python bench/campaign_tree.py [--edges N] [--runs R]

SQLite always; PostgreSQL too when SHEQUN_TEST_PG_URL is set (a new database, dropped after).
The data is bench/campaign_sql.py's (member 1 is a seed with 10000 below, three under each).
Ours: core/campaigns/branches.children (the invitees with invited/verified/below counts, what
the tree shows when a node opens) and, for comparison, core/campaigns/subtree.subtree (every
member below handed to Python). Bare: one recursive query counting the same subtree. Times are
wall-clock ms, the least of `--runs` interleaved runs. Goal (issue 17): opening < 300 ms.
Also timed: the first level (the seeds, with their direct invitees) and the count below every
seed that the page fills in afterwards (a walk of the whole campaign).
"""

from __future__ import annotations

import argparse
import time

import common
from campaign_sql import load
from sqlalchemy import text

from core.campaigns.branches import children, path_to, seed_descendants, seeds
from core.campaigns.subtree import _COUNTED, subtree
from core.common.database import open_database

BARE = f"""
WITH RECURSIVE down(member_id, depth) AS (
    SELECT e.invitee_id, 1 FROM referral_edges e WHERE e.inviter_id = :member AND {_COUNTED}
  UNION ALL
    SELECT e.invitee_id, d.depth + 1 FROM down d JOIN referral_edges e
      ON e.inviter_id = d.member_id WHERE d.depth < 100 AND {_COUNTED}
)
SELECT COUNT(*) FROM down
"""


def measure(url: str, edges: int, runs: int) -> None:
    started = time.perf_counter()
    cid = load(url, edges)
    database = open_database(url, daily_backup=False)
    print(f"\n{database.engine.dialect.name}: {edges} edges loaded in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip

    def session_run(work):
        def run():
            with database.session() as session:
                return work(session)

        return run

    cases = {
        "open member 1 (children + counts)": session_run(lambda s: children(s, cid, 1)),
        "bare recursive count": session_run(
            lambda s: s.execute(text(BARE), {"campaign": cid, "member": 1}).scalar()
        ),
        "whole subtree to Python (old)": session_run(lambda s: subtree(s, cid, 1)),
        "path up from the deepest": session_run(lambda s: path_to(s, cid, 2000 + 10_000)),
        "seeds (first level)": session_run(lambda s: seeds(s, cid)),
        "below every seed (after)": session_run(lambda s: seed_descendants(s, cid)),
    }
    best = {name: float("inf") for name in cases}
    results = {}
    for _ in range(runs):  # interleaved, so a busy moment hits every case
        for name, work in cases.items():
            at = time.perf_counter()
            results[name] = work()
            best[name] = min(best[name], time.perf_counter() - at)
    opened = results["open member 1 (children + counts)"]
    below = sum(branch.descendants + 1 for branch in opened)
    bare = best["bare recursive count"]
    for name, seconds in best.items():
        print(f"  {name:34} {seconds * 1000:7.1f} ms  ratio {seconds / bare:5.2f}")
    print(
        f"  member 1: {len(opened)} invitees, {below} below (bare: "
        f"{results['bare recursive count']}); {len(results['seeds (first level)'])}"
        f" seeds; goal < 300 ms: {'met' if best[next(iter(best))] < 0.3 else 'NOT met'}"
    )
    database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    common.on_sqlite_then_postgres(measure, "campaign-tree.db", args.edges, args.runs)


if __name__ == "__main__":
    main()
