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
    assert summary["joined"] == 29 and summary["report"] == str(report)
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

    folder = tmp_path / "导出"
    folder.mkdir()
    chosen = run_main("import", str(folder), data_dir=data)
    assert chosen.returncode == 1 and "导出 是文件夹，不是表格文件" in chosen.stderr


def test_help_lists_import(tmp_path):
    result = run_main("--help", data_dir=tmp_path)
    assert "import" in result.stdout


# ----- hostile input through a real process: one line, the truth in the exit code


def table_count(data_dir: Path, table: str) -> int:
    with sqlite3.connect(data_dir / "shequn.db") as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def imported(tmp_path, samples) -> Path:
    """A data folder with the weflow sample imported: something that must stay as it is."""
    data = tmp_path / "data"
    first = run_main("import", str(samples / "weflow_群成员_样例烘焙福利1群.xlsx"), data_dir=data)
    assert first.returncode == 0, first.stderr
    return data


def assert_refused(result, *words: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert result.stdout == ""
    assert result.stderr.startswith("错误：") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_an_unterminated_quote_is_a_rejected_row_in_the_dry_run(tmp_path):
    data = tmp_path / "data"
    source = tmp_path / "引号.csv"
    source.write_text(
        '昵称,手机号\n引号甲,13800002701\n"引号乙,13800002702\n引号丙,13800002703\n',
        encoding="utf-8",
    )
    result = run_main("import", str(source), "--dry-run", "--json", data_dir=data)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["added"], summary["rejected"]) == (1, 1)
    (rejected,) = summary["rejected_rows"]
    assert rejected["row"] == 3 and "引号没有闭合，后面第 4 行" in rejected["reason"]
    human = run_main("import", str(source), "--dry-run", data_dir=data)
    assert "引号 第 3 行：第 3 行的引号没有闭合" in human.stdout
    applied = run_main("import", str(source), "--json", data_dir=data)
    assert applied.returncode == 0, applied.stderr
    with sqlite3.connect(data / "shequn.db") as connection:
        names = [n for (n,) in connection.execute("SELECT nickname FROM members")]
    assert names == ["引号甲"]


def test_a_report_that_cannot_be_saved_fails_before_anything_is_imported(tmp_path, samples):
    data = imported(tmp_path, samples)
    before = {t: table_count(data, t) for t in ("members", "communities", "export_log")}
    not_a_folder = tmp_path / "a file"
    not_a_folder.write_text("x")
    for target in (not_a_folder / "r.xlsx", tmp_path / "missing" / "r.xlsx", Path("/proc/r.xlsx")):
        result = run_main(
            "import",
            str(samples / "youzan_客户导出_Excel另存为GBK.csv"),
            "--report",
            str(target),
            "--json",
            data_dir=data,
        )
        assert_refused(result)
        assert {t: table_count(data, t) for t in before} == before


def test_the_report_is_masked_and_logged_like_every_export(tmp_path, samples):
    data = tmp_path / "data"
    report = tmp_path / "问题.xlsx"
    result = run_main(
        "import",
        str(samples / "youzan_客户导出_Excel另存为GBK.csv"),
        "--dry-run",
        "--report",
        str(report),
        "--json",
        data_dir=data,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["report"] == str(report)
    from openpyxl import load_workbook

    cells = [
        str(c) for row in load_workbook(report).active.iter_rows(values_only=True) for c in row
    ]
    assert "1380000010" not in "".join(cells) and "******0010" in cells
    with sqlite3.connect(data / "shequn.db") as connection:
        query = "SELECT what, path, row_count, masked FROM export_log"
        logged = connection.execute(query).fetchall()
    assert logged == [("导入问题清单「youzan_客户导出_Excel另存为GBK.csv」", str(report), 2, 1)]
    assert member_count(data) == 0  # a dry run: only the export is recorded


def test_an_absurd_sheet_is_refused_instead_of_aborting(tmp_path, samples):
    from tests.core.sheets import hostile_files as made

    data = imported(tmp_path, samples)
    before = {t: table_count(data, t) for t in ("members", "communities")}
    far = made.xlsx(
        tmp_path / "远处.xlsx",
        made.MEMBER_ROWS + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    )
    assert far.stat().st_size < 2000
    for arguments in (("--dry-run",), ("--json",), ()):
        result = run_main("import", str(far), *arguments, data_dir=data)
        assert_refused(result, "1,048,576 行 × 16,384 列", "XFD1048576")
    assert {t: table_count(data, t) for t in before} == before


def test_deep_json_and_values_of_the_wrong_type(tmp_path, samples):
    data = imported(tmp_path, samples)
    before = {t: table_count(data, t) for t in ("members", "communities")}
    deep = tmp_path / "deep.json"
    deep.write_text('{"errcode": 0, "group_chat": ' + "[" * 900 + "]" * 900 + "}")
    assert_refused(run_main("import", str(deep), "--json", data_dir=data), "嵌套超过 64 层")
    assert {t: table_count(data, t) for t in before} == before

    typed = tmp_path / "groupchat.json"
    chat = {
        "chat_id": "wrOgQhDgAA9",
        "name": 5,
        "member_list": [{"userid": "wm1", "type": 2, "name": {"a": 1}}],
    }
    typed.write_text(json.dumps({"errcode": 0, "group_chat": chat}))
    result = run_main("import", str(typed), "--json", data_dir=data)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["rejected"] == 1 and summary["communities"] == []
    assert "「group_chat.name」应为文字，这里是数字" in summary["rejected_rows"][0]["reason"]
    assert {t: table_count(data, t) for t in before} == before
