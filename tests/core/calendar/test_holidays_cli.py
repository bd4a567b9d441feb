"""`main.py calendar holidays list / import-notice` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile_text import HOSTILE, unsafe_characters
from tests.main_process import run_main

NOTICES = Path(__file__).parent / "notices"
MADE_UP = str(NOTICES / "made-up-2027.txt")


def one_line_refusal(result) -> str:
    assert result.returncode == 1, result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：")
    assert unsafe_characters(result.stderr) == []
    return lines[0]


def test_list_a_known_year_and_a_missing_one():
    known = run_main("calendar", "holidays", "list", "--year", "2026", "--json")
    data = json.loads(known.stdout)
    assert data["status"] == "library" and data["breaks"][1]["name"] == "春节"
    assert data["breaks"][1]["days"] == 9 and data["workdays"]["2026-01-04"] == "元旦"
    missing = run_main("calendar", "holidays", "list", "--year", "2027")
    assert missing.returncode == 0 and "没有 2027 年的节假日数据" in missing.stdout


def test_import_then_list(tmp_path):
    dry = run_main("calendar", "holidays", "import-notice", MADE_UP, "--dry-run", "--json")
    assert json.loads(dry.stdout)["saved"] is False
    assert (
        json.loads(run_main("calendar", "holidays", "list", "--year", "2027", "--json").stdout)[
            "status"
        ]
        == "missing"
    )
    done = run_main("calendar", "holidays", "import-notice", MADE_UP, "--year", "2027")
    assert (
        done.returncode == 0 and "已导入 2027 年放假通知：放假 28 天，调休上班 4 天" in done.stdout
    )
    listed = run_main("calendar", "holidays", "list", "--year", "2027")
    assert "导入的放假通知" in listed.stdout and "春节\t2月5日 至 2月14日" in listed.stdout


def test_dry_run_on_a_library_year_compares_day_by_day():
    same = run_main("calendar", "holidays", "import-notice", str(NOTICES / "2025.txt"), "--dry-run")
    assert same.returncode == 0 and "与内置数据逐日一致" in same.stdout
    changed = run_main(
        "calendar", "holidays", "import-notice", str(NOTICES / "2019.txt"), "--dry-run", "--json"
    )
    assert json.loads(changed.stdout)["library_differences"] == [
        "2019-04-28",
        "2019-05-02",
        "2019-05-03",
        "2019-05-05",
    ]
    assert "已内置" in one_line_refusal(
        run_main("calendar", "holidays", "import-notice", str(NOTICES / "2025.txt"))
    )


def test_hostile_files_are_refused_in_one_line(tmp_path):
    name = f"通知{HOSTILE['clear screen']}{HOSTILE['right-to-left override']}.txt"
    huge = tmp_path / name
    with huge.open("wb") as handle:
        handle.truncate(10 * 1024 * 1024)
    assert "太大" in one_line_refusal(run_main("calendar", "holidays", "import-notice", str(huge)))

    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    one_line_refusal(run_main("calendar", "holidays", "import-notice", str(binary)))

    noise = tmp_path / "noise.txt"
    noise.write_text("".join(HOSTILE.values()) * 20, encoding="utf-8")
    assert "不是国务院办公厅的放假通知" in one_line_refusal(
        run_main("calendar", "holidays", "import-notice", str(noise))
    )

    half = tmp_path / "half.txt"
    text = (NOTICES / "2026.txt").read_bytes()
    half.write_bytes(text[: len(text) // 2])  # cut inside a character, too
    assert "不完整" in one_line_refusal(
        run_main("calendar", "holidays", "import-notice", str(half))
    )

    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes((NOTICES / "made-up-2027.txt").read_text(encoding="utf-8").encode("gb18030"))
    assert "2026 年" in one_line_refusal(
        run_main("calendar", "holidays", "import-notice", str(gbk), "--year", "2026")
    )
    assert run_main("calendar", "holidays", "import-notice", str(gbk)).returncode == 0

    assert "找不到文件" in one_line_refusal(
        run_main("calendar", "holidays", "import-notice", str(tmp_path / "gone" / name))
    )
    assert "不是文件" in one_line_refusal(
        run_main("calendar", "holidays", "import-notice", str(tmp_path))
    )
