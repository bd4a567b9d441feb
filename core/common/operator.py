"""Who is working: the name recorded with exports, level changes, ledger entries and imports."""

from __future__ import annotations

import getpass

from core.common.config import load_config


def operator_name() -> str:
    """The name set in 设置, else the computer's user name."""
    name = load_config().operator.strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in some containers and services
        return "unknown"
