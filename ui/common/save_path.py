"""Where to save an export: the save dialog, and the file ending the user left off."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget


def ask_save_path(
    parent: QWidget, title: str, suggested: str | Path, filters: str, ending: str
) -> Path | None:
    """The file the user picks (`ending`, e.g. ".png", added when typed without it); None:
    cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
    if not path:
        return None
    if not path.lower().endswith(ending):
        path += ending
    return Path(path)


def ask_xlsx_path(parent: QWidget, title: str, suggested: str | Path) -> Path | None:
    """The .xlsx file the user picks (".xlsx" added when typed without it); None: cancelled."""
    filters = QCoreApplication.translate("save_path", "Excel 表格 (*.xlsx)")
    return ask_save_path(parent, title, suggested, filters, ".xlsx")
