"""`main.py members search` and `main.py export members` from a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from core.common.database import open_database
from core.members.editing import add_members_to_community, create_member
from db.models import Community, ExportLog
from tests.main_process import run_main

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def url(sqlite_url):
    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        bakery = Community(name="麦香烘焙福利1群")
        session.add(bakery)
        session.flush()
        zhang = create_member(session, "张小凡", phone="13800000016", wechat_id="wx_fan")
        create_member(session, '=HYPERLINK("http://x")', phone="13800000099")
        add_members_to_community(session, [zhang], bakery.id)
    database.close()
    return sqlite_url


def test_search_json_masks_the_phone(url):
    result = run_main("members", "search", "zxf", "--json", "--db", url)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["total"] == 1
    assert found["members"][0]["nickname"] == "张小凡"
    assert found["members"][0]["phone"] == "138****0016"
    assert found["members"][0]["communities"] == ["麦香烘焙福利1群"]


def test_export_masked_by_default_unmasked_on_request_and_logged(url, tmp_path):
    masked_file, plain_file = tmp_path / "masked.xlsx", tmp_path / "plain.xlsx"
    assert run_main("export", "members", "--out", str(masked_file), "--db", url).returncode == 0
    result = run_main(
        "export",
        "members",
        "--out",
        str(plain_file),
        "--no-mask",
        "--community",
        "麦香烘焙福利1群",
        "--db",
        url,
    )
    assert result.returncode == 0, result.stderr
    masked = [
        c.value for row in openpyxl.load_workbook(masked_file).active.iter_rows() for c in row
    ]
    plain = [c.value for row in openpyxl.load_workbook(plain_file).active.iter_rows() for c in row]
    assert "138****0016" in masked and "wx**an" in masked and "13800000016" not in masked
    assert "13800000016" in plain and len([v for v in plain if v == "张小凡"]) == 1
    # A nickname that looks like a formula is written as text, never as a formula.
    assert '\'=HYPERLINK("http://x")' in masked
    database = open_database(url, daily_backup=False)
    with database.session() as session:
        logs = session.query(ExportLog).order_by(ExportLog.id).all()
    database.close()
    assert [(log.row_count, log.masked) for log in logs] == [(2, True), (1, False)]
    assert logs[1].what == "社群「麦香烘焙福利1群」的成员"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["members", "search", "x", "--community", "不存在的群"], "没有名为「不存在的群」的社群"),
        (["members", "search", "x", "--limit", "0"], "--limit 至少为 1"),
        (["export", "members", "--out", "/nonexistent-folder/x.xlsx"], "文件夹不存在"),
        (["export", "members", "--out", "members.csv"], "必须是 .xlsx"),
    ],
)
def test_refusals_are_one_line(url, args, message):
    result = run_main(*args, "--db", url)
    assert result.returncode == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
