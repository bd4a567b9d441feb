"""The export save dialog's answer: a path ending in .xlsx, or None when cancelled."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from ui.common.save_path import ask_xlsx_path


def answer(monkeypatch, typed: str) -> list[tuple]:
    asked: list[tuple] = []

    def dialog(*args, **kwargs):
        asked.append(args)
        return typed, ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    return asked


def test_a_name_typed_without_the_ending_gets_xlsx(app, qtbot, monkeypatch, tmp_path):
    parent = QWidget()
    qtbot.addWidget(parent)
    asked = answer(monkeypatch, str(tmp_path / "成员"))
    assert ask_xlsx_path(parent, "导出成员", tmp_path / "建议.xlsx") == tmp_path / "成员.xlsx"
    assert asked[0][1:3] == ("导出成员", str(tmp_path / "建议.xlsx"))


def test_an_ending_in_capitals_is_kept(app, qtbot, monkeypatch, tmp_path):
    parent = QWidget()
    qtbot.addWidget(parent)
    answer(monkeypatch, str(tmp_path / "A.XLSX"))
    assert ask_xlsx_path(parent, "导出", "a.xlsx") == Path(tmp_path / "A.XLSX")


def test_cancelling_gives_none(app, qtbot, monkeypatch):
    parent = QWidget()
    qtbot.addWidget(parent)
    answer(monkeypatch, "")
    assert ask_xlsx_path(parent, "导出", "a.xlsx") is None
