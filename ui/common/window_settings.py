"""Where the window keeps view state (geometry, the last tab, remembered folders)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from core.common import paths


def ui_settings() -> QSettings:
    """Window geometry and other view state, in an INI file next to config.json."""
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)
