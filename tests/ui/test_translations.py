"""The English translation is complete for the code as it stands, and its .qm is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QTranslator

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import i18n  # noqa: E402


def test_every_interface_string_has_an_english_translation():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compiled_qm_matches_the_ts(app):
    translator = QTranslator()
    assert translator.load(str(i18n.QM_FILE))
    entries = i18n.messages(i18n.TS_FILE)
    assert len(entries) > 50

    def compiled(context: str, source: str) -> str:
        if "%n" in source or "%Ln" in source:  # a plural: English for one and for many
            return " | ".join(translator.translate(context, source, "", n) for n in (1, 2))
        return translator.translate(context, source)

    stale = {
        (context, source): english
        for (context, source), english in entries.items()
        if compiled(context, source) != english
    }
    assert stale == {}, "run scripts/i18n.py to rebuild the .qm"


def test_core_english_must_keep_the_chinese_format_fields():
    assert i18n.format_fields("群里有 {count:,} 人，{name}") == {"count", "name"}
    chinese = i18n.format_fields("群里有 {count:,} 人，{name}")
    assert i18n.format_fields("{count:,} people") != chinese
    assert i18n.format_fields("字面的 {{邀请码}}") == set()


def test_every_core_msg_template_is_collected_for_translation():
    templates, unfound = i18n.core_templates()
    assert unfound == []
    assert "已有名为「{name}」的社群" in templates  # core/communities/registry.py
    english = i18n.messages(i18n.TS_FILE)
    wanted = "There is already a community called “{name}”"
    assert english[("core", "已有名为「{name}」的社群")] == wanted


def test_a_context_key_replaces_one_contexts_english_only(tmp_path):
    ts = tmp_path / "x.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><TS version="2.1" language="en">'
        "<context><name>LadderDialog</name><message><source>上移</source>"
        "<translation>Move Up</translation></message></context>"
        "<context><name>LayerPanel</name><message><source>上移</source>"
        "<translation>Up</translation></message></context></TS>",
        encoding="utf-8",
    )
    assert i18n.fill(ts, {"LadderDialog::上移": "Move up"}, replace=True) == 1
    assert i18n.messages(ts) == {("LadderDialog", "上移"): "Move up", ("LayerPanel", "上移"): "Up"}
