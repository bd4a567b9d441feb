"""`activity paste FILE`: the 接龙 text as Windows editors save it."""

from __future__ import annotations

import pytest

from core.activity.cli import read_text_file

TEXT = "#接龙\n明早试吃报名\n\n1. 张小凡\n2. 李大嘴 +1\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_the_text_reads_the_same_in_every_encoding_an_editor_saves(tmp_path, encoding):
    """utf-16 (with its BOM) is Notepad's "Unicode", what a paste saved on Windows may be."""
    path = tmp_path / "接龙.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert read_text_file(path) == TEXT
