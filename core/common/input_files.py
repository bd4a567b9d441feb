"""Opening a file the user chose to read (an import's spreadsheet, a chat export): a missing,
unreadable or empty one is refused in one line, the same way for every reader."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from core.common.errors import UserError
from core.common.text import msg

# Files people mistake for the one asked for (a spreadsheet, a chat export), by their first bytes.
OTHER_FORMATS = (
    (b"\x89PNG", msg("PNG 图片")),
    (b"\xff\xd8\xff", msg("JPEG 图片")),
    (b"GIF8", msg("GIF 图片")),
    (b"%PDF", msg("PDF 文档")),
    (b"Rar!", msg("RAR 压缩包")),
    (b"7z\xbc\xaf", msg("7z 压缩包")),
    (b"\x1f\x8b", msg("gzip 压缩包")),
    (b"SQLite format 3", msg("SQLite 数据库")),
    (b"MZ", msg("Windows 程序")),
    (b"\x7fELF", msg("程序文件")),
    (b"RIFF", msg("音视频文件")),
)


def other_format(head: bytes, formats=OTHER_FORMATS) -> str | None:
    """What the file is by its first bytes, when it is one of `formats` (the first that fits)."""
    return next((kind for magic, kind in formats if head.startswith(magic)), None)


def input_size(path: Path) -> int:
    """The file's size in bytes; refuses a missing, unreadable or empty file, or a folder
    (which opening would refuse in the system's words, in English)."""
    try:
        if path.is_dir():
            raise UserError(msg("{name} 是文件夹，不是文件", name=path.name))
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


def read_head(path: Path, size: int) -> bytes:
    """The file's first `size` bytes (what it is, its encoding); refuses one that can't be read."""
    with open_input(path) as handle:
        try:
            return handle.read(size)
        except OSError as error:
            raise UserError(unreadable(path, error)) from error


def unreadable(path: Path, error: OSError) -> str:
    return msg("无法读取文件 {name}：{problem}", name=path.name, problem=error.strerror)
