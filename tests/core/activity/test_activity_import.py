"""Activity records from a spreadsheet: layouts, matching, every refusal, idempotence, CLI."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from core.activity.importing import (
    ActivityImportPlan,
    kind_of,
    plan_activity_import,
)
from core.common.database import open_database
from core.common.errors import UserError
from core.common.progress import Cancelled
from core.common.sheets.limits import ImportLimits
from core.members.editing import refresh_search_keys
from core.workflows.activity import record_activity_import
from db.models import ActivityEvent, Member
from tests.core.sheets.refused_files import READER_REFUSALS
from tests.core.tiers.helpers import community, member
from tests.main_process import run_main

TODAY = date.today()
D1 = TODAY - timedelta(days=3)
D2 = TODAY - timedelta(days=2)


def xlsx(path: Path, rows: list[list], *, sheets: dict[str, list[list]] | None = None) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    if sheets:
        book.remove(first)
        for name, sheet_rows in sheets.items():
            sheet = book.create_sheet(name)
            for row in sheet_rows:
                sheet.append(row)
    else:
        for row in rows:
            first.append(row)
    book.save(path)
    return path


def csv_file(path: Path, rows: list[list], *, encoding="utf-8", delimiter=",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


@pytest.fixture
def people(database):
    """Two communities; members with nicknames, a 微信号, a phone, two namesakes."""
    with database.session() as session:
        cid = community(session, "读书会")
        other = community(session, "跑步群")
        ids = {}
        for nickname in ("张小凡", "Lily", "王建国", "阿杰", "阿杰"):
            mid = member(session, cid, nickname)
            refresh_search_keys(session, session.get(Member, mid))
            ids.setdefault(nickname, []).append(mid)
        runner = member(session, other, "跑者")
        refresh_search_keys(session, session.get(Member, runner))
        session.get(Member, ids["Lily"][0]).wechat_id = "lily_wx"
        session.get(Member, ids["王建国"][0]).phone = "13800138000"
        session.commit()
    return database, {"cid": cid, "other": other, "runner": runner, **ids}


def plan(database, path, **options) -> ActivityImportPlan:
    with database.session() as session:
        return plan_activity_import(session, path, **options)


def run_import(database, path, **options):
    with database.session() as session:
        result_plan = plan_activity_import(session, path, **options)
        result = record_activity_import(session, result_plan)
        session.commit()
    return result_plan, result


def events(database) -> list[tuple]:
    with database.session() as session:
        return session.execute(
            select(
                ActivityEvent.member_id,
                ActivityEvent.kind,
                ActivityEvent.occurred_at,
                ActivityEvent.community_id,
                ActivityEvent.amount_cents,
                ActivityEvent.source,
            ).order_by(ActivityEvent.id)
        ).all()


def reasons(result_plan) -> dict[int, str]:
    return {r.row: r.reason for r in result_plan.rejected}


# ----- layouts ------------------------------------------------------------------------------


def test_long_format_with_title_rows_kinds_counts_and_amounts(people, tmp_path):
    database, ids = people
    path = xlsx(
        tmp_path / "行为.xlsx",
        [
            ["十一月行为记录"],
            ["导出人：运营小王"],
            [],
            ["社群", "昵称", "行为", "日期", "次数", "金额（元）"],
            ["读书会", "张小凡", "打卡", D1, None, None],
            ["读书会", "张小凡", "发言", D1.isoformat(), 3, None],
            ["读书会", "王建国", "购买", datetime.combine(D2, datetime.min.time()), 2, "¥99.99"],
            ["读书会", "🌸Lily🌸", "good_post", f"{D2.year}年{D2.month}月{D2.day}日", "", ""],
            ["读书会", "阿杰", "拉新", D2, 1, None],
            ["合计", "", "", "", 6, 99.99],
        ],
    )
    result_plan = plan(database, path)
    assert result_plan.rows == 5
    assert result_plan.to_add == 7
    assert result_plan.by_kind == {"checkin": 1, "message": 3, "good_post": 1, "purchase": 2}
    (rejected,) = result_plan.rejected
    assert rejected.row == 9 and "2 位成员都可能是「阿杰」" in rejected.reason
    assert result_plan.sheets[0].header_row == 4 and result_plan.sheets[0].layout == "long"
    assert events(database) == []  # the plan writes nothing

    with database.session() as session:
        result = record_activity_import(session, result_plan)
        session.commit()
    assert result.added == 7 and result.skipped == 0
    rows = events(database)
    assert {r.source for r in rows} == {"import"}
    purchases = [r for r in rows if r.kind == "purchase"]
    assert sorted(r.amount_cents for r in purchases) == [4999, 5000]  # ¥99.99 over 2 purchases
    assert all(r.member_id == ids["王建国"][0] for r in purchases)
    checkin = next(r for r in rows if r.kind == "checkin")
    assert checkin.occurred_at == datetime.combine(D1, datetime.min.time()).replace(hour=12)
    assert checkin.community_id == ids["cid"]
    with database.session() as session:
        assert session.get(Member, ids["张小凡"][0]).last_active_at is not None


def test_excel_serial_dates_and_times(people, tmp_path):
    database, ids = people
    serial = (D1 - date(1899, 12, 30)).days
    path = xlsx(
        tmp_path / "serial.xlsx",
        [
            ["昵称", "类型", "时间"],
            ["张小凡", "签到", serial],
            ["张小凡", "发言", serial + 0.375],  # 09:00
            ["张小凡", "分享", str(serial)],
        ],
    )
    result_plan = plan(database, path, community_id=ids["cid"])
    assert not result_plan.rejected
    moments = sorted(e.occurred_at for e in result_plan.events)
    day = datetime.combine(D1, datetime.min.time())
    assert moments == [day.replace(hour=9), day.replace(hour=12), day.replace(hour=12)]


def test_a_separate_time_column_gives_the_time_of_day(people, tmp_path):
    database, ids = people
    path = csv_file(
        tmp_path / "clock.csv",
        [
            ["打卡时间", "打卡日期", "昵称", "行为"],
            ["07:05", D1.isoformat(), "张小凡", "打卡"],
            ["", D1.isoformat(), "Lily", "打卡"],
            ["晚上", D1.isoformat(), "王建国", "打卡"],
        ],
    )
    result_plan = plan(database, path, community_id=ids["cid"])
    day = datetime.combine(D1, datetime.min.time())
    assert [e.occurred_at for e in result_plan.events] == [
        day.replace(hour=7, minute=5),
        day.replace(hour=12),
        day.replace(hour=12),
    ]


def test_wide_weekly_sheet_with_date_column(people, tmp_path):
    database, ids = people
    path = xlsx(
        tmp_path / "周报.xlsx",
        [
            ["第 47 周 社群活跃统计"],
            ["群昵称", "日期", "签到", "发言条数", "邀请人数", "备注"],
            ["张小凡", D1, 1, 12, 0, "积极"],
            ["Lily", D1, 0, None, 2, ""],
            ["王建国", D2, 0, 0, 0, ""],
            ["张小凡", D2, "1次", 2.5, None, ""],
        ],
    )
    result_plan = plan(database, path, community_id=ids["cid"])
    assert result_plan.sheets[0].layout == "wide"
    assert result_plan.by_kind == {"checkin": 1, "message": 12, "invite": 2}
    assert result_plan.empty_rows == 1
    assert reasons(result_plan) == {6: "「发言条数」列：次数应为整数：2.5"}
    run_import(database, path, community_id=ids["cid"])
    assert len(events(database)) == 15


def test_wide_sheet_dated_by_its_title(people, tmp_path):
    database, ids = people
    path = xlsx(
        tmp_path / "打卡.xlsx",
        [[f"统计日期：{D2.isoformat()}"], ["昵称", "打卡", "转发"], ["张小凡", 1, 1]],
    )
    result_plan = plan(database, path, community_id=ids["cid"])
    assert {e.kind for e in result_plan.events} == {"checkin", "share"}
    assert {e.occurred_at.date() for e in result_plan.events} == {D2}


def test_gbk_csv_and_tab_separated_txt(people, tmp_path):
    database, _ids = people
    rows = [["群名", "成员", "事件", "发生时间"], ["读书会", "张小凡", "答疑", D1.isoformat()]]
    gbk = csv_file(tmp_path / "gbk.csv", rows, encoding="gbk")
    assert plan(database, gbk).by_kind == {"answer": 1}
    txt = csv_file(tmp_path / "tab.txt", rows, encoding="utf-8-sig", delimiter="\t")
    assert plan(database, txt).by_kind == {"answer": 1}


def test_sheet_named_after_a_community_and_the_chosen_community(people, tmp_path):
    database, ids = people
    rows = [["昵称", "行为", "日期"], ["跑者", "签到", D1]]
    path = xlsx(tmp_path / "sheets.xlsx", [], sheets={"跑步群": rows, "说明": [["随便写写"]]})
    result_plan = plan(database, path)
    assert [e.member_id for e in result_plan.events] == [ids["runner"]]
    assert result_plan.events[0].community_id == ids["other"]
    assert result_plan.sheets[0].community == "跑步群"
    assert any("说明" in note for note in result_plan.notes)

    # A chosen community is the default for rows that name none; a 社群 column still wins.
    path = xlsx(
        tmp_path / "mixed.xlsx",
        [
            ["社群", "昵称", "行为", "日期"],
            ["", "张小凡", "签到", D1],
            ["跑步群", "跑者", "签到", D1],
        ],
    )
    result_plan = plan(database, path, community_id=ids["cid"])
    assert [(e.member_id, e.community_id) for e in result_plan.events] == [
        (ids["张小凡"][0], ids["cid"]),
        (ids["runner"], ids["other"]),
    ]


def test_members_by_number_wechat_phone_and_merge(people, tmp_path):
    database, ids = people
    with database.session() as session:
        gone = member(session, ids["cid"], "旧号")
        session.get(Member, gone).merged_into_id = ids["张小凡"][0]
        session.commit()
    path = xlsx(
        tmp_path / "ids.xlsx",
        [
            ["会员ID", "微信号", "手机号", "行为", "日期"],
            [ids["阿杰"][1], None, None, "反馈", D1],
            [f"#{gone}", None, None, "建议", D1],
            [None, "lily_wx", None, "分享", D1],
            [None, None, "+86 138-0013-8000", "违规", D1],
            [None, "nobody", "13900000000", "签到", D1],
            [999999, None, None, "签到", D1],
        ],
    )
    result_plan = plan(database, path)
    assert [(e.member_id, e.kind) for e in result_plan.events] == [
        (ids["阿杰"][1], "feedback"),
        (ids["张小凡"][0], "feedback"),
        (ids["Lily"][0], "share"),
        (ids["王建国"][0], "violation"),
    ]
    assert all(e.community_id is None for e in result_plan.events)
    assert reasons(result_plan) == {
        6: "找不到成员：微信号「nobody」、手机号「13900000000」",
        7: "成员编号 999999 不存在",
    }


def test_every_rejection_reason(people, tmp_path):
    database, ids = people
    with database.session() as session:  # the namesakes are told apart, by a phone tail here
        second = session.get(Member, ids["阿杰"][1])
        second.phone = "13700000016"
        refresh_search_keys(session, second)
        added = session.get(Member, ids["阿杰"][0]).created_at.strftime("%Y-%m-%d")
    future = TODAY + timedelta(days=1)
    path = xlsx(
        tmp_path / "bad.xlsx",
        [
            ["社群", "昵称", "行为", "日期", "次数", "金额"],
            ["读书会", "阿杰", "签到", D1, 1, None],  # 2: namesakes
            ["读书会", "谁也不是", "签到", D1, 1, None],  # 3: unknown name
            ["读书会", "张小凡", "唱歌", D1, 1, None],  # 4: unknown kind
            ["读书会", "张小凡", "签到", None, 1, None],  # 5: no date
            ["读书会", "张小凡", "签到", future, 1, None],  # 6: future
            ["读书会", "张小凡", "签到", "1999-12-31", 1, None],  # 7: too early
            ["读书会", "张小凡", "签到", D1, 0, None],  # 8: count 0
            ["读书会", "张小凡", "签到", D1, 1001, None],  # 9: count too big
            ["读书会", "张小凡", "签到", D1, "两次", None],  # 10: count not a number
            ["读书会", "张小凡", "购买", D1, 1, "很多"],  # 11: amount not a number
            ["读书会", "张小凡", "购买", D1, 1, -5],  # 12: negative amount
            ["火星群", "张小凡", "签到", D1, 1, None],  # 13: unknown community
            ["", "张小凡", "签到", D1, 1, None],  # 14: a name without a community
            ["读书会", "", "签到", D1, 1, None],  # 15: no member at all
            ["读书会", "张小凡", "", D1, 1, None],  # 16: no kind
            ["读书会", "张小凡", "签到", "下周一", 1, None],  # 17: unreadable date
            ["读书会", "张小凡", "签到", D1, 1, None],  # 18: fine
        ],
    )
    result_plan = plan(database, path)
    assert reasons(result_plan) == {
        2: "「读书会」里有 2 位成员都可能是「阿杰」："
        f"阿杰 · {added} 建档（#{ids['阿杰'][0]}）、阿杰 · 尾号 0016（#{ids['阿杰'][1]}），"
        "无法确定是谁",
        3: "找不到成员：「谁也不是」（在「读书会」里）",
        4: "不认识的行为类型「唱歌」",
        5: "没有日期",
        6: f"日期 {future.isoformat()} 在将来",
        7: "日期 1999-12-31 早于 2000 年，请检查",
        8: "次数应在 1–1000 之间：0",
        9: "次数应在 1–1000 之间：1001",
        10: "次数应为整数：两次",
        11: "看不懂的金额：很多",
        12: "金额不能是负数：-5",
        13: "没有名为「火星群」的社群",
        14: "找不到「张小凡」：按昵称找成员需要知道社群"
        "（请在文件里加「社群」列，或导入时选择社群）",
        15: "没有成员（成员编号、微信号、手机号或昵称都是空的）",
        16: "没有行为类型",
        17: "看不懂的日期：下周一",
    }
    assert result_plan.rows == 17 and result_plan.to_add == 1
    assert {r.member for r in result_plan.rejected if r.row == 3} == {"谁也不是"}


def test_kind_words():
    assert kind_of("打卡") == kind_of("签到") == kind_of("checkin") == "checkin"
    assert kind_of("精华") == "good_post" and kind_of("回答问题") == "answer"
    assert kind_of("下单") == "purchase" and kind_of("邀请成功") == "invite"
    assert kind_of(" 转 发 ") == "share" and kind_of("ＣＨＥＣＫＩＮ") == "checkin"
    assert kind_of("唱歌") is None and kind_of(None) is None


# ----- idempotence and transactions ----------------------------------------------------------


def test_importing_the_same_file_again_adds_nothing(people, tmp_path):
    database, _ids = people
    path = xlsx(
        tmp_path / "a.xlsx",
        [["社群", "昵称", "行为", "日期", "次数"], ["读书会", "张小凡", "签到", D1, 2]],
    )
    first, result = run_import(database, path)
    assert result.added == 2
    copy = tmp_path / "copy-of-a.xlsx"
    copy.write_bytes(path.read_bytes())
    again = plan(database, copy)
    assert (again.to_add, again.already_imported) == (0, 2)
    _plan, result = run_import(database, copy)
    assert result.added == 0 and len(events(database)) == 2
    refs = [e.source_ref for e in first.events]
    assert len(set(refs)) == 2 and all(ref.startswith("import:") for ref in refs)


def test_a_longer_version_of_an_imported_file_adds_only_the_new_rows(people, tmp_path):
    database, _ids = people
    header = ["社群", "昵称", "行为", "日期"]
    week1 = [header, ["读书会", "张小凡", "签到", D1], ["读书会", "张小凡", "签到", D1]]
    run_import(database, xlsx(tmp_path / "week1.xlsx", week1))
    week2 = [*week1, ["读书会", "Lily", "签到", D1], ["读书会", "张小凡", "签到", D1]]
    again = plan(database, xlsx(tmp_path / "week1+2.xlsx", week2))
    assert (again.to_add, again.already_imported) == (2, 2)
    _plan, result = run_import(database, tmp_path / "week1+2.xlsx")
    assert result.added == 2 and len(events(database)) == 4


def test_a_failing_apply_leaves_no_events(people, tmp_path):
    database, ids = people
    path = xlsx(
        tmp_path / "a.xlsx",
        [
            ["社群", "昵称", "行为", "日期"],
            ["读书会", "张小凡", "签到", D1],
            ["读书会", "Lily", "签到", D1],
        ],
    )
    result_plan = plan(database, path)
    with database.session() as session:
        session.get(Member, ids["Lily"][0]).merged_into_id = ids["张小凡"][0]
        session.commit()
    with database.session() as session:
        with pytest.raises(UserError, match="不存在或已被合并"):
            record_activity_import(session, result_plan)
        session.rollback()
    assert events(database) == []


def test_progress_cancel_and_limits(people, tmp_path):
    database, ids = people
    rows = [["昵称", "行为", "日期"]] + [["张小凡", "发言", D1]] * 4500
    path = csv_file(tmp_path / "big.csv", rows)
    reports = []
    result_plan = plan(
        database, path, community_id=ids["cid"], progress=lambda d, t: reports.append((d, t))
    )
    assert result_plan.to_add == 4500 and reports[-1] == (4500, 4500)
    with pytest.raises(Cancelled):
        plan(database, path, community_id=ids["cid"], cancelled=lambda: True)
    with pytest.raises(UserError, match="超过 1,000 行"):
        plan(database, path, community_id=ids["cid"], limits=ImportLimits(max_rows=1000))
    counted = csv_file(
        tmp_path / "counted.csv",
        [["昵称", "行为", "日期", "次数"]] + [["张小凡", "发言", D1, 1000]] * 3,
    )
    with pytest.raises(UserError, match="超过 2,000 条行为记录"):
        plan(database, counted, community_id=ids["cid"], limits=ImportLimits(max_rows=2000))


# ----- hostile and unusable files -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.xlsx", b"", "是空的"),
        ("picture.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG 图片"),
        ("garbage.xlsx", bytes(range(256)) * 20, "不是表格"),
        ("api.json", b'{"errcode": 0}', "JSON"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 50, "损坏"),
    ],
)
def test_hostile_files_are_refused(people, tmp_path, name, content, message):
    database, _ids = people
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        plan(database, path)


def test_what_the_shared_reader_refuses_is_refused_here(sqlite_database, tmp_path):
    """The shared reader's refusals (tests/core/sheets) hold for this import too (one database
    for all: each case is refused before anything is read). JSON it refuses itself."""
    for case, (build, message) in sorted(READER_REFUSALS.items()):
        if "JSON" in case:
            continue
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        folder.mkdir()
        with pytest.raises(UserError) as raised:
            plan(sqlite_database, build(folder))
        assert message in raised.value.message, case
        assert "\n" not in raised.value.message, case


def test_a_file_without_a_usable_header_says_which_columns_are_needed(people, tmp_path):
    database, _ids = people
    path = xlsx(tmp_path / "members.xlsx", [["昵称", "手机号"], ["张小凡", "13800138000"]])
    with pytest.raises(UserError) as caught:
        plan(database, path)
    assert "日期列" in caught.value.message and "行为列" in caught.value.message
    only_header = xlsx(tmp_path / "header.xlsx", [["昵称", "行为", "日期"]])
    with pytest.raises(UserError, match="只有表头"):
        plan(database, only_header)
    with pytest.raises(UserError, match="找不到文件"):
        plan(database, tmp_path / "missing.xlsx")


# ----- the command line -----------------------------------------------------------------------


def test_cli_dry_run_import_reimport_and_refusal(tmp_path):
    data = tmp_path / "data"
    database = open_database(f"sqlite:///{data / 'shequn.db'}", daily_backup=False)
    with database.session() as session:
        cid = community(session, "读书会")
        member(session, cid, "张小凡")
        session.commit()
    database.close()
    path = xlsx(
        tmp_path / "行为.xlsx",
        [["昵称", "行为", "日期"], ["张小凡", "签到", D1], ["路人", "签到", D1]],
    )

    dry = run_main(
        "activity",
        "import",
        str(path),
        "--community",
        "读书会",
        "--dry-run",
        "--json",
        data_dir=data,
    )
    assert dry.returncode == 0, dry.stderr
    summary = json.loads(dry.stdout)
    assert summary["dry_run"] is True and summary["added"] == 0
    assert (summary["rows"], summary["to_add"], summary["rejected"]) == (2, 1, 1)
    assert summary["by_kind"] == {"签到": 1}
    assert summary["rejected_rows"] == [
        {
            "sheet": "Sheet",
            "row": 3,
            "member": "路人",
            "reason": "找不到成员：「路人」（在「读书会」里）",
        }
    ]

    done = run_main(
        "activity", "import", str(path), "--community", "读书会", "--json", data_dir=data
    )
    assert json.loads(done.stdout)["added"] == 1
    again = run_main("activity", "import", str(path), "--community", "读书会", data_dir=data)
    assert again.returncode == 0 and "已导入过" in again.stdout

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    refused = run_main("activity", "import", str(bad), "--json", data_dir=data)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.strip().count("\n") == 0 and "PNG" in refused.stderr
    check = open_database(f"sqlite:///{data / 'shequn.db'}", daily_backup=False)
    try:
        with check.session() as session:
            assert session.scalar(select(func.count()).select_from(ActivityEvent)) == 1
    finally:
        check.close()
