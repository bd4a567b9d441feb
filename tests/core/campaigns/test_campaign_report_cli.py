"""`main.py campaigns report` and `campaigns forecast` on the 15-person campaign written into
the database (tests/core/campaigns/tree15_db.py): the figures as computed by hand, as text and
--json; a campaign imported with totals only says which figures it cannot give; bad input is
one line. SQLite and PostgreSQL."""

from __future__ import annotations

import json

from db.models import Member
from db.referral_models import Campaign, CampaignToolTotal
from tests.core.campaigns import tree15_db
from tests.core.campaigns.tree15 import AS_OF
from tests.main_process import run_main

WHEN = f"{AS_OF:%Y-%m-%d %H:%M}"


def main(url, *args):
    return run_main(*args, "--db", url)


def test_report_json_and_text(database, migrated_url):
    with database.session() as session:
        tree15_db.load(session)
    data = json.loads(main(migrated_url, "campaigns", "report", "tree15", "--as-of", WHEN,
                           "--json").stdout)  # fmt: skip
    assert (data["participants"], data["seeds"], data["invitees"]) == (15, 3, 12)
    assert [w["participants"] for w in data["waves"]] == [3, 4, 4, 3, 1]
    assert abs(data["k"] - 6 / 7) < 1e-9 and data["fission_rate"] == 0.8
    assert data["cycle_time_hours"] == 22
    assert (data["retained"]["count"], data["retained"]["of"]) == (6, 12)
    assert data["revenue"] == "648" and data["unavailable"] == []
    # Top connector: 1 brought 4, 5, 6 and below them 8 9 10 12 13 14 15 (9 counts under 4).
    assert data["connectors"][0] | {"reached_at": None} == {
        "member_id": 1, "name": "m1", "wave": 0, "converted": 3, "descendants": 7,
        "reached_at": None,
    }  # fmt: skip
    # As test_campaign_figures counts them, but reached: posters are not recorded per member.
    assert [s["count"] for s in data["funnel"]] == [6, 12, 7, 6, 5, 3]

    text = main(migrated_url, "campaigns", "report", "tree15", "--as-of", WHEN)
    assert text.returncode == 0, text.stderr
    assert "参与 15\t种子 3\t新成员 12" in text.stdout
    assert "裂变周期（中位数）22.0 小时（8 位邀请人）" in text.stdout
    assert "1. #1 m1\t直接邀请 3\t间接 7" in text.stdout


def test_forecast(database, migrated_url):
    with database.session() as session:
        tree15_db.load(session)
    result = main(migrated_url, "campaigns", "forecast", "tree15", "--days", "3", "--as-of",
                  WHEN, "--k", "0.5", "--cycle-hours", "24", "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["days"]) == 3 and data["assumptions"]
    assert data["k_source"] in ("observed", "plan")
    text = main(migrated_url, "campaigns", "forecast", "tree15", "--days", "2", "--as-of", WHEN,
                "--k", "0.5", "--cycle-hours", "24")  # fmt: skip
    assert "预测" in text.stdout and "假设：" in text.stdout


def test_totals_only_says_what_it_cannot_give(database, migrated_url):
    """A campaign known from a tool's export (campaigns import → campaign_tool_totals)."""
    with database.session() as session:
        first, second = Member(nickname="甲"), Member(nickname="乙")
        session.add_all([first, second])
        session.flush()
        campaign = Campaign(name="导入活动")
        session.add(campaign)
        session.flush()
        for name, member, count in (("甲", first.id, 5), ("乙", second.id, 9), ("丙", None, 3)):
            total = CampaignToolTotal(
                campaign_id=campaign.id, source="linkwechat_group", name=name, new_customers=count
            )
            total.member_id = member
            session.add(total)
        ids = [first.id, second.id]
    data = json.loads(main(migrated_url, "campaigns", "report", "导入活动", "--json").stdout)
    assert "waves" not in data and "k" not in data
    # every row of the export counts, 丙 too (matched to nobody: no connector, still a total)
    assert data["totals"] == {"participants": 3, "new_customers": 17, "matched": 2, "done": 0,
                              "sources": ["linkwechat_group"]}  # fmt: skip
    assert "没有谁邀请了谁" in data["unavailable"][0] and "每波 K" in data["unavailable"][0]
    assert [c["member_id"] for c in data["connectors"]] == [ids[1], ids[0]]
    text = main(migrated_url, "campaigns", "report", "导入活动").stdout
    assert "无法给出" in text and "K 0.00" not in text
    assert "参与者 3（认出成员 2）" in text and "裂变新客 17" in text
    assert text.count("无法给出") == 1


def test_bad_input_is_one_line(database, migrated_url):
    for args in (("report", "没有这个"), ("forecast", "没有这个"),
                 ("report", "x", "--as-of", "昨天")):  # fmt: skip
        result = main(migrated_url, "campaigns", *args)
        assert result.returncode != 0
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_report_of_a_running_campaign_shows_no_share_of_nothing(database, migrated_url):
    # At hour 100 nobody has been in for 14 days, let alone 4 weeks; 7's only invite (11)
    # is still pending. The deepest wave (15) has no K, and 10, 13 and 14 are still inviting.
    with database.session() as session:
        tree15_db.load(session)
    when = f"{tree15_db.tree15.at(100):%Y-%m-%d %H:%M}"
    text = main(migrated_url, "campaigns", "report", "tree15", "--as-of", when).stdout
    assert "0/0" not in text and "K 0.00" not in text
    assert "第 4 周留存 —（还没有新成员入群满 28 天）" in text
    assert "第 7 天后活跃 —（还没有新成员入群满 14 天）" in text
    assert "留存（第 4 周活跃） —（还没有新成员入群满 28 天）" in text
    assert "推荐（≥1 个有效邀请） 5/11（1 位新成员的邀请还在待定期，是否有效尚未确定）" in text
    assert "第4波 1人→0（K —，最新一波，还没有下一波）" in text
    assert "每留存成员 —" in text
    data = json.loads(main(migrated_url, "campaigns", "report", "tree15", "--as-of", when,
                           "--json").stdout)  # fmt: skip
    assert data["retained"] == {"count": 0, "of": 0, "share": None}
    assert data["waves"][4]["k"] is None and data["waves"][4]["deepest"]
    assert data["inviting"] == 3 and data["k"] == 1.0
    retained = next(s for s in data["funnel"] if s["stage"] == "retained")
    assert retained["measurable"] == 0 and retained["reason"] == "还没有新成员入群满 28 天"
