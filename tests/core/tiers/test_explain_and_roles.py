"""The why-panel data, the tiers/activity command lines, and role history."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.common.database import open_database
from core.members.editing import set_members_role
from core.tiers.explain import explain_member
from core.tiers.recompute import recompute_levels
from db.models import RoleChange
from tests.core.tiers.helpers import NOW, community, events, member
from tests.main_process import run_main

ROOT = Path(__file__).resolve().parents[3]


def test_explain_lists_criteria_figures_and_what_is_missing(database):
    with database.session() as session:
        cid = community(session)
        for n in range(60):
            member(session, cid, f"路人{n}")
        mid = member(session, cid, "张小凡")
        events(session, mid, cid, "checkin", range(1, 6))  # 5 check-in days
        events(session, mid, cid, "message", range(1, 13), per_day=3)  # 12 days, 36 messages
        recompute_levels(session, now=NOW)
        (item,) = explain_member(session, mid, now=NOW)
    assert (item.level, item.level_name, item.next_level) == ("participant", "参与者", "active")
    rows = {c.metric: (c.figure, c.threshold, c.missing) for c in item.next}
    assert rows == {"active_days": (12, 15, 3), "checkins": (5, 8, 3), "messages": (36, 30, 0)}
    assert item.hint == "再活跃 3 天、再签到 3 天即可升级为活跃成员"
    assert [c.met for c in item.current] == [True]


def test_role_changes_are_kept_with_who_and_why(database):
    with database.session() as session:
        cid = community(session)
        mid = member(session, cid)
        assert set_members_role(session, [mid], cid, "leader") == 1
        assert set_members_role(session, [mid], cid, "leader") == 0  # no change, no history
        set_members_role(session, [mid], cid, "connector")
        history = session.execute(
            select(RoleChange.from_role, RoleChange.to_role).order_by(RoleChange.id)
        ).all()
    assert history == [("follower", "leader"), ("leader", "connector")]


@pytest.fixture
def cli_db(sqlite_url, tmp_path):
    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        cid = community(session, "晨跑群")
        member(session, cid, "张小凡")
        member(session, cid, "Lily")
        session.commit()
    database.close()
    return sqlite_url


def test_activity_paste_and_tiers_from_the_command_line(cli_db, tmp_path):
    text = tmp_path / "jielong.txt"
    day = date.today() - timedelta(days=1)  # the real clock: explain counts the last 100 days
    title = f"{day.month}月{day.day}日打卡"
    text.write_bytes(f"#接龙\n{title}\n1. 张小凡 已打卡\n2. 无名氏\n".encode("gb18030"))
    args = ["--db", cli_db, "activity", "paste", str(text), "--community", "晨跑群"]
    first = run_main(*args, "--json")
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    assert data["added"] == 1
    assert [m["name"] for m in data["matched"]] == ["张小凡"]
    assert [u["name"] for u in data["unmatched"]] == ["无名氏"]
    again = json.loads(run_main(*args, "--json").stdout)
    assert again["added"] == 0 and again["matched"][0]["already_recorded"] is True

    recompute = run_main("--db", cli_db, "tiers", "recompute", "--json")
    assert recompute.returncode == 0, recompute.stderr
    assert json.loads(recompute.stdout)["examined"] == 2

    explain = run_main("--db", cli_db, "tiers", "explain", "张小凡", "--json")
    assert explain.returncode == 0, explain.stderr
    (item,) = json.loads(explain.stdout)["communities"]
    assert item["community"] == "晨跑群"
    # Two members: cold start lifts everyone to 参与者; the next level needs 15 active days.
    assert item["level"] == "participant"
    assert item["next"][0]["figure"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tiers", "explain", "没有这个人"], "没有编号或昵称"),
        (["activity", "paste", "/nonexistent.txt", "--community", "晨跑群"], "找不到文件"),
        (["activity", "paste", "{file}", "--community", "不存在的群"], "没有名为"),
        (["activity", "paste", "{file}", "--community", "晨跑群", "--date", "2026/1/1"], "YYYY"),
        (["activity", "paste", "{binary}", "--community", "晨跑群"], "编码|没有找到"),
    ],
)
def test_command_line_refusals_are_one_line_and_change_nothing(cli_db, tmp_path, args, message):
    good = tmp_path / "ok.txt"
    good.write_text("#接龙\n1. 张小凡\n", encoding="utf-8")
    binary = tmp_path / "junk.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    args = [a.format(file=good, binary=binary) for a in args]
    result = run_main("--db", cli_db, *args)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    import re

    assert re.search(message, result.stderr)
    database = open_database(cli_db, daily_backup=False)
    with database.session() as session:
        from sqlalchemy import func

        from db.models import ActivityEvent

        assert session.scalar(select(func.count()).select_from(ActivityEvent)) == 0
    database.close()
