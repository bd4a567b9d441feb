"""`main.py campaigns settle | review` as a user runs them: --json, --dry-run writes nothing,
the queue listed, a reject without a reason refused in one line, then kept."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from core.common.database import open_database
from db.ledger_models import LedgerEntry
from tests.core.campaigns.test_campaign_settle import HOLD_ALL, setup
from tests.main_process import run_main


def test_settle_and_review_from_the_command_line(sqlite_url):
    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        settings = {**HOLD_ALL, "screening": {"mode": "hold_all", "review_days": 365}}
        campaign, *_ = setup(session, settings=settings, invitees=2)
        name = campaign.name
    database.close()

    def main(*args):
        return run_main("campaigns", *args, "--db", sqlite_url)

    settled = main("settle", name, "--json")
    assert settled.returncode == 0, settled.stderr
    data = json.loads(settled.stdout)
    assert data["decisions"] == {"held": 2} and data["waiting"] == 2 and data["awarded"] == 0

    listed = main("review", name, "--json")
    assert listed.returncode == 0, listed.stderr
    keys = [item["key"] for item in json.loads(listed.stdout)["queue"]]
    assert len(keys) == 2
    human = main("review", name)
    assert "待审核 2 条" in human.stdout and keys[0] in human.stdout

    dry = main("review", name, "--approve", keys[0], "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["awarded"] == 1 and json.loads(dry.stdout)["dry_run"]
    refused = main("review", name, "--reject", keys[1])
    assert refused.returncode == 1 and "原因" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1

    assert main("review", name, "--approve", keys[0]).returncode == 0
    rejected = main("review", name, "--reject", keys[1], "--reason", "小号", "--json")
    assert rejected.returncode == 0, rejected.stderr
    assert json.loads(rejected.stdout)["decisions"]["void"] == 1
    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
    database.close()
