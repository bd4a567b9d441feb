"""Opening a file the user chose to read (an import's spreadsheet, a chat export): a missing,
unreadable or empty one is refused in one line, the same way for every reader."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from core.common.errors import UserError
from core.common.text import msg


def input_size(path: Path) -> int:
    """The file's size in bytes; refuses a missing, unreadable or empty file."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as error:
        raise UserError(msg("找不到文件：{path}", path=str(path))) from error
    except OSError as error:
        raise UserError(unreadable(path, error)) from error
    if size == 0:
        raise UserError(msg("文件「{name}」是空的", name=path.name))
    return size


def open_input(path: Path) -> BinaryIO:
    """The file opened for reading bytes; refuses one that can't be opened."""
    try:
        return path.open("rb")
    except OSError as error:
        raise UserError(unreadable(path, error)) from error


def unreadable(path: Path, error: OSError) -> str:
    return msg("无法读取文件 {name}：{problem}", name=path.name, problem=error.strerror)
