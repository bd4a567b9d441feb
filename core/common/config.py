"""The small per-user configuration file (language, chosen database URL).

It lives outside the database because it says which database to open. JSON, written
atomically so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from core.common import paths

LANGUAGES = ("zh_CN", "en")
THEMES = ("system", "light", "dark")  # system: follow the operating system's light or dark


@dataclass
class AppConfig:
    language: str = "zh_CN"
    db_url: str = ""  # empty: the default SQLite file in the data directory
    operator: str = ""  # the name recorded in export logs; empty: the OS user name
    theme: str = "system"


def config_file() -> Path:
    return paths.config_dir() / "config.json"


def load_config() -> AppConfig:
    try:
        raw = json.loads(config_file().read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return AppConfig()
    if not isinstance(raw, dict):
        return AppConfig()
    known = {key: value for key, value in raw.items() if key in AppConfig.__dataclass_fields__}
    config = AppConfig(**{k: str(v) for k, v in known.items()})
    if config.language not in LANGUAGES:
        config.language = AppConfig.language
    if config.theme not in THEMES:
        config.theme = AppConfig.theme
    return config


def save_config(config: AppConfig) -> None:
    target = config_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(config), ensure_ascii=False, indent=2), "utf-8")
    os.replace(temporary, target)
