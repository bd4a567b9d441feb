"""`main.py calendar …` as a user runs it: an item added (a second promotional one that day
warns), listed, today's list, marked sent; an SOP applied twice (the second adds nothing),
--dry-run writing nothing; bad input refused with one line."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from core.common.database import open_database
from tests.core.calendar.calendar_helpers import communities
from tests.main_process import run_main


@pytest.fixture
def url(sqlite_url):
    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        communities(session, "烘焙群", "跑步群")
    database.close()
    return sqlite_url


def main(url, *args):
    result = run_main(*args, "--db", url)
    return result


def test_add_list_today_and_mark_sent(url):
    # Half an hour ago: due (overdue) in today's list whatever the time of day.
    soon = (datetime.now() - timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M")
    day = soon[:10]
    first = main(url, "calendar", "add", "周五抽奖", "--at", soon, "--type", "抽奖",
                 "--community", "烘焙群", "--community", "跑步群", "--json")  # fmt: skip
    assert first.returncode == 0, first.stderr
    made = json.loads(first.stdout)
    assert (made["status"], made["promotional"], made["warnings"]) == ("scheduled", True, [])
    second = main(url, "calendar", "add", "今晚优惠券", "--at", soon, "--community", "烘焙群",
                  "--dry-run")  # fmt: skip
    assert second.returncode == 0 and "试运行" in second.stdout
    assert "超过每天 1 条的上限" in second.stdout
    listed = json.loads(main(url, "calendar", "list", "--from", day, "--json").stdout)
    assert [i["title"] for i in listed["items"]] == ["周五抽奖"]  # the dry run wrote nothing
    today = json.loads(main(url, "calendar", "today", "--json").stdout)
    assert [c["community"] for c in today["communities"]] == ["烘焙群", "跑步群"]
    one = main(url, "calendar", "mark-sent", str(made["id"]), "--community", "烘焙群")
    assert one.returncode == 0 and "还有 1 个社群未发" in one.stdout
    today = json.loads(main(url, "calendar", "today", "--json").stdout)
    assert [c["community"] for c in today["communities"]] == ["跑步群"]
    rest = json.loads(main(url, "calendar", "mark-sent", str(made["id"]), "--json").stdout)
    assert rest["status"] == "sent" and rest["remaining"] == 0


def test_sop_apply_twice_adds_nothing(url):
    dry = json.loads(main(url, "calendar", "sop", "apply", "每日早安", "--weeks", "2",
                          "--community", "烘焙群", "--dry-run", "--json").stdout)  # fmt: skip
    assert dry["added"] in (14, 15) and dry["dry_run"]
    first = json.loads(main(url, "calendar", "sop", "apply", "每日早安", "--weeks", "2",
                            "--community", "烘焙群", "--json").stdout)  # fmt: skip
    assert first["added"] == dry["added"]
    again = json.loads(main(url, "calendar", "sop", "apply", "每日早安", "--weeks", "2",
                            "--json").stdout)  # fmt: skip
    assert (again["added"], again["existing"]) == (0, first["added"])
    templates = json.loads(main(url, "calendar", "sop", "list", "--json").stdout)["templates"]
    assert {t["sop_kind"] for t in templates} == {
        "newcomer", "festival", "conversion", "new_group", "periodic", "announcement",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["add", "x", "--at", "明天"], "YYYY-MM-DD"),
        (["add", "x", "--at", "2027-01-01 08:00", "--type", "播客"], "未知的内容类型"),
        (["add", "x", "--at", "2027-01-01 08:00", "--community", "无此群"], "无此群"),
        (["mark-sent", "99"], "没有编号为「99」的内容"),
        (["sop", "apply", "每日早安", "--weeks", "0"], "周数应在 1 到"),
        (["sop", "apply", "新客欢迎", "--weeks", "1"], "相对 SOP"),
        (["list", "--from", "3月1日"], "YYYY-MM-DD"),
        # A span ends on the day after its last: 9999-12-31 had none (OverflowError).
        (["list", "--to", "9999-12-31"], "超出范围"),
        (["today", "--date", "9999-12-31"], "超出范围"),
        (["export", "--ics", "plan.ics", "--to", "9999-12-31"], "超出范围"),
    ],
)
def test_bad_input_is_one_line(url, args, says):
    result = main(url, "calendar", *args)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and says in lines[0], result.stderr


def test_export_import_approve_reject_and_recycle(url, tmp_path):
    from core.calendar.settings import APPROVAL_SETTING
    from core.common.settings_store import set_setting

    made = json.loads(main(url, "calendar", "add", "周五抽奖", "--at", "2099-03-06 20:00",
                           "--type", "抽奖", "--community", "烘焙群", "--evergreen",
                           "--json").stdout)  # fmt: skip
    assert made["evergreen"]
    ics = main(url, "calendar", "export", "--ics", str(tmp_path / "plan.ics"), "--from",
               "2099-03-01", "--to", "2099-03-31", "--community", "烘焙群")  # fmt: skip
    assert ics.returncode == 0 and "已导出 1 条内容到 plan.ics" in ics.stdout, ics.stderr
    assert "SUMMARY:周五抽奖" in (tmp_path / "plan.ics").read_text("utf-8")
    exported = json.loads(main(url, "calendar", "export", "--csv", str(tmp_path / "plan.csv"),
                               "--json").stdout)  # fmt: skip
    assert (exported["format"], exported["items"]) == ("csv", 1)
    again = json.loads(main(url, "calendar", "import", str(tmp_path / "plan.csv"), "--json").stdout)
    assert (again["added"], again["existing"]) == (0, 1)
    # Approval on: an imported row waits for review; approve and reject it.
    database = open_database(url, daily_backup=False)
    with database.session() as session:
        set_setting(session, APPROVAL_SETTING, True)
    database.close()
    (tmp_path / "new.csv").write_text(
        "标题,计划时间,社群\n周六早安,2099-03-07 08:00,跑步群\n周日早安,2099-03-08 08:00,跑步群\n",
        encoding="utf-8",
    )
    dry = json.loads(main(url, "calendar", "import", str(tmp_path / "new.csv"), "--dry-run",
                          "--json").stdout)  # fmt: skip
    assert dry["added"] == 2 and dry["dry_run"]
    done = json.loads(main(url, "calendar", "import", str(tmp_path / "new.csv"), "--json").stdout)
    first, second = done["item_ids"]
    ok = main(url, "calendar", "approve", str(first), "--note", "可以发")
    assert ok.returncode == 0 and "已审核通过" in ok.stdout and "已排期" in ok.stdout
    no = main(url, "calendar", "reject", str(second), "--reason", "换张图", "--json")
    assert json.loads(no.stdout)["status"] == "draft"
    twice = main(url, "calendar", "reject", str(second), "--reason", "x")
    assert twice.returncode == 1 and "不在待审核中" in twice.stderr
    # Recycling: only once sent.
    early = main(url, "calendar", "recycle", str(made["id"]))
    assert early.returncode == 1 and "还没有发送" in early.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["export", "--ics", "/no/such/folder/x.ics"], "文件夹不存在"),
        (["export", "--ics", "plan.txt"], ".ics"),
        (["export", "--csv", "plan.xlsx"], ".csv"),
        (["import", "/no/such/plan.csv"], "找不到文件"),
        (["approve", "99"], "没有编号为「99」的内容"),
        (["reject", "99", "--reason", " "], "没有编号为「99」的内容"),
        (["recycle", "99", "--after-days", "3"], "没有编号为「99」的内容"),
    ],
)
def test_bad_io_input_is_one_line(url, args, says):
    result = main(url, "calendar", *args)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and says in lines[0], result.stderr


@pytest.mark.parametrize("command", [["add", "x", "--at", "2027-01-01 08:00"], ["mark-sent", "1"],
                                     ["sop", "apply", "每日早安", "--weeks", "1"]])  # fmt: skip
@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_community_name_is_refused(url, command, name):
    result = main(url, "calendar", *command, "--community", name)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "社群名称不能为空" in lines[0] and "None" not in lines[0]
    listed = json.loads(main(url, "calendar", "list", "--json").stdout)
    assert listed["items"] == []


def test_risky_copy_is_explained_when_the_item_is_added(url):
    """The 诱导分享 checker that posters and campaigns use reads a content item too: its text is
    what goes out, and a repost to 朋友圈 as a lottery's entry can get the link banned."""
    body = "转发到朋友圈才能领取抽奖资格"
    made = main(url, "calendar", "add", "周五抽奖", "--at", "2099-03-06 20:00", "--type", "抽奖",
                "--body", body, "--community", "烘焙群", "--json")  # fmt: skip
    assert made.returncode == 0, made.stderr
    (warning,) = json.loads(made.stdout)["warnings"]
    assert warning.startswith("「转发到朋友圈才能领取」：诱导分享")
    fine = main(url, "calendar", "add", "周三干货", "--at", "2099-03-04 20:00",
                "--body", "欢迎分享给需要的朋友", "--community", "烘焙群", "--json")  # fmt: skip
    assert json.loads(fine.stdout)["warnings"] == []
