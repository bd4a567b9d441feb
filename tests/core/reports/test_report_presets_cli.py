"""`main.py report presets …` and `report --preset NAME` with a saved preset, as a user runs them:
the workbook has exactly the preset's sheets, its community, its picture and its masking."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from sqlalchemy import select

from core.common.database import open_database
from db.models import ExportLog
from tests.core.reports.helpers import seed_week
from tests.main_process import run_main


def seeded(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'shequn.db'}"
    database = open_database(url, daily_backup=False)
    try:
        with database.session(write=True) as session:
            seed_week(session)
    finally:
        database.close()
    return url


def logged(url) -> list[tuple[str, bool]]:
    database = open_database(url, daily_backup=False)
    try:
        with database.session() as session:
            return [(row.path, row.masked) for row in session.scalars(select(ExportLog))]
    finally:
        database.close()


def test_a_saved_preset_makes_a_workbook_of_exactly_its_sheets(tmp_path):
    url = seeded(tmp_path)
    saved = run_main(
        "report", "presets", "save", " 老板看的 ", "--sheets", "留存，概览,活动",
        "--period", "custom", "--community", "读书会", "--image", "--no-mask",
        "--db", url, "--json",
    )  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert json.loads(saved.stdout) == {
        "name": "老板看的", "builtin": False, "sheets": ["概览", "活动", "留存"],
        "period": "custom", "community": "读书会", "image": True, "mask": False,
        "dry_run": False,
    }  # fmt: skip
    out = tmp_path / "周一.xlsx"
    made = run_main(
        "report", "--preset", "老板看的", "--from", "2026-11-23", "--to", "2026-11-29",
        "--out", str(out), "--db", url, "--json",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    answer = json.loads(made.stdout)
    assert answer["preset"] == "老板看的" and answer["community"] == "读书会"
    assert answer["sheets"] == ["概览", "活动", "留存"] and answer["masked"] is False
    assert load_workbook(out).sheetnames == ["概览", "活动", "留存"]
    picture = tmp_path / "周一.png"
    assert answer["images"] == [str(picture)] and picture.stat().st_size > 0
    assert logged(url) == [(str(out), False), (str(picture), True)]


def test_custom_dates_are_asked_for_and_an_unknown_preset_names_the_known_ones(tmp_path):
    url = seeded(tmp_path)
    run_main("report", "presets", "save", "自定", "--sheets", "概览", "--period", "custom",
             "--db", url)  # fmt: skip
    out = str(tmp_path / "x.xlsx")
    custom = run_main("report", "--preset", "自定", "--out", out, "--db", url)
    assert custom.returncode == 1 and custom.stdout == ""
    assert custom.stderr.strip().splitlines() == [
        "错误：预设「自定」的期间是自定义，请给出 --from 和 --to"
    ]
    unknown = run_main("report", "--preset", "无此预设", "--out", out, "--db", url)
    assert unknown.returncode == 1
    assert unknown.stderr.strip().splitlines() == [
        "错误：没有名为「无此预设」的报表预设（可选：周报、月报、自定）"
    ]
    assert not (tmp_path / "x.xlsx").exists() and logged(url) == []


def test_list_save_dry_run_and_delete(tmp_path):
    url = seeded(tmp_path)
    dry = run_main("report", "presets", "save", "试试", "--sheets", "积分", "--dry-run",
                   "--db", url)  # fmt: skip
    assert dry.returncode == 0 and dry.stdout.startswith("（试运行，未写入）已保存报表预设 试试")
    listed = run_main("report", "presets", "list", "--db", url, "--json")
    assert [p["name"] for p in json.loads(listed.stdout)["presets"]] == ["周报", "月报"]
    run_main("report", "presets", "save", "试试", "--sheets", "积分", "--period", "days:30",
             "--db", url)  # fmt: skip
    listed = run_main("report", "presets", "list", "--db", url)
    assert listed.stdout.splitlines()[2] == "试试：积分；最近 30 天；全部社群"
    again = run_main("report", "presets", "save", "试试", "--sheets", "概览", "--db", url)
    assert again.returncode == 1 and "已有名为「试试」的预设" in again.stderr
    gone = run_main("report", "presets", "delete", "试试", "--dry-run", "--db", url, "--json")
    assert json.loads(gone.stdout)["dry_run"] is True
    assert run_main("report", "presets", "delete", "试试", "--db", url).stdout == (
        "已删除报表预设「试试」\n"
    )
    builtin = run_main("report", "presets", "delete", "weekly", "--db", url)
    assert builtin.returncode == 1 and "「周报」是内置预设，不能删除" in builtin.stderr
    listed = run_main("report", "presets", "list", "--db", url, "--json")
    assert [p["name"] for p in json.loads(listed.stdout)["presets"]] == ["周报", "月报"]


def test_json_money_figures_are_in_the_yuan_their_label_names(tmp_path):
    """`积分负债（元）` in --json is yuan, as in the workbook, not the ledger's fen."""
    from datetime import datetime

    from core.ledger.entries import award
    from tests.core.reports.helpers import group, person

    url = f"sqlite:///{tmp_path / 'shequn.db'}"
    database = open_database(url, daily_backup=False)
    try:
        with database.session(write=True) as session:
            a = person(session, group(session), "a")
            award(session, a, 100, reason="签到", now=datetime(2026, 11, 20, 10))
            award(session, a, 50, reason="签到", now=datetime(2026, 11, 26, 10))
    finally:
        database.close()
    made = run_main(
        "report", "--from", "2026-11-23", "--to", "2026-11-29", "--json", "--db", url,
        "--out", str(tmp_path / "周报.xlsx"),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    liability = json.loads(made.stdout)["kpis"]["points_liability"]
    assert liability["label"] == "积分负债（元）"
    assert (liability["value"], liability["previous"]) == (1.5, 1.0)


def test_a_period_past_the_years_a_report_can_show_is_one_line(tmp_path):
    url = seeded(tmp_path)
    out = str(tmp_path / "x.xlsx")
    far = run_main("report", "--from", "9999-01-01", "--to", "9999-12-31", "--out", out,
                   "--db", url)  # fmt: skip
    assert far.returncode == 1 and far.stdout == ""
    assert far.stderr.strip().splitlines() == ["错误：日期超出范围（1900–2100 年）：9999-01-01"]
    assert not (tmp_path / "x.xlsx").exists()
