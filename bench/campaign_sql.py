"""A campaign's figures read from the database, over 200000 referral edges, each against one
bare recursive SQL query of the same figure in the same run; and opening one participant with
10000 descendants (the tab's tree).

    .venv/bin/python bench/campaign_sql.py [--edges N] [--runs R]

SQLite always; PostgreSQL too when SHEQUN_TEST_PG_URL is set (a new database, dropped after).
Ours: core/campaigns/inputs_sql (the reads) + the pure figures (core/campaigns/waves, funnel,
people). "funnel": the funnel read on its own (funnel_members.campaign_funnel: activation and
week 4 only, the counted edges without the waves); "funnel, report": the same stages as the
report reads them with its other figures (read_inputs, build_tree, funnel). Bare: one
recursive query giving the same figure (wave sizes; stage counts and the revenue in fen; the
10 members with the most participants below), team members left out as the figures leave
them out (a few of the members are on the team). Each pair is CHECKED: a
disagreement prints MISMATCH and the run exits non-zero. Times are wall-clock seconds, the
least of `--runs` interleaved runs, and CPU seconds of this process (SQLite runs inside it;
the machines are shared, and CPU time is less disturbed by a busy one). Goal (issue 17): each
ours ≤ 2 × bare and < 2 s; the tree < 300 ms.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta

import common
from sqlalchemy import DateTime, bindparam, insert, text

from core.campaigns.funnel import funnel
from core.campaigns.funnel_members import campaign_funnel
from core.campaigns.inputs import team_of
from core.campaigns.inputs_sql import read_edges, read_inputs, read_team
from core.campaigns.people import top_connectors
from core.campaigns.subtree import subtree
from core.campaigns.waves import build_tree
from core.common.database import open_database
from core.referrals.edges import live_key
from db.models import ActivityEvent, Member
from db.referral_models import Campaign, InviteCode, ReferralEdge

T0 = datetime(2026, 3, 1, 9, 0)
AS_OF = T0 + timedelta(days=60)
SEEDS = 2000
BIG = 10_000  # descendants of the participant the tree opens
# team members (owner, staff): seeds inviting like any other, and one invitee
TEAM = (500, 1000, 1500, 2000, SEEDS + BIG + 7)

# The counted edges (first referrer), as the figures count them, for the bare queries.
_COUNTED = """
    SELECT e.inviter_id, e.invitee_id, e.occurred_at, e.status FROM referral_edges e
    WHERE e.campaign_id = :c AND e.status IN ('pending', 'verified')
      AND NOT EXISTS (SELECT 1 FROM referral_edges o
        WHERE o.invitee_id = e.invitee_id AND o.campaign_id = e.campaign_id
          AND o.status IN ('pending', 'verified')
          AND (o.occurred_at < e.occurred_at
               OR (o.occurred_at = e.occurred_at AND o.inviter_id < e.inviter_id)))
"""
# Team members (owner, staff) are in no wave and connect nobody; whom they brought are seeds.
_TEAM = "team AS (SELECT id FROM members WHERE is_team)"
_NOT_TEAM = "NOT IN (SELECT id FROM team)"
_SEEDS = f"""
    SELECT i.member_id FROM invite_codes i WHERE i.campaign_id = :c
      AND NOT EXISTS (SELECT 1 FROM counted k WHERE k.invitee_id = i.member_id)
      AND i.member_id {_NOT_TEAM}
  UNION ALL
    SELECT k.invitee_id FROM counted k
    WHERE k.inviter_id IN (SELECT id FROM team) AND k.invitee_id {_NOT_TEAM}
"""
BARE_WAVES = f"""
WITH RECURSIVE counted AS ({_COUNTED}),
{_TEAM},
seeds(member_id) AS ({_SEEDS}),
waves(member_id, depth) AS (
    SELECT member_id, 0 FROM seeds
  UNION ALL
    SELECT k.invitee_id, w.depth + 1 FROM waves w JOIN counted k ON k.inviter_id = w.member_id
    WHERE w.depth < 100 AND k.invitee_id {_NOT_TEAM}
)
SELECT depth, COUNT(*) FROM waves GROUP BY depth ORDER BY depth
"""
BARE_CONNECTORS = f"""
WITH RECURSIVE counted AS ({_COUNTED}),
{_TEAM},
below(top_id, member_id, depth) AS (
    SELECT inviter_id, invitee_id, 1 FROM counted
    WHERE inviter_id {_NOT_TEAM} AND invitee_id {_NOT_TEAM}
  UNION ALL
    SELECT b.top_id, k.invitee_id, b.depth + 1 FROM below b
    JOIN counted k ON k.inviter_id = b.member_id
    WHERE b.depth < 100 AND k.invitee_id {_NOT_TEAM}
)
SELECT top_id, COUNT(*) AS n FROM below GROUP BY top_id ORDER BY n DESC, top_id LIMIT 10
"""


def bare_funnel(dialect: str) -> str:
    """Reached, joined, activated (72 h), retained (week 4), referred, paying and their fen: one
    query, as of :as_of (edges and codes after it are not there yet). Week 4 is elapsed days
    21–27 after the counted joining, counted only for newcomers whose week 4 has ended by :as_of
    (joined by :cutoff = as_of − 28 days); a purchase counts from joining up to :as_of (after
    the campaign's end too); team members are in no stage (their invitees are)."""
    if dialect == "sqlite":
        age = "(julianday(a.occurred_at) - julianday(k.occurred_at))"
    else:
        age = "(extract(epoch FROM a.occurred_at - k.occurred_at) / 86400.0)"
    # as of :as_of: an edge made later is no edge yet (an earlier one it loses to is earlier)
    counted = _COUNTED.replace(
        "WHERE e.campaign_id = :c", "WHERE e.occurred_at <= :as_of AND e.campaign_id = :c"
    )
    codes = "SELECT member_id FROM invite_codes WHERE campaign_id = :c AND issued_at <= :as_of"
    return f"""
WITH RECURSIVE counted AS ({counted}),
team AS (SELECT id FROM members WHERE is_team),
codes AS ({codes}),
reach(member_id) AS (
    SELECT k.invitee_id FROM counted k
    WHERE k.inviter_id IN (SELECT member_id FROM codes)
  UNION
    SELECT k.invitee_id FROM reach r JOIN counted k ON k.inviter_id = r.member_id
),
stage AS (
    SELECT k.invitee_id,
      MAX(CASE WHEN a.kind IN ('message', 'checkin') AND {age} <= 3
               AND a.occurred_at <= :as_of THEN 1 ELSE 0 END) AS act,
      MAX(CASE WHEN a.kind <> 'violation' AND {age} >= 21 AND {age} < 28
               AND k.occurred_at <= :cutoff THEN 1 ELSE 0 END) AS ret,
      MAX(CASE WHEN a.kind = 'purchase' AND a.occurred_at <= :as_of THEN 1 ELSE 0 END) AS paid,
      SUM(CASE WHEN a.kind = 'purchase' AND a.occurred_at <= :as_of
               THEN a.amount_cents ELSE 0 END) AS fen
    FROM counted k JOIN activity_events a ON a.member_id = k.invitee_id
      AND a.occurred_at >= k.occurred_at
    WHERE ({age} < 28 OR a.kind = 'purchase')
      AND k.invitee_id NOT IN (SELECT id FROM team)
    GROUP BY k.invitee_id
)
SELECT (SELECT COUNT(DISTINCT member_id) FROM codes
          WHERE member_id NOT IN (SELECT id FROM team)),
       (SELECT COUNT(*) FROM reach WHERE member_id NOT IN (SELECT id FROM team)),
       (SELECT COALESCE(SUM(act), 0) FROM stage), (SELECT COALESCE(SUM(ret), 0) FROM stage),
       (SELECT COUNT(DISTINCT k.inviter_id) FROM counted k
          JOIN counted p ON p.invitee_id = k.inviter_id
          WHERE k.status = 'verified' AND k.inviter_id NOT IN (SELECT id FROM team)),
       (SELECT COALESCE(SUM(paid), 0) FROM stage), (SELECT COALESCE(SUM(fen), 0) FROM stage)
"""


def bare_figures(session, campaign_id: int, as_of: datetime) -> tuple[int, ...]:
    """The bare funnel's row: reached … paying, then the revenue in fen."""
    dialect = session.get_bind().dialect.name
    query = text(bare_funnel(dialect)).bindparams(
        bindparam("as_of", type_=DateTime), bindparam("cutoff", type_=DateTime)
    )
    row = session.execute(
        query, {"c": campaign_id, "as_of": as_of, "cutoff": as_of - timedelta(days=28)}
    ).one()
    return tuple(int(value) for value in row)


def ours_figures(stages) -> tuple[int, ...]:
    """The funnel's stages as bare_figures gives them."""
    revenue = next(stage.amount for stage in stages if stage.key == "revenue")
    return (*(stage.count for stage in stages), int(revenue * 100))


def generate(edges: int) -> tuple[list[dict], list[dict], list[dict], int]:
    """Edges (the first BIG + 1 members are one participant's subtree), seeds' codes and
    activity; and that participant's id. Member ids run 1 … edges + SEEDS."""
    rnd = random.Random(17)
    members = edges + SEEDS
    joined = {}
    parent = {}
    # Members 1 … SEEDS are seeds; member 1's subtree is members SEEDS+1 … SEEDS+BIG, three
    # or so below each; everyone else is brought by a random earlier participant outside it.
    for member in range(1, SEEDS + 1):
        joined[member] = T0 + timedelta(hours=rnd.uniform(0, 48))
    for index in range(BIG):
        member = SEEDS + 1 + index
        parent[member] = 1 if index < 3 else SEEDS + 1 + (index - 3) // 3
    outside = list(range(2, SEEDS + 1))
    for member in range(SEEDS + BIG + 1, members + 1):
        parent[member] = outside[int(len(outside) * (1 - rnd.random() ** 3)) - 1]
        outside.append(member)
    for member in range(SEEDS + 1, members + 1):
        joined[member] = joined[parent[member]] + timedelta(hours=rnd.expovariate(1 / 30))
    edge_rows, events = [], []
    for member in range(SEEDS + 1, members + 1):
        at = joined[member]
        edge_rows.append(
            {"inviter_id": parent[member], "invitee_id": member, "occurred_at": at,
             "status": "verified" if rnd.random() < 0.9 else "pending"}
        )  # fmt: skip
        if rnd.random() < 0.7:
            events.append((member, "checkin", at + timedelta(hours=rnd.expovariate(1 / 40)), 0))
        if rnd.random() < 0.4:
            events.append((member, "message", at + timedelta(days=rnd.uniform(20, 30)), 0))
        if rnd.random() < 0.1:
            events.append((member, "purchase", at + timedelta(days=2), rnd.randint(900, 9900)))
    activity = [
        {"member_id": m, "kind": k, "occurred_at": at, "amount_cents": cents}
        for m, k, at, cents in events
    ]
    codes = [{"member_id": m, "issued_at": joined[m]} for m in range(1, SEEDS + 1)]
    return edge_rows, codes, activity, 1


def load(url: str, edges: int) -> int:
    database = open_database(url, daily_backup=False)
    edge_rows, codes, activity, _ = generate(edges)
    with database.session(write=True) as session:
        session.execute(
            insert(Member),
            [{"id": m, "nickname": f"m{m}", "is_team": m in TEAM}
             for m in range(1, edges + SEEDS + 1)],
        )  # fmt: skip
        campaign = Campaign(name="bench", starts_at=T0, status="running")
        session.add(campaign)
        session.flush()
        cid = campaign.id
        session.execute(
            insert(InviteCode),
            [{"value": f"B{row['member_id']:07d}", "campaign_id": cid, "origin": "campaign",
              **row} for row in codes],
        )  # fmt: skip
        for row in edge_rows:
            row |= {"campaign_id": cid, "how": "code", "sources": 1,
                    "live_key": live_key(row["invitee_id"], cid, None)}  # fmt: skip
        session.execute(insert(ReferralEdge), edge_rows)
        session.execute(insert(ActivityEvent), activity)
    with database.engine.connect() as connection:
        if database.engine.dialect.name == "sqlite":
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("COMMIT"))
            connection.execute(text("ANALYZE"))
    database.close()
    return cid


def same(name: str, ours, bare) -> bool:
    """Whether both sides give the same figure. Top connectors tie on counts in an order of
    their own: their counts are compared."""
    if name == "K per wave":
        return list(ours) == [count for _, count in bare]
    if name == "top connectors":
        return [n for _, n in ours] == [n for _, n in bare]
    return tuple(ours) == tuple(bare)


failed: list[str] = []  # the runs whose figures disagreed


def timed(work, runs: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def measure(url: str, edges: int, runs: int) -> None:
    started = time.perf_counter()
    cid = load(url, edges)
    database = open_database(url, daily_backup=False)
    dialect = database.engine.dialect.name
    print(f"\n{dialect}: {edges} edges loaded in {time.perf_counter() - started:.1f} s")

    def bare(sql):
        def work():
            with database.session() as session:
                return session.execute(text(sql), {"c": cid}).all()

        return work

    def ours_waves():
        with database.session() as session:
            read, team = read_edges(session, cid), read_team(session)
        return build_tree(read.edges, team).wave_sizes()

    def ours_funnel():
        with database.session() as session:
            return ours_figures(campaign_funnel(session, cid, AS_OF))

    def ours_report_funnel():
        with database.session() as session:
            inputs = read_inputs(session, cid, AS_OF)
        tree = build_tree(inputs.edges, team_of(inputs.facts))
        return ours_figures(funnel(tree, inputs.facts, AS_OF))

    def bare_funnel_work():
        with database.session() as session:
            return bare_figures(session, cid, AS_OF)

    def ours_connectors():
        with database.session() as session:
            read, team = read_edges(session, cid), read_team(session)
        return [(c.member_id, c.brought) for c in top_connectors(build_tree(read.edges, team))]

    pairs = {
        "K per wave": (ours_waves, bare(BARE_WAVES)),
        "funnel": (ours_funnel, bare_funnel_work),
        "funnel, report": (ours_report_funnel, bare_funnel_work),
        "top connectors": (ours_connectors, bare(BARE_CONNECTORS)),
    }
    mismatches: list[str] = []
    for name, (ours, baseline) in pairs.items():
        best = {"ours": [float("inf")] * 2, "bare": [float("inf")] * 2}
        results = {}
        for _ in range(runs):  # interleaved, so a busy moment hits both
            for side, work in (("ours", ours), ("bare", baseline)):
                wall, cpu = time.perf_counter(), time.process_time()
                results[side] = work()
                spent = (time.perf_counter() - wall, time.process_time() - cpu)
                best[side] = [min(a, b) for a, b in zip(best[side], spent, strict=True)]
        (ours_time, ours_cpu), (bare_time, bare_cpu) = best["ours"], best["bare"]
        ours_result, bare_result = results["ours"], results["bare"]
        print(f"  {name:15} ours {ours_time:6.3f} s  bare {bare_time:6.3f} s  "
              f"ratio {ours_time / bare_time:5.2f}   (CPU {ours_cpu:5.2f} s / {bare_cpu:5.2f} s "
              f"= {ours_cpu / bare_cpu:5.2f})")  # fmt: skip
        print(f"    ours {str(ours_result)[:110]}")
        print(f"    bare {str(bare_result)[:110]}")
        if not same(name, ours_result, bare_result):
            mismatches.append(name)
            print(f"  MISMATCH: {name}: ours and bare disagree (see the two lines above)")

    def tree_open():
        with database.session() as session:
            return subtree(session, cid, 1)

    if mismatches:
        failed.append(f"{dialect}: {', '.join(mismatches)}")
    else:
        print("  checked: ours and bare give the same figures")
    tree_time, found = timed(tree_open, runs)
    print(f"  tree of member 1: {found.descendants} below, waves {found.by_wave}, "
          f"{tree_time * 1000:.0f} ms")  # fmt: skip
    database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    common.on_sqlite_then_postgres(measure, "campaign-sql.db", args.edges, args.runs)
    if failed:
        raise SystemExit("MISMATCH between ours and bare: " + "; ".join(failed))


if __name__ == "__main__":
    main()
