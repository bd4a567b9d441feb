"""The calendar out and in: .ics read back by icalendar (times in Asia/Shanghai, titles, the SOP
series' RRULE with its EXDATE and moved occurrence, no reviewer notes), CSV written safe from
formulas and read back (the same file twice adds nothing), and hostile CSV files refused
whole, naming the row."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from sqlalchemy import func, select

from core.calendar.csvfile import export_csv, import_csv, read_csv
from core.calendar.ics import export_ics
from core.calendar.items import create_item, delete_item, list_items, move_item
from core.calendar.lunar import lunar_festivals
from core.calendar.sop import apply_template, create_template
from core.calendar.status import approve, reject, schedule
from core.common.errors import UserError
from db.calendar_models import ContentItem
from tests.core.calendar.calendar_helpers import communities

NOW = datetime(2027, 3, 1, 7, 30)  # a Monday
CHINA = ZoneInfo("Asia/Shanghai")
HOSTILE_TITLES = ("=cmd|' /c calc'!A1", "+1+1", "-2", "@SUM(A1)")


def _plan(session):
    a, b = communities(session, "烘焙群", "跑步群")
    create_template(
        session,
        "周三干货",
        rule="FREQ=WEEKLY;BYDAY=WE",
        starts_at=datetime(2027, 1, 6, 20),
        title="干货分享",
        body="本周干货",
        community_ids=[a, b],
    )
    apply_template(session, "周三干货", weeks=5, now=NOW)  # 3, 10, 17, 24, 31 March
    generated = list_items(session, NOW, NOW + timedelta(weeks=5))
    delete_item(session, generated[1].id, now=NOW)  # 10 March: skipped from now on
    move_item(session, generated[2].id, datetime(2027, 3, 18, 9), now=NOW)  # 17 → 18 March
    single = create_item(session, "周五抽奖", planned_at=datetime(2027, 3, 5, 20), kind="抽奖",
                         body="转发抽奖", community_ids=[a], now=NOW)  # fmt: skip
    schedule(session, single.id, now=NOW)
    single.reviewer_notes = "内部：奖品还没到货"
    # An item on a lunar festival (a node's seed): a single event, not a yearly rule.
    moon = dict((name, day) for day, name in lunar_festivals(2027))["中秋节"]
    create_item(session, "中秋快乐", planned_at=datetime.combine(moon, datetime.min.time()) +
                timedelta(hours=9), community_ids=[b], now=NOW)  # fmt: skip
    session.flush()
    return a, b


def _events(path):
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return calendar, list(calendar.walk("VEVENT"))


def test_ics_round_trip_reads_back_times_titles_and_rules(database, tmp_path):
    with database.session() as session:
        _plan(session)
        summary = export_ics(session, tmp_path / "plan.ics", now=NOW)
        export_ics(session, tmp_path / "again.ics", now=NOW)
    assert (summary.items, summary.series, summary.overrides) == (6, 1, 1)
    calendar, events = _events(tmp_path / "plan.ics")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    by_title = {str(e["SUMMARY"]): e for e in events if "RECURRENCE-ID" not in e}
    assert set(by_title) == {"干货分享", "周五抽奖", "中秋快乐"}
    lottery = by_title["周五抽奖"]
    assert lottery.decoded("DTSTART") == datetime(2027, 3, 5, 20, tzinfo=CHINA)
    assert lottery["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert str(lottery["DESCRIPTION"]) == "转发抽奖"
    assert [str(c) for c in lottery.categories] == ["抽奖", "烘焙群"]
    assert "奖品还没到货" not in (tmp_path / "plan.ics").read_text("utf-8")
    assert "RRULE" not in by_title["中秋快乐"]  # lunar: a single event
    # The series: its RRULE with the skipped Wednesday excluded gives the generated ones.
    series = by_title["干货分享"]
    assert series["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=5;BYDAY=WE"
    assert [str(c) for c in series.categories] == ["文字", "烘焙群", "跑步群"]
    start = series.decoded("DTSTART")
    excluded = {d.dt for value in [series["EXDATE"]] for d in value.dts}
    expanded = [
        d for d in rrulestr(series["RRULE"].to_ical().decode(), dtstart=start) if d not in excluded
    ]
    assert expanded == [datetime(2027, 3, d, 20, tzinfo=CHINA) for d in (3, 17, 24, 31)]
    (moved,) = [e for e in events if "RECURRENCE-ID" in e]
    assert moved["UID"] == series["UID"]
    assert moved.decoded("RECURRENCE-ID") == datetime(2027, 3, 17, 20, tzinfo=CHINA)
    assert moved.decoded("DTSTART") == datetime(2027, 3, 18, 9, tzinfo=CHINA)
    # Stable UIDs: a second export names the same events the same.
    _, second = _events(tmp_path / "again.ics")
    assert sorted(str(e["UID"]) for e in second) == sorted(str(e["UID"]) for e in events)


def test_ics_of_a_range_and_a_community(database, tmp_path):
    with database.session() as session:
        _a, b = _plan(session)
        summary = export_ics(
            session, tmp_path / "march.ics", datetime(2027, 3, 1), datetime(2027, 3, 20),
            community_id=b, now=NOW,
        )  # fmt: skip
        with pytest.raises(UserError, match=r"\.ics"):
            export_ics(session, tmp_path / "plan.txt")
    _, events = _events(tmp_path / "march.ics")
    assert summary.items == 2  # 3 March and the one moved to 18 March, both for 跑步群
    series = next(e for e in events if "RECURRENCE-ID" not in e)
    assert series["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=3;BYDAY=WE"


def _csv_rows(path):
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))


def test_csv_export_writes_formulas_as_text_and_import_reads_them_back(database, tmp_path):
    with database.session() as session:
        (a,) = communities(session, "烘焙群")
        for n, title in enumerate(HOSTILE_TITLES):
            create_item(session, title, planned_at=datetime(2027, 3, 1 + n, 9),
                        body="=HYPERLINK(\"http://x\")", community_ids=[a], now=NOW)  # fmt: skip
        done = export_csv(session, tmp_path / "plan.csv")
        assert done.rows == len(HOSTILE_TITLES)
        rows = _csv_rows(tmp_path / "plan.csv")
        assert rows[0][:4] == ["编号", "计划时间", "标题", "类型"]
        titles = [r[2] for r in rows[1:]]
        assert titles == ["'" + t for t in HOSTILE_TITLES]
        assert all(r[10] == '\'=HYPERLINK("http://x")' for r in rows[1:])
        assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for r in rows for cell in r)
        # Read back, the ' comes off: every row is the item already there.
        again = import_csv(session, tmp_path / "plan.csv", now=NOW)
        assert (again.rows, again.added, again.existing) == (4, 0, 4)
        assert session.scalar(select(func.count()).select_from(ContentItem)) == 4


def test_csv_of_an_item_of_a_campaign_names_the_campaign_and_reads_back(database, tmp_path):
    from core.campaigns.records import CampaignFields, create_campaign

    with database.session() as session:
        (a,) = communities(session, "烘焙群")
        campaign = create_campaign(session, CampaignFields("春季裂变", community_ids=[a]))
        create_item(session, "裂变海报", planned_at=datetime(2027, 3, 2, 9),
                    community_ids=[a], campaign_id=campaign.id, now=NOW)  # fmt: skip
        export_csv(session, tmp_path / "plan.csv")
        rows = _csv_rows(tmp_path / "plan.csv")
        assert rows[1][rows[0].index("活动")] == "春季裂变"
        again = import_csv(session, tmp_path / "plan.csv", now=NOW)
        assert (again.rows, again.added, again.existing) == (1, 0, 1)


def test_csv_import_twice_adds_nothing_and_keeps_drafts(database, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(
        "标题,计划时间,类型,社群,正文,推广,状态,常青\n"
        "周一早安,2027-03-01 08:00,文字,烘焙群、跑步群,早安,,,是\n"
        "周五抽奖,2027/3/5 20:00,抽奖,烘焙群,转发抽奖,是,草稿\n"
        "周五抽奖,2027/3/5 20:00,抽奖,烘焙群,转发抽奖,是,草稿\n"  # twice in the file
        "上周的,2027-02-22 08:00,文字,烘焙群,,否,已发送\n",
        encoding="utf-8",
    )
    with database.session() as session:
        communities(session, "烘焙群", "跑步群")
        first = import_csv(session, path, now=NOW)
        assert (first.rows, first.added, first.existing, first.sent_skipped) == (4, 2, 1, 1)
        items = list_items(session, now=NOW)
        assert [(i.title, i.status, i.communities, i.promotional, i.evergreen) for i in items] == [
            ("周一早安", "scheduled", ["烘焙群", "跑步群"], False, True),
            ("周五抽奖", "draft", ["烘焙群"], True, False),
        ]
        again = import_csv(session, path, now=NOW)
        assert (again.added, again.existing) == (0, 3)
        assert len(list_items(session, now=NOW)) == 2


def _refused(session, path, says):
    before = session.scalar(select(func.count()).select_from(ContentItem))
    with pytest.raises(UserError, match=says) as error:
        import_csv(session, path, now=NOW)
    assert "\n" not in str(error.value)
    assert session.scalar(select(func.count()).select_from(ContentItem)) == before
    return str(error.value)


def test_one_bad_row_and_nothing_is_imported_naming_the_row(database, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(
        "标题,计划时间,社群\n好的,2027-03-01 08:00,烘焙群\n,2027-03-02 08:00,烘焙群\n"
        "坏时间,明天,烘焙群\n无此群,2027-03-03 08:00,不存在的群\n好的二,2027-03-04 08:00,烘焙群\n",
        encoding="utf-8",
    )
    with database.session() as session:
        communities(session, "烘焙群")
        message = _refused(session, path, "第 3 行：标题是空的")
        assert "另有 2 行有问题" in message and "未导入任何内容" in message
        plan, rows = read_csv(session, path)
        assert [(p.row, p.reason) for p in plan.problems][1:] == [
            (4, "看不懂的日期：明天"),
            (5, "没有名为「不存在的群」的社群"),
        ]
        assert len(rows) == 2


def test_hostile_csv_files_are_refused_whole(database, tmp_path):
    with database.session() as session:
        communities(session, "烘焙群")
        # GBK (a Chinese Excel's CSV) is read as such, not as mojibake.
        gbk = tmp_path / "gbk.csv"
        gbk.write_bytes("标题,计划时间,社群\n中秋快乐,2027-09-15 09:00,烘焙群\n".encode("gbk"))
        assert [i.title for i in import_csv(session, gbk, now=NOW).item_ids and
                list_items(session, now=NOW)] == ["中秋快乐"]  # fmt: skip
        # A BOM that lies about the encoding.
        lying = tmp_path / "lying.csv"
        lying.write_bytes(b"\xef\xbb\xbf" + "标题,计划时间\n好,2027-03-01\n".encode("gbk"))
        _refused(session, lying, "编码有误")
        # Binary garbage named .csv.
        garbage = tmp_path / "garbage.csv"
        garbage.write_bytes(bytes(range(256)) * 64)
        _refused(session, garbage, "不是表格")
        # A 10 MB cell: refused at its row, nothing read into memory past the csv limit.
        huge = tmp_path / "huge.csv"
        huge.write_text(
            "标题,计划时间,正文\n好,2027-03-01 08:00,短\n大,2027-03-02 08:00,\"" + "字" * 10_000_000
            + "\"\n", encoding="utf-8",
        )  # fmt: skip
        _refused(session, huge, "第 3 行")
        # The columns it needs.
        columns = tmp_path / "columns.csv"
        columns.write_text("名字,日期\n好,2027-03-01\n", encoding="utf-8")
        _refused(session, columns, "缺少列：标题、计划时间")
        # Not a CSV at all.
        png = tmp_path / "plan.csv"
        png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        _refused(session, png, "PNG")
        # Our own .ics export (another program's calendar too): only the .csv comes back in.
        export_ics(session, tmp_path / "plan.ics", now=NOW)
        _refused(session, tmp_path / "plan.ics", "是日历文件（.ics）：只能导入")


def test_approve_and_reject_only_decide_on_items_waiting_for_review(database):
    with database.session() as session:
        item = create_item(session, "草稿", planned_at=datetime(2027, 3, 1, 9), now=NOW)
        with pytest.raises(UserError, match="不在待审核中"):
            approve(session, item.id, now=NOW)  # a draft would skip the review
        schedule(session, item.id, now=NOW)  # approval off: straight to 已排期
        with pytest.raises(UserError, match="不在待审核中"):
            reject(session, item.id, "不好", now=NOW)  # would silently unschedule it
        assert item.status == "scheduled"


def test_ics_and_csv_of_an_empty_calendar(database, tmp_path):
    with database.session() as session:
        assert export_ics(session, tmp_path / "empty.ics", now=NOW).events == 0
        assert export_csv(session, tmp_path / "empty.csv").rows == 0
    assert _events(tmp_path / "empty.ics")[1] == []
    assert _csv_rows(tmp_path / "empty.csv")[1:] == []


def test_an_item_planned_with_seconds_is_the_same_row_read_back(database, tmp_path):
    with database.session() as session:
        (a,) = communities(session, "烘焙群")
        create_item(session, "早安", planned_at=datetime(2027, 3, 1, 8, 0, 30), community_ids=[a],
                    now=NOW)  # fmt: skip
        export_csv(session, tmp_path / "plan.csv")
        assert _csv_rows(tmp_path / "plan.csv")[1][1] == "2027-03-01 08:00"
        again = import_csv(session, tmp_path / "plan.csv", now=NOW)
        assert (again.added, again.existing) == (0, 1)


@pytest.mark.parametrize(
    ("export", "suffix", "wrong_type"),
    [(export_ics, ".ics", "日历文件必须是 .ics"), (export_csv, ".csv", "导出文件必须是 .csv")],
)
def test_exports_refuse_a_bad_target_in_one_line_and_leave_no_partial_file(
    database, tmp_path, export, suffix, wrong_type
):
    folder = tmp_path / "out"
    folder.mkdir()
    with database.session() as session:
        _plan(session)
        with pytest.raises(UserError, match=wrong_type):
            export(session, folder / "plan.txt")
        with pytest.raises(UserError, match="文件夹不存在"):
            export(session, folder / "missing" / f"plan{suffix}")
        (folder / f"taken{suffix}").mkdir()  # a folder where the file should go
        with pytest.raises(UserError, match=f"taken{suffix}"):
            export(session, folder / f"taken{suffix}")
    assert sorted(p.name for p in folder.iterdir()) == [f"taken{suffix}"]
