"""`main.py import --doubtful`: a row whose phone is another member's, under another nickname,
is skipped and reported unless the command line answers for all such rows."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.main_process import run_main

LINKWECHAT = "linkwechat_客户信息表_1742265751000.xlsx"
YOUZAN = "youzan_客户导出_Excel另存为GBK.csv"


def nickname_of_phone(data_dir: Path, phone: str) -> list[str]:
    with sqlite3.connect(data_dir / "shequn.db") as connection:
        rows = connection.execute("SELECT nickname FROM members WHERE phone = ?", (phone,))
        return [nickname for (nickname,) in rows]


def imported_youzan(tmp_path, samples) -> Path:
    data = tmp_path / "data"
    first = run_main("import", str(samples / YOUZAN), data_dir=data)
    assert first.returncode == 0, first.stderr
    return data


def test_by_default_doubtful_rows_are_skipped_and_listed(tmp_path, samples):
    data = imported_youzan(tmp_path, samples)
    result = run_main("import", str(samples / LINKWECHAT), data_dir=data)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "待确认 3 行（未导入）" in out.splitlines()[0]
    assert "按 --doubtful skip（默认）跳过，没有导入" in out
    assert "第 16 行「周周」：手机号 138****0015 属于成员「海风」" in out  # masked phone
    assert "--doubtful same" in out and "--doubtful new" in out
    assert nickname_of_phone(data, "13800000015") == ["海风"]
    assert nickname_of_phone(data, "13800000016") == ["吴阿姨"]
    assert nickname_of_phone(data, "13800000017") == ["Lucy"]


def test_same_and_new_answer_every_doubtful_row(tmp_path, samples):
    data = imported_youzan(tmp_path, samples)
    preview = run_main(
        "import",
        str(samples / LINKWECHAT),
        "--doubtful",
        "same",
        "--dry-run",
        "--json",
        data_dir=data,
    )
    summary = json.loads(preview.stdout)
    assert (summary["doubtful"], summary["doubtful_answer"]) == (0, "same")
    assert [(r["row"], r["member_nickname"], r["answer"]) for r in summary["doubtful_rows"]] == [
        (16, "海风", "same"),
        (17, "吴阿姨", "same"),
        (18, "Lucy", "same"),
    ]
    assert nickname_of_phone(data, "13800000015") == ["海风"]  # a dry run

    result = run_main("import", str(samples / LINKWECHAT), "--doubtful", "new", data_dir=data)
    assert result.returncode == 0, result.stderr
    assert "按 --doubtful new 视为另一个人，新建成员，手机号仍归原成员" in result.stdout
    assert nickname_of_phone(data, "13800000015") == ["海风"]  # the phone stays with its owner
    with sqlite3.connect(data / "shequn.db") as connection:
        new = connection.execute(
            "SELECT phone FROM members WHERE unionid = 'oSAMPLE0015unionidXXXXXXXXXXXX'"
        ).fetchall()
    assert new == [(None,)]


def test_an_unknown_answer_is_refused_in_one_line(tmp_path, samples):
    result = run_main("import", str(samples / LINKWECHAT), "--doubtful", "maybe")
    assert result.returncode != 0
    assert "--doubtful" in result.stderr and "Traceback" not in result.stderr
