"""Settling a campaign of 200000 referral edges (load_facts + decide: what 结算奖励 waits for),
the 活动 tab's 概况 and 参与者 reads, and a 助力 campaign's facts, each against a bare SQL read
of the same rows in the same run.

    .venv/bin/python bench/campaign_settle.py [--edges N] [--runs R] [--fresh] [--profile]
        [--only NAME …]   (e.g. --only 概况 参与者: the figures whose name starts so)

SQLite (the database of bench/campaign_sql.py's generator, kept in bench/out/ and reused; each
member also gets a membership and a phone, a few share an inviter's phone). Ours:
core/campaigns/facts_sql.load_facts (with the type facts), rewards.decide, live.campaign_live,
participants.campaign_participants (cold, and as the tab's second page with the decisions the
概况 made: SharedDecisions). Bare: one plain SQL query reading the rows the facts come
from (each edge with its invitee's first activation after it, both members' nickname and phone,
the invitee's first membership). Times are wall-clock seconds, the least of `--runs`
interleaved runs, and CPU seconds of this process (less disturbed by a busy machine).
Goal: as fast as we can (issue 17: an owner clicking 结算奖励 waits for settle).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import time
from datetime import timedelta

import campaign_sql
import common
from sqlalchemy import insert, text

from core.campaigns.facts_sql import load_facts
from core.campaigns.live import SharedDecisions, campaign_decisions, campaign_live
from core.campaigns.participants import campaign_participants
from core.campaigns.rewards import decide
from core.campaigns.settings import parse
from core.common.database import open_database
from db.campaign_fact_models import CampaignHelp
from db.models import Community, Membership
from db.referral_models import Campaign

AS_OF = campaign_sql.AS_OF
HELPS = 40_000
SETTINGS = {"inviter": {"points": 10}, "invitee": {"points": 5}}
HELP_SETTINGS = {"helpers_needed": 3, "gift": {"points": 20}}

BARE = """
SELECT e.id, e.inviter_id, e.invitee_id, e.occurred_at, e.status,
       (SELECT MIN(a.occurred_at) FROM activity_events a WHERE a.member_id = e.invitee_id
          AND a.kind IN ('message', 'checkin') AND a.occurred_at >= e.occurred_at),
       r.nickname, r.phone, i.nickname, i.phone,
       (SELECT MIN(m.joined_at) FROM memberships m WHERE m.member_id = e.invitee_id)
FROM referral_edges e JOIN members r ON r.id = e.inviter_id JOIN members i ON i.id = e.invitee_id
WHERE e.campaign_id = :c
"""
BARE_HELPS = """
SELECT h.target_id, h.helper_id, h.at, m.nickname, m.phone,
       (SELECT MIN(s.joined_at) FROM memberships s WHERE s.member_id = h.helper_id)
FROM campaign_helps h JOIN members m ON m.id = h.helper_id WHERE h.campaign_id = :c
"""


def build(url: str, edges: int) -> tuple[int, int]:
    """The referral campaign (bench/campaign_sql.py's) and a 助力 campaign beside it."""
    cid = campaign_sql.load(url, edges)
    database = open_database(url, daily_backup=False)
    rnd = random.Random(7)
    members = edges + campaign_sql.SEEDS
    edge_rows, _, _, _ = campaign_sql.generate(edges)
    joined = {row["invitee_id"]: row["occurred_at"] for row in edge_rows}
    with database.session(write=True) as session:
        session.execute(text("UPDATE campaigns SET settings = :s WHERE id = :c"),
                        {"s": json.dumps(SETTINGS), "c": cid})  # fmt: skip
        community = Community(name="bench")
        session.add(community)
        session.flush()
        session.execute(
            insert(Membership),
            [{"member_id": m, "community_id": community.id,
              "joined_at": joined.get(m, campaign_sql.T0) + timedelta(minutes=1)}
             for m in range(1, members + 1)],
        )  # fmt: skip
        # phones: everyone has one; one in a hundred shares its inviter's (a blocking signal)
        phones = {m: f"138{m:08d}" for m in range(1, members + 1)}
        for row in edge_rows:
            if rnd.random() < 0.01:
                phones[row["invitee_id"]] = phones[row["inviter_id"]]
        session.execute(
            text("UPDATE members SET phone = :p WHERE id = :m"),
            [{"p": p, "m": m} for m, p in phones.items()],
        )
        helping = Campaign(name="bench help", kind="help", starts_at=campaign_sql.T0,
                           status="running", settings=HELP_SETTINGS)  # fmt: skip
        session.add(helping)
        session.flush()
        helpers = rnd.sample(range(1, members + 1), min(HELPS, members // 5))
        targets = rnd.sample(range(1, members + 1), len(helpers) // 4)
        rows = []
        for helper in helpers:
            target = rnd.choice(targets)
            if target != helper:
                at = campaign_sql.T0 + timedelta(hours=rnd.uniform(0, 400))
                rows.append({"campaign_id": helping.id, "target_id": target,
                             "helper_id": helper, "at": at})  # fmt: skip
        session.execute(insert(CampaignHelp), rows)
        help_id = helping.id
    with database.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    database.close()
    return cid, help_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="generate the database again")
    parser.add_argument("--profile", action="store_true", help="cProfile each of ours once")
    parser.add_argument("--only", nargs="+", help="only the figures whose name starts so")
    args = parser.parse_args()
    common.OUT.mkdir(parents=True, exist_ok=True)
    path = common.OUT / f"campaign-settle-{args.edges}.db"
    url = f"sqlite:///{path}"
    if args.fresh or not path.exists():
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        build(url, args.edges)
        print(f"generated in {time.perf_counter() - started:.1f} s")
    database = open_database(url, daily_backup=False)
    with database.session() as session:
        ids = dict(session.execute(text("SELECT kind, id FROM campaigns")).all())
    cid, help_id = ids["invite_code"], ids["help"]

    def facts_of(campaign_id):
        with database.session() as session:
            campaign = session.get(Campaign, campaign_id)
            return parse(campaign.kind, campaign.settings), load_facts(session, campaign, AS_OF)

    settings, facts = facts_of(cid)
    help_settings, help_facts = facts_of(help_id)

    def bare(sql, campaign_id):
        def work():
            with database.session() as session:
                return len(session.execute(text(sql), {"c": campaign_id}).all())

        return work

    def settle():
        return decide(*facts_of(cid))

    def on_page(read):
        def work():
            with database.session() as session:
                return read(session, cid, AS_OF)

        return work

    # the 活动 tab's second page: the 概况's decisions already made (SharedDecisions)
    shared = SharedDecisions()
    with database.session() as session:
        campaign_decisions(session, session.get(Campaign, cid), AS_OF, shared)

    def participants_shared():
        with database.session() as session:
            return campaign_participants(session, cid, AS_OF, shared)

    base = bare(BARE, cid)
    pairs = {
        "load_facts": (lambda: facts_of(cid)[1], base),
        "decide": (lambda: decide(settings, facts), base),
        "settle (both)": (settle, base),
        "概况 (live)": (on_page(campaign_live), base),
        "参与者": (on_page(campaign_participants), base),
        "参与者 after 概况": (participants_shared, base),
        "助力 load_facts": (lambda: facts_of(help_id)[1], bare(BARE_HELPS, help_id)),
        "助力 decide": (lambda: decide(help_settings, help_facts), bare(BARE_HELPS, help_id)),
    }
    print(f"sqlite: {args.edges} edges, {len(facts.people)} people; "
          f"助力 {len(help_facts.helps)} helps")  # fmt: skip
    for name, (ours, baseline) in pairs.items():
        if args.only and not any(name.startswith(prefix) for prefix in args.only):
            continue
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(ours)
            print(f"--- {name}")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            continue
        best = {"ours": [float("inf")] * 2, "bare": [float("inf")] * 2}
        for _ in range(args.runs):  # interleaved, so a busy moment hits both
            for side, work in (("ours", ours), ("bare", baseline)):
                wall, cpu = time.perf_counter(), time.process_time()
                work()
                spent = (time.perf_counter() - wall, time.process_time() - cpu)
                best[side] = [min(a, b) for a, b in zip(best[side], spent, strict=True)]
        (ours_wall, ours_cpu), (bare_wall, bare_cpu) = best["ours"], best["bare"]
        print(f"  {name:16} ours {ours_wall:7.3f} s  bare {bare_wall:6.3f} s  "
              f"ratio {ours_wall / bare_wall:6.2f}   (CPU {ours_cpu:6.2f} s / {bare_cpu:5.2f} s "
              f"= {ours_cpu / bare_cpu:5.2f})", flush=True)  # fmt: skip
    database.close()


if __name__ == "__main__":
    main()
