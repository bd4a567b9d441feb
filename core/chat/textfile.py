"""Open a text export safely and stream its lines, whatever its size.

The file is refused up front when it is empty, too big, binary (a picture, a database, a zip) or in
no encoding we read. The encoding is chosen on the first megabyte as the member import does it:
a BOM, else strict UTF-8, else GB18030 (what a Chinese Windows "ANSI" save is). Lines are then
read one at a time with a length cap, so a file without line breaks cannot fill the memory; a
line that is too long or does not decode is skipped and reported with its number, never dropped
unseen.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.chat.model import Unreadable
from core.common.errors import UserError
from core.common.input_files import (
    OTHER_FORMATS,
    input_size,
    open_input,
    other_format,
    read_head,
)
from core.common.text import msg

HEAD_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much a chat export may hold before it is refused (a file) or skipped (a line)."""

    max_file_bytes: int = 4 * 1024**3  # two years of a busy group is a few hundred MB
    max_line_bytes: int = 1024 * 1024  # no chat line is near this; a 10 MB cell is garbage
    max_json_item_chars: int = 4 * 1024 * 1024
    max_files_in_folder: int = 10_000


# Ahead of the shared list so they win: a SQLite file gets a hint; zip and CFB files (which a
# spreadsheet reader opens) are no chat text.
_NOT_TEXT = (
    (b"PK\x03\x04", msg("压缩包或 Office 文档")),
    (b"SQLite format 3", msg("SQLite 数据库（请先用导出工具导出聊天记录）")),
    (b"\xd0\xcf\x11\xe0", msg("旧版 Office 文档")),
    *OTHER_FORMATS,
)


def check_size(path: Path, limits: Limits) -> int:
    """The file's size; refuses a missing, unreadable, empty or oversized file."""
    name = path.name
    size = input_size(path)
    if size > limits.max_file_bytes:
        raise UserError(
            msg(
                "文件「{name}」有 {size:.0f} MB，超过了聊天记录 {limit} MB 的上限："
                "请按时间分段导出后再导入",
                name=name,
                size=size / 1024 / 1024,
                limit=limits.max_file_bytes // 1024 // 1024,
            )
        )
    return size


def choose_encoding(name: str, head: bytes) -> str:
    """The encoding of a text file from its first bytes; refuses binary and unknown ones."""
    if kind := other_format(head, _NOT_TEXT):
        raise UserError(msg("文件「{name}」不是聊天记录，看起来是{kind}", name=name, kind=kind))
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif _decodes(head, "utf-8"):
        encoding = "utf-8"
    elif _decodes(head, "gb18030"):
        encoding = "gb18030"
    else:
        raise UserError(
            msg("文件「{name}」不是可识别的文本（既不是 UTF-8 也不是 GBK 编码）", name=name)
        )
    text = head.decode(encoding, errors="ignore")
    control = sum(1 for ch in text[:200_000] if ord(ch) < 32 and ch not in "\t\r\n")
    if control > max(16, len(text[:200_000]) * 0.01):
        raise UserError(msg("文件「{name}」不是文本（含有大量二进制内容）", name=name))
    return encoding


def _decodes(data: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        decoder.decode(data, final=False)  # the head may end inside a character
    except UnicodeDecodeError:
        return False
    return True


class TextFile:
    """A checked text file: its encoding, its first characters, and its lines on demand."""

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.path = path
        self.name = path.name
        self.limits = limits or Limits()
        self.size = check_size(path, self.limits)
        head = read_head(path, HEAD_BYTES)
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n"):
            raise UserError(msg("文件「{name}」是空的", name=self.name))
        self.encoding = choose_encoding(self.name, head)
        self._head_is_ascii = head.isascii()
        self.head = head.decode(self.encoding, errors="ignore")[: 64 * 1024]
        self.problems: list[Unreadable] = []  # filled while lines are read; readers drain it
        self._position = 0

    def first_line(self) -> str:
        """The first line that is not blank, stripped ("" when the head has none)."""
        for line in self.head.splitlines():
            if line.strip():
                return line.strip()
        return ""

    def fraction(self) -> float:
        """How much of the file has been read, 0..1 (for progress)."""
        return min(self._position / max(self.size, 1), 1.0)

    def take_problems(self) -> list[Unreadable]:
        problems, self.problems = self.problems, []
        return problems

    def lines(self) -> Iterator[str]:
        """The decoded lines with their line ends. A line too long or not decodable is reported
        in `problems` and stands as an empty line, so line numbers stay right."""
        if self.encoding == "utf-16":
            yield from self._utf16_lines()
            return
        cap = self.limits.max_line_bytes
        encoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        number = 0
        handle = open_input(self.path)
        with handle:
            readline = handle.readline
            first = True
            while True:
                raw = readline(cap)
                if not raw:
                    break
                number += 1
                self._position += len(raw)
                if len(raw) == cap and not raw.endswith(b"\n"):
                    skipped = len(raw)
                    while raw and not raw.endswith(b"\n"):
                        raw = readline(cap)
                        skipped += len(raw)
                        self._position += len(raw)
                    self.problems.append(
                        Unreadable(
                            number,
                            msg(
                                "第 {row} 行长达 {size:.1f} MB，不像聊天内容，已跳过",
                                row=number,
                                size=skipped / 1024 / 1024,
                            ),
                        )
                    )
                    yield "\n"
                    continue
                if first:
                    first = False
                    if raw.startswith(codecs.BOM_UTF8):
                        raw = raw[3:]
                try:
                    yield raw.decode(encoding)
                except UnicodeDecodeError:
                    # A file whose first megabyte was plain ASCII may be GB18030 after all.
                    if encoding == "utf-8" and self._head_is_ascii and _decodes(raw, "gb18030"):
                        encoding = self.encoding = "gb18030"
                        yield raw.decode(encoding)
                        continue
                    self.problems.append(
                        Unreadable(
                            number,
                            msg(
                                "第 {row} 行编码有误（与文件其余部分的编码不同），已跳过",
                                row=number,
                            ),
                            raw[:80].decode(encoding, errors="replace"),
                        )
                    )
                    yield "\n"

    def _utf16_lines(self) -> Iterator[str]:
        # Notepad's "Unicode" save: rare and small; read through a strict text wrapper.
        cap = self.limits.max_line_bytes // 2
        number = 0
        with open(self.path, encoding="utf-16", errors="strict", newline="") as text:
            try:
                while True:
                    line = text.readline(cap)
                    if not line:
                        break
                    number += 1
                    self._position += len(line) * 2
                    if len(line) == cap and not line.endswith("\n"):
                        while line and not line.endswith("\n"):
                            line = text.readline(cap)
                        self.problems.append(
                            Unreadable(
                                number, msg("第 {row} 行太长，不像聊天内容，已跳过", row=number)
                            )
                        )
                        yield "\n"
                        continue
                    yield line
            except UnicodeDecodeError as error:
                raise UserError(
                    msg("文件「{name}」在第 {row} 行附近编码有误", name=self.name, row=number + 1)
                ) from error

    def chunks(self, size: int = 1024 * 1024) -> Iterator[str]:
        """The decoded text in pieces (for JSON, which may be one line of any length). A byte
        that does not decode stops the reading: inside JSON nothing after it can be trusted."""
        encoding = "utf-8-sig" if self.encoding == "utf-8" else self.encoding
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        handle = open_input(self.path)
        with handle:
            while True:
                raw = handle.read(size)
                if not raw:
                    return  # a character cut off by a truncated file is left out: JSON says so
                try:
                    text = decoder.decode(raw)
                except UnicodeDecodeError as error:
                    raise UserError(
                        msg(
                            "文件「{name}」在第 {offset:,} 字节附近编码有误，无法继续读取",
                            name=self.name,
                            offset=self._position + error.start,
                        )
                    ) from error
                self._position += len(raw)
                if text:
                    yield text
