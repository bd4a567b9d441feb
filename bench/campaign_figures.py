"""A campaign's figures over 200000 referral edges, in pure Python, and a bare baseline.

    .venv/bin/python bench/campaign_figures.py [--edges N]

Ours: the referral tree (first referrer wins, waves, cycle check), then the funnel, K per
wave with every other campaign figure, and the top connectors and leaderboard, over plain
inputs (no database: the SQL side of issue 17 will feed them). Baseline, in the same run: one
bare pass over the edges building the children dict, which no figure can do without.
Times are CPU seconds of this process (the machines are shared: wall-clock time counts the
waits for a core), the least of `--runs` interleaved runs.
Inputs are generated with a fixed seed: 10000 seeds, each newcomer brought by a recent
participant (so the tree runs many waves deep), a few activity times and some purchases each.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal

import common  # noqa: F401  (puts the project on sys.path)

from core.campaigns.figures import campaign_figures
from core.campaigns.funnel import funnel
from core.campaigns.inputs import PENDING, VERIFIED, Costs, Edge, MemberFacts
from core.campaigns.people import leaderboard, top_connectors
from core.campaigns.waves import build_tree

T0 = datetime(2026, 3, 1, 9, 0)
SEEDS = 10_000


def generate(count: int) -> tuple[list[Edge], dict[int, MemberFacts]]:
    rnd = random.Random(17)
    edges, joined = [], []
    for member in range(1, SEEDS + 1):
        at = T0 + timedelta(hours=rnd.uniform(0, 48))
        edges.append(Edge(None, member, at))
        joined.append((member, at))
    for member in range(SEEDS + 1, count + 1):
        inviter, since = joined[int(len(joined) * (1 - rnd.random() ** 3)) - 1]
        at = since + timedelta(hours=rnd.expovariate(1 / 30))
        activated = at + timedelta(hours=rnd.expovariate(1 / 40)) if rnd.random() < 0.7 else None
        status = VERIFIED if rnd.random() < 0.9 else PENDING
        edges.append(Edge(inviter, member, at, activated, status=status))
        joined.append((member, at))
    facts = {}
    for member, at in joined:
        active = tuple(sorted(at + timedelta(days=rnd.uniform(0, 45)) for _ in range(3)))
        buys = rnd.random() < 0.1
        facts[member] = MemberFacts(
            member,
            code_issued=member <= SEEDS,
            poster_made=rnd.random() < 0.3,
            active_at=active,
            revenue=Decimal(rnd.randint(10, 300)) if buys else Decimal(0),
            purchases=1 if buys else 0,
        )
    return edges, facts


def ours(edges, facts, as_of) -> dict[str, float]:
    times = {}
    started = time.process_time()
    tree = build_tree(edges)
    times["referral tree (waves)"] = time.process_time() - started
    started = time.process_time()
    funnel(tree, facts, as_of)
    times["funnel"] = time.process_time() - started
    started = time.process_time()
    campaign_figures(tree, facts, Costs(Decimal(50_000)), as_of)
    times["K per wave + all figures"] = time.process_time() - started
    started = time.process_time()
    top_connectors(tree, 20)
    leaderboard(tree, 100)
    times["top connectors + leaderboard"] = time.process_time() - started
    return times


def bare(edges) -> float:
    started = time.process_time()
    children: dict = {}
    for edge in edges:
        children.setdefault(edge.inviter_id, []).append(edge.invitee_id)
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edges", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    edges, facts = generate(args.edges)
    as_of = T0 + timedelta(days=40)
    tree = build_tree(edges)
    figures = campaign_figures(tree, facts, Costs(Decimal(50_000)), as_of)
    print(
        f"{len(edges):,} edges, {figures.participants:,} participants, {len(tree.waves)} waves, "
        f"K {figures.k:.3f}, cycle time {figures.cycle_time_hours:.1f} h"
    )
    runs, bares = [], []
    for _ in range(args.runs):  # interleaved, so a busy moment hits both
        runs.append(ours(edges, facts, as_of))
        bares.append(bare(edges))
    total = min(sum(run.values()) for run in runs)
    for name in runs[0]:
        print(f"{name:<30} {min(run[name] for run in runs) * 1000:8.1f} ms")
    print(f"{'all of ours':<30} {total * 1000:8.1f} ms")
    base = min(bares)
    print(f"{'bare children dict':<30} {base * 1000:8.1f} ms")
    print(f"ratio ours / bare: {total / base:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
