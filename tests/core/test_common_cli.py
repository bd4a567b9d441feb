"""The pieces every subcommand shares (core/common/cli.py) that no command test pins alone."""

from __future__ import annotations

from core.common.cli import MAX_LISTED, import_heading, listed, masked_note


def test_an_export_line_says_whether_it_was_masked():
    assert masked_note(True) == "，手机号和微信号已打码"
    assert masked_note(False) == "，未打码（已记入导出日志）"


def test_an_import_summary_starts_with_preview_or_imported_and_the_file():
    assert import_heading("名单.xlsx", dry_run=True) == "预览（未写入数据库）「名单.xlsx」"
    assert import_heading("名单.xlsx", dry_run=False) == "已导入「名单.xlsx」"


def test_a_summary_lists_at_most_max_listed_then_counts_the_rest():
    assert listed([1, 2], str) == ["1", "2"]
    assert listed(list(range(MAX_LISTED)), str) == [str(n) for n in range(MAX_LISTED)]
    lines = listed(list(range(MAX_LISTED + 3)), lambda n: f"第 {n} 行")
    assert lines[:MAX_LISTED] == [f"第 {n} 行" for n in range(MAX_LISTED)]
    assert lines[MAX_LISTED:] == ["  …另有 3 行，用 --json 查看完整清单"]
    assert listed([1] * (MAX_LISTED + 1), str, more="还有 {count} 条")[-1] == "还有 1 条"
