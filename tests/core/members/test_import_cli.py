"""`main.py import` through a real process: JSON summary, dry run, one-line failures."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.main_process import run_main


def member_count(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "shequn.db") as connection:
        return connection.execute("SELECT count(*) FROM members").fetchone()[0]


def test_import_json_summary_then_idempotent(tmp_path, samples):
    data = tmp_path / "data"
    first = run_main(
        "import", str(samples / "linkwechat_客户信息表_1742265751000.xlsx"), "--json", data_dir=data
    )
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert (summary["added"], summary["updated"], summary["unchanged"]) == (25, 0, 0)
    assert (summary["linked"], summary["rejected"]) == (1, 1)
    assert summary["dry_run"] is False and summary["batch_id"] == 1
    (rejected,) = summary["rejected_rows"]
    assert rejected["row"] == 19 and "样例空行客户" in rejected["reason"]
    assert "100%" in first.stderr  # progress on stderr, not in the JSON
    assert member_count(data) == 25

    second = run_main(
        "import", str(samples / "linkwechat_客户信息表_1742265751000.xlsx"), "--json", data_dir=data
    )
    summary = json.loads(second.stdout)
    assert (summary["added"], summary["unchanged"], summary["linked"]) == (0, 25, 1)
    assert member_count(data) == 25


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path, samples):
    data = tmp_path / "data"
    result = run_main(
        "import", str(samples / "wecom_api_groupchat_get__2groups.json"), "--dry-run", data_dir=data
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("预览（未写入数据库）")
    assert "新增 34 人" in result.stdout and "与文件中其他行为同一人 10 行" in result.stdout
    assert "社群「样例烘焙福利1群」（新建，完整名单）：入群 22，退群 0" in result.stdout
    assert member_count(data) == 0


def test_community_option_and_report(tmp_path, samples):
    data = tmp_path / "data"
    report = tmp_path / "问题.xlsx"
    result = run_main(
        "import",
        str(samples / "youzan_客户导出_Excel另存为GBK.csv"),
        "--community",
        "有赞会员群",
        "--report",
        str(report),
        "--json",
        data_dir=data,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    (community,) = summary["communities"]
    assert community["name"] == "有赞会员群" and community["created"] and community["id"] == 1
    assert summary["joined"] == 28 and summary["report"] == str(report)
    assert report.exists()


def test_a_file_that_cannot_be_read_fails_with_one_line_and_writes_nothing(tmp_path, samples):
    data = tmp_path / "data"
    assert (
        run_main(
            "import", str(samples / "weflow_群成员_样例烘焙福利1群.xlsx"), data_dir=data
        ).returncode
        == 0
    )
    bogus = tmp_path / "名单.xlsx"
    bogus.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    result = run_main("import", str(bogus), "--json", data_dir=data)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("错误：") and result.stderr.count("\n") == 1
    assert "PNG" in result.stderr
    assert member_count(data) == 20

    missing = run_main("import", str(tmp_path / "nope.csv"), data_dir=data)
    assert missing.returncode == 1 and "找不到文件" in missing.stderr


def test_help_lists_import(tmp_path):
    result = run_main("--help", data_dir=tmp_path)
    assert "import" in result.stdout
