"""The rotating log file every part of the program writes to.

Nothing personal goes in: SQL errors carry no parameters (hide_parameters on the engine), and
what a database server quotes back from the row in its own message (PostgreSQL's "Key
(phone)=(…)", "Failing row contains (…)") is cut out by `redacted`.
"""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

from core.common import paths

LOG_FILE_NAME = "shequn.log"

# Server messages that quote the data of the row: the quoted part becomes "…".
_QUOTED_DATA = (
    (re.compile(r"(Failing row contains )\(.*\)"), r"\1(…)"),
    (
        re.compile(
            r"(Key \([^)]*\)=)\(.*?\)(?=(?: already exists| is not present| conflicts|\.|$))", re.M
        ),
        r"\1(…)",
    ),
    (re.compile(r'(invalid input (?:syntax|value) for [^:\n]*: )"[^"\n]*"'), r'\1"…"'),
)


def redacted(text: str) -> str:
    """`text` (an error message, a traceback) without the row data a server quoted in it."""
    for pattern, replacement in _QUOTED_DATA:
        text = pattern.sub(replacement, text)
    return text


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redacted(super().format(record))


def log_file() -> Path:
    return paths.log_dir() / LOG_FILE_NAME


def setup_logging(level: int = logging.INFO) -> Path:
    """Send records to a rotating file (1 MB × 5) in the user log directory; return its path."""
    target = log_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, RotatingFileHandler):
            root.removeHandler(handler)
            handler.close()
    handler = RotatingFileHandler(target, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return target
