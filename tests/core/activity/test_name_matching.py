"""Issue 15: 「张秀云🍀」 checked in through a 接龙 went to A_季辉, whose group nickname is 张秀云,
although a member called exactly 张秀云🍀 is in the group. The 接龙 paste and the activity import
now share one matcher: exact before partial, and a tie at the best strength is a question."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from core.activity.importing import plan_activity_import
from core.activity.paste import plan_paste
from core.common.database import open_database
from core.members.editing import refresh_search_keys
from core.workflows.activity import record_paste
from db.models import ActivityEvent, Member, Membership
from tests.core.tiers.helpers import NOW, community, member
from tests.main_process import run_main

TODAY = NOW.date()
GROUP = "打卡群"


def add_people(session) -> tuple[int, dict[str, int]]:
    cid = community(session, GROUP)
    ids = {}
    for key, nickname, group_nickname in (
        ("jihui", "A_季辉", "张秀云"),
        ("xiuyun", "张秀云🍀", None),
        ("wang", "小王", None),
        ("wang2", "王小二", "小王"),
        ("lily", "Lily", None),
    ):
        mid = member(session, cid, nickname)
        refresh_search_keys(session, session.get(Member, mid))
        if group_nickname:
            session.execute(
                Membership.__table__.update()
                .where(Membership.member_id == mid)
                .values(group_nickname=group_nickname)
            )
        ids[key] = mid
    session.commit()
    return cid, ids


@pytest.fixture
def people(database):
    with database.session() as session:
        cid, ids = add_people(session)
    return database, cid, ids


PASTE = "#接龙 3月5日打卡\n1. 张秀云🍀 已打卡\n2. 小王 打卡\n3. 🌸Lily🌸\n"


def test_the_exact_name_gets_the_check_in(people):
    database, cid, ids = people
    with database.session() as session:
        plan = plan_paste(session, PASTE, cid, day=TODAY, today=TODAY)
        matched = {m.name: (m.member_id, m.matched_by, m.exact) for m in plan.matched}
        assert matched["张秀云🍀"] == (ids["xiuyun"], "nickname", True)
        assert matched["🌸Lily🌸"] == (ids["lily"], "nickname", False)  # a partial match, flagged
        # 小王 is one member's nickname and another's group nickname: a question, not a guess.
        (question,) = plan.unmatched
        assert question.name == "小王" and question.ambiguous
        assert question.candidates == [(ids["wang"], "小王"), (ids["wang2"], "王小二")]
        record_paste(session, plan, now=NOW)
        session.commit()
    with database.session() as session:
        checked_in = set(session.scalars(select(ActivityEvent.member_id)))
    assert checked_in == {ids["xiuyun"], ids["lily"]}  # A_季辉 got nothing


def test_the_question_is_answered_by_choosing(people):
    database, cid, ids = people
    with database.session() as session:
        plan = plan_paste(
            session, PASTE, cid, day=TODAY, today=TODAY, chosen={"小王": ids["wang2"]}
        )
    assert not plan.unmatched
    assert {m.name: m.member_id for m in plan.matched}["小王"] == ids["wang2"]


def test_the_activity_import_uses_the_same_rules(people, tmp_path):
    database, _cid, ids = people
    book = Workbook()
    sheet = book.active
    day = TODAY - timedelta(days=1)
    for row in (
        ["社群", "昵称", "行为", "日期"],
        [GROUP, "张秀云🍀", "签到", day],
        [GROUP, "小王", "签到", day],
    ):
        sheet.append(row)
    path = tmp_path / "打卡.xlsx"
    book.save(path)
    with database.session() as session:
        plan = plan_activity_import(session, path, today=TODAY)
    assert [event.member_id for event in plan.events] == [ids["xiuyun"]]
    (rejected,) = plan.rejected
    assert rejected.row == 3
    with database.session() as session:
        added = session.get(Member, ids["wang"]).created_at.strftime("%Y-%m-%d")
    # Each candidate told apart: 王小二 by their 群昵称 there; 小王 has nothing but the day.
    assert rejected.reason == (
        f"「{GROUP}」里有 2 位成员都可能是「小王」：小王 · {added} 建档（#{ids['wang']}）、"
        f"王小二 · 群昵称 小王（#{ids['wang2']}），无法确定是谁"
    )


def test_cli_lists_the_question_and_takes_a_pick(tmp_path):
    data = tmp_path / "data"
    database = open_database(f"sqlite:///{data / 'shequn.db'}", daily_backup=False)
    with database.session() as session:
        _cid, ids = add_people(session)
    database.close()
    paste = tmp_path / "接龙.txt"
    yesterday = date.today() - timedelta(days=1)
    paste.write_text(
        PASTE.replace("3月5日", f"{yesterday.month}月{yesterday.day}日"), encoding="utf-8"
    )

    result = run_main("activity", "paste", str(paste), "--community", GROUP, data_dir=data)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "记录 2 次签到" in out
    assert (
        f"待选择（没有记录）：「小王」可能是 小王（#{ids['wang']}）、王小二（#{ids['wang2']}）"
        in out
    )
    assert "--pick 小王=编号" in out
    assert "近似匹配（请核对）：「🌸Lily🌸」→ Lily" in out

    picked = run_main(
        "activity", "paste", str(paste), "--community", GROUP, "--json",
        "--pick", f"小王={ids['wang2']}", data_dir=data,
    )  # fmt: skip
    assert picked.returncode == 0, picked.stderr
    summary = json.loads(picked.stdout)
    assert summary["added"] == 1 and summary["unmatched"] == []
    by_name = {m["name"]: m for m in summary["matched"]}
    assert (by_name["小王"]["member_id"], by_name["小王"]["matched_by"]) == (ids["wang2"], "chosen")
    assert by_name["张秀云🍀"]["member_id"] == ids["xiuyun"] and by_name["张秀云🍀"]["exact"]

    wrong = run_main(
        "activity", "paste", str(paste), "--community", GROUP, "--pick", "小王", data_dir=data
    )
    assert wrong.returncode != 0 and "--pick" in wrong.stderr and "Traceback" not in wrong.stderr
