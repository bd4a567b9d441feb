"""The pieces every subcommand shares (core/common/cli.py) that no command test pins alone."""

from __future__ import annotations

from core.common.cli import masked_note


def test_an_export_line_says_whether_it_was_masked():
    assert masked_note(True) == "，手机号和微信号已打码"
    assert masked_note(False) == "，未打码（已记入导出日志）"
