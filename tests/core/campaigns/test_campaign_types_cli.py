"""`main.py campaigns help | team | draw | coupons | redeem | swap | purchase` as a user runs
them: --dry-run writes nothing, --json gives the result, a refusal is one line and exit 1,
and `campaigns settle` then pays what the recorded facts earn."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from core.campaigns.records import CampaignFields, create_campaign
from core.common.database import open_database
from tests.core.tiers.helpers import community, member
from tests.main_process import run_main

START = datetime.now() - timedelta(days=1)
KINDS = {
    "助力": ("help", {"helpers_needed": 2, "gift": {"points": 20}}),
    "拼团": ("group_buy", {"team_size": 2, "member_gift": {"points": 5}}),
    "抽奖": ("lottery", {"entries": [{"name": "红包", "gift": {"points": 8}, "stock": 1}]}),
    "券": ("coupon", {"per_participant": 1, "per_invitee": 0}),
    "换物": ("swap", {"gift": {"points": 3}}),
}


@pytest.fixture
def cli_db(sqlite_url):
    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        cid = community(session, "晨跑群")
        ids = [member(session, cid, name) for name in ("张小凡", "Lily", "王五")]
        for name, (kind, settings) in KINDS.items():
            campaign = create_campaign(
                session,
                CampaignFields(
                    name, kind=kind, starts_at=START, community_ids=[cid], settings=settings
                ),
            )
            campaign.status = "running"
    database.close()
    return sqlite_url, ids


def main(url, *args):
    return run_main(*args, "--db", url)


def ok(url, *args) -> dict:
    done = main(url, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def refused(url, text, *args) -> None:
    done = main(url, *args)
    assert done.returncode == 1 and done.stdout == "", done
    assert len(done.stderr.strip().splitlines()) == 1 and text in done.stderr, done.stderr


def test_help_team_draw_and_settle(cli_db):
    url, _ = cli_db
    dry = ok(url, "campaigns", "help", "助力", "--helper", "Lily", "--for", "张小凡", "--dry-run")
    assert dry["dry_run"] and dry["counted"] == 1
    assert (
        ok(url, "campaigns", "help", "助力", "--helper", "Lily", "--for", "张小凡")["counted"] == 1
    )
    refused(
        url, "已在本活动助力过", "campaigns", "help", "助力", "--helper", "Lily", "--for", "王五"
    )
    done = main(url, "campaigns", "help", "助力", "--helper", "王五", "--for", "张小凡")
    assert done.returncode == 0 and "助力已满" in done.stdout
    settled = ok(url, "campaigns", "settle", "助力")
    assert (settled["awarded"], settled["awarded_points"]) == (1, 20)
    refused(url, "不能记录拼团", "campaigns", "team", "助力", "--member", "Lily")

    assert ok(url, "campaigns", "team", "拼团", "--member", "张小凡")["opened"]
    joined = ok(url, "campaigns", "team", "拼团", "--member", "Lily", "--join", "张小凡")
    assert joined["complete"] and joined["members"] == 2
    refused(url, "团已满", "campaigns", "team", "拼团", "--member", "王五", "--join", "张小凡")
    assert ok(url, "campaigns", "settle", "拼团")["awarded_points"] == 10

    drawn = ok(url, "campaigns", "draw", "抽奖", "--member", "Lily")
    assert (drawn["number"], drawn["won"], drawn["seed"]) == (1, "红包", "0")
    refused(url, "已抽过 1 次", "campaigns", "draw", "抽奖", "--member", "Lily")
    refused(url, "奖品已全部抽完", "campaigns", "draw", "抽奖", "--member", "王五")


def test_times_are_text_in_json_and_to_the_minute_in_the_line(cli_db):
    url, _ = cli_db
    at = (START + timedelta(hours=1)).replace(second=0, microsecond=0)
    typed = f"{at:%Y-%m-%d %H:%M}"
    helped = ok(
        url, "campaigns", "help", "助力", "--helper", "Lily", "--for", "张小凡", "--at", typed
    )
    assert helped["at"] == f"{typed}:00"
    opened = ok(url, "campaigns", "team", "拼团", "--member", "王五", "--at", typed, "--dry-run")
    deadline = at + timedelta(hours=24)  # the team's default time limit
    assert opened["deadline"] == f"{deadline:%Y-%m-%d %H:%M}:00"
    line = main(url, "campaigns", "team", "拼团", "--member", "王五", "--at", typed).stdout
    assert f"{deadline:%Y-%m-%d %H:%M} 前成团有效" in line


def test_coupons_swaps_and_a_purchase(cli_db, tmp_path):
    url, (_, lily, _) = cli_db
    made = ok(url, "campaigns", "coupons", "券", "--generate", "3", "--dry-run")
    assert made["added"] == 3 and made["dry_run"]
    file = tmp_path / "codes.csv"
    file.write_text("券码\nA-1\nA-2\n", encoding="utf-8")
    assert ok(url, "campaigns", "coupons", "券", "--import", str(file))["total"] == 2
    assert ok(url, "campaigns", "coupons", "券", "--import", str(file))["already"] == 2
    refused(url, "还没有发出", "campaigns", "redeem", "券", "A-1")
    refused(url, "不在活动", "campaigns", "redeem", "券", "B-9")

    offer = ok(
        url, "campaigns", "swap", "换物", "--offer", "书", "--item", "三体", "--member", "Lily"
    )
    want = ok(url, "campaigns", "swap", "换物", "--want", "书", "--member", "王五")
    listed = ok(url, "campaigns", "swap", "换物")
    assert [(m["offer_id"], m["want_id"]) for m in listed["matches"]] == [(offer["id"], want["id"])]
    refused(url, "须写 --item", "campaigns", "swap", "换物", "--offer", "书", "--member", "Lily")
    swap = ok(url, "campaigns", "swap", "换物", "--match", str(offer["id"]), str(want["id"]))
    ok(url, "campaigns", "swap", "换物", "--done", str(swap["id"]))
    assert ok(url, "campaigns", "settle", "换物")["awarded_points"] == 6

    bought = ok(url, "campaigns", "purchase", "券", "--member", "Lily", "--amount", "12.5")
    assert (bought["member_id"], bought["amount_cents"]) == (lily, 1250)
    assert len(bought["event_ids"]) == 1
    refused(url, "看不懂的金额", "campaigns", "purchase", "券", "--member", "Lily", "--amount", "x")
