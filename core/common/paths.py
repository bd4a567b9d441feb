"""Where the program keeps its files: one module, so tests can point it all at a temp dir.

`SHEQUN_DATA_DIR` overrides the per-user directories (for tests, portable installs and
developers); otherwise platformdirs gives the OS's usual places.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "shequn-workbench"
DATA_DIR_ENV = "SHEQUN_DATA_DIR"


def _override() -> Path | None:
    value = os.environ.get(DATA_DIR_ENV)
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    return _override() or platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    base = _override()
    return base / "config" if base else platformdirs.user_config_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    base = _override()
    return base / "logs" if base else platformdirs.user_log_path(APP_NAME, appauthor=False)


def backup_dir() -> Path:
    return data_dir() / "backups"


def default_db_path() -> Path:
    return data_dir() / "shequn.db"


def resources_dir() -> Path:
    """The shipped resources: next to the sources, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def ensure_dirs() -> None:
    for folder in (data_dir(), config_dir(), log_dir(), backup_dir()):
        folder.mkdir(parents=True, exist_ok=True)
