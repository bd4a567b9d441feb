"""`campaigns import`: LinkWeChat's 群裂变明细 sample imports as participant totals (names with
group-nickname suffixes matched), the same export again adds nothing, a 任务宝 detail in the
same family imports, and bad files are refused in one line with nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from core.campaigns.records import CampaignFields, create_campaign
from core.campaigns.tool_import import import_tool_export, missing_figures
from core.common.errors import UserError
from db.models import Community, Member, Membership
from db.referral_models import CampaignToolTotal

# Made-up data, copied from /work/shared/samples.
SAMPLE = Path(__file__).parent / "samples" / "linkwechat_群裂变明细.xlsx"


def setup(session):
    group = Community(name="样例烘焙福利1群", platform="wecom")
    session.add(group)
    session.flush()
    ids = {}
    for nickname, group_nickname in (("小王", ""), ("Amy李", ""), ("陈姐", ""), ("阿杰", "")):
        member = Member(nickname=nickname)
        session.add(member)
        session.flush()
        session.add(Membership(member_id=member.id, community_id=group.id,
                               group_nickname=group_nickname))  # fmt: skip
        ids[nickname] = member.id
    session.flush()
    campaign = create_campaign(session, CampaignFields("烘焙群裂变", community_ids=[group.id]))
    return campaign, ids


def count(session):
    return session.scalar(select(func.count()).select_from(CampaignToolTotal))


def test_the_linkwechat_sample_imports_as_totals_and_twice_adds_nothing(database, tmp_path):
    path = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, path)
    with database.session() as session:
        campaign, ids = setup(session)
        first = import_tool_export(session, campaign.name, path)
        assert first.source == "linkwechat_group" and first.rows == 20
        assert first.added == 20 and first.matched >= 4
        wang = session.scalars(
            select(CampaignToolTotal).where(CampaignToolTotal.name == "小王-2栋")
        ).one()
        assert (wang.member_id, wang.state, wang.new_customers) == (ids["小王"], "done", 5)
        assert wang.staff == "李四(样例客服)"
        amy = session.scalars(
            select(CampaignToolTotal).where(CampaignToolTotal.name == "Amy李")
        ).one()
        assert amy.state == "not_done"
        assert "裂变层级（第几波）与每波 K" in first.missing and first.missing == missing_figures()

        again = import_tool_export(session, campaign.name, path)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 20)
        assert count(session) == 20


def test_a_task_ladder_detail_imports_and_bad_files_are_refused(database, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["老客", "发送员工", "裂变状态", "裂变新客数"])
    sheet.append(["陈姐", "张三", 1, 3])
    sheet.append(["阿杰(老顾客)", "张三", 2, None])
    task = tmp_path / "任务宝明细.xlsx"
    book.save(task)
    bad = openpyxl.Workbook()
    bad.active.append(["老客", "发送员工", "裂变状态", "裂变新客数"])
    bad.active.append(["陈姐", "张三", 1, 3])
    bad.active.append(["阿杰", "张三", 7, 1])
    wrong = tmp_path / "坏状态.xlsx"
    bad.save(wrong)
    other = openpyxl.Workbook()
    other.active.append(["昵称", "手机"])
    other.active.append(["陈姐", "138"])
    plain = tmp_path / "成员.xlsx"
    other.save(plain)
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    with database.session() as session:
        campaign, ids = setup(session)
        done = import_tool_export(session, campaign.name, task)
        assert (done.source, done.added, done.matched) == ("linkwechat_task", 2, 2)
        rows = session.scalars(select(CampaignToolTotal).order_by(CampaignToolTotal.id)).all()
        assert [(r.member_id, r.state, r.new_customers) for r in rows] == [
            (ids["陈姐"], "done", 3),
            (ids["阿杰"], "not_done", 0),
        ]
        for path, words in ((wrong, "裂变状态"), (plain, "表头"), (empty, "空")):
            with pytest.raises(UserError, match=words) as refused:
                import_tool_export(session, campaign.name, path)
            assert "\n" not in str(refused.value)
        assert count(session) == 2


def test_campaigns_import_from_the_command_line(sqlite_url, tmp_path):
    from core.common.database import open_database
    from tests.main_process import run_main

    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        campaign, _ = setup(session)
        name = campaign.name
    database.close()
    dry = run_main("campaigns", "import", name, str(SAMPLE), "--dry-run", "--json",
                   "--db", sqlite_url)  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["added"] == 20
    real = run_main("campaigns", "import", name, str(SAMPLE), "--db", sqlite_url)
    assert real.returncode == 0 and "新增 20" in real.stdout and "第几波" in real.stdout
    again = run_main("campaigns", "import", name, str(SAMPLE), "--json", "--db", sqlite_url)
    assert json.loads(again.stdout)["added"] == 0 and json.loads(again.stdout)["unchanged"] == 20
    missing = run_main("campaigns", "import", name, str(tmp_path / "无.xlsx"), "--db", sqlite_url)
    assert missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1
