"""Which exporter wrote a file, told by its content (never its name), and the chats it holds.

`open_chats(path)` takes a file or a folder (a tool's whole export: many chats, PyWxDump's pages
of one chat, its users.json beside them). A single file that is no chat export is refused with
one line; in a folder such files are listed in `Found.skipped` with why, media files counted
in one line, and the chat exports read.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core.chat.export import ChatExport, Found
from core.chat.formats import chatlog, copied, pywxdump, wechatmsg, wecom, weflow
from core.chat.textfile import Limits, TextFile
from core.common.errors import UserError
from core.common.text import msg


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    sniff: Callable[[TextFile], bool]
    chats: Callable[..., list[ChatExport]]
    needs_day: bool = False


# Most specific first: exact CSV headers, then JSON shapes, then the loose text layouts.
FORMATS = (
    Format(wechatmsg.FORMAT, wechatmsg.LABEL, wechatmsg.sniff, wechatmsg.chats),
    Format(pywxdump.CSV_FORMAT, pywxdump.CSV_LABEL, pywxdump.sniff_csv, pywxdump.chats_csv),
    Format(chatlog.CSV_FORMAT, chatlog.CSV_LABEL, chatlog.sniff_csv, chatlog.chats_csv),
    Format(pywxdump.JSON_FORMAT, pywxdump.JSON_LABEL, pywxdump.sniff_json, pywxdump.chats_json),
    Format(chatlog.JSON_FORMAT, chatlog.JSON_LABEL, chatlog.sniff_json, chatlog.chats_json),
    Format(weflow.FORMAT, weflow.LABEL, weflow.sniff, weflow.chats),
    Format(wecom.FORMAT, wecom.LABEL, wecom.sniff, wecom.chats),
    Format(copied.MAC_FORMAT, copied.MAC_LABEL, copied.sniff_mac, copied.chats_mac),
    Format(
        copied.WINDOWS_FORMAT,
        copied.WINDOWS_LABEL,
        copied.sniff_windows,
        copied.chats_windows,
        needs_day=True,
    ),
)
LABELS = {f.name: f.label for f in FORMATS}

# Files an export folder holds beside the chats: used (users.json) or not chat text at all.
_COMPANIONS = {"users.json"}
_MEDIA = {
    ".dat", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".heic", ".mp4", ".mov", ".avi",
    ".wav", ".mp3", ".amr", ".silk", ".aac", ".m4a", ".pdf", ".doc", ".docx", ".xls", ".xlsx",
    ".ppt", ".pptx", ".zip", ".rar", ".7z", ".html", ".htm", ".js", ".css", ".ico", ".svg",
    ".ttf", ".woff", ".woff2",
}  # fmt: skip
_PAGE = re.compile(r"_(\d+)_\d+$")


def detect(source: TextFile) -> Format | None:
    """The format of a checked text file, or None."""
    for format_ in FORMATS:
        if format_.sniff(source):
            return format_
    return None


def open_chats(path: Path, *, day: date | None = None, limits: Limits | None = None) -> Found:
    """The chats in a file or folder. `day`: the date of text copied on Windows (it has none)."""
    limits = limits or Limits()
    if path.is_dir():
        return _open_folder(path, day, limits)
    source = TextFile(path, limits)
    format_ = detect(source)
    if format_ is None:
        raise UserError(_not_an_export(path.name))
    return Found(_chats(format_, source, day))


def _chats(format_: Format, source: TextFile, day: date | None) -> list[ChatExport]:
    chats = format_.chats(source, day) if format_.needs_day else format_.chats(source)
    source.head = ""  # read again from the file when needed; a folder may hold thousands
    return chats


def _not_an_export(name: str) -> str:
    return msg(
        "文件「{name}」不是能识别的聊天记录导出（支持留痕、PyWxDump、chatlog、WeFlow、"
        "企业微信会话存档，以及从电脑版微信复制的文字）",
        name=name,
    )


def _open_folder(folder: Path, day: date | None, limits: Limits) -> Found:
    found = Found([])
    media = 0
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(root) / name
            if name.lower() in _COMPANIONS:
                continue
            if path.suffix.lower() in _MEDIA:
                media += 1
                continue
            files.append(path)
            if len(files) > limits.max_files_in_folder:
                raise UserError(
                    msg(
                        "文件夹「{name}」里的文件超过 {limit} 个，不像一次聊天记录导出："
                        "请选择具体的导出文件夹",
                        name=folder.name,
                        limit=limits.max_files_in_folder,
                    )
                )
    for path in files:
        try:
            source = TextFile(path, limits)
            format_ = detect(source)
            if format_ is None:
                found.skipped.append((path, _not_an_export(path.name)))
                continue
            found.chats.extend(_chats(format_, source, day))
        except UserError as error:
            found.skipped.append((path, error.message))
    if media:
        found.skipped.append(
            (
                folder,
                msg("另有 {count} 个图片、语音、文档等附件文件，不是聊天记录，未读取", count=media),
            )
        )
    found.chats = _join_pages(found.chats, found.skipped)
    if not found.chats and not found.skipped:  # nothing read, so no reason to give
        raise UserError(
            msg("文件夹「{name}」里没有能识别的聊天记录：没有可以读取的文件", name=folder.name)
        )
    if not found.chats:
        reasons = "；".join(reason for _path, reason in found.skipped[:3])
        raise UserError(
            msg(
                "文件夹「{name}」里没有能识别的聊天记录：{reasons}",
                name=folder.name,
                reasons=reasons,
            )
        )
    return found


def _join_pages(chats: list[ChatExport], skipped: list) -> list[ChatExport]:
    """PyWxDump writes a long chat in pages (`<id>_0_5001`, `<id>_5000_10001`) and may have
    written it as CSV and as JSON: one chat each, its pages in order, CSV preferred."""
    by_id: dict[str, list[ChatExport]] = {}
    result: list[ChatExport] = []
    for export in chats:
        if export.chat.format in (pywxdump.CSV_FORMAT, pywxdump.JSON_FORMAT) and export.chat.id:
            by_id.setdefault(export.chat.id, []).append(export)
        else:
            result.append(export)
    for parts in by_id.values():
        formats = {part.chat.format for part in parts}
        if len(formats) > 1:
            for part in parts:
                if part.chat.format == pywxdump.JSON_FORMAT:
                    skipped.append((part.files[0], msg("与同一聊天的 CSV 导出重复，只读取 CSV")))
            parts = [part for part in parts if part.chat.format == pywxdump.CSV_FORMAT]
        parts.sort(key=lambda part: _page_start(part.files[0]))
        if len(parts) == 1:
            result.append(parts[0])
            continue
        result.append(_chain(parts))
    return result


def _page_start(path: Path) -> int:
    found = _PAGE.search(path.stem)
    return int(found[1]) if found else 0


def _chain(parts: list[ChatExport]) -> ChatExport:
    current = [parts[0]]

    def read():
        for part in parts:
            current[0] = part
            yield from part.events()

    def fraction() -> float:
        index = parts.index(current[0])
        return (index + current[0].fraction()) / len(parts)

    files = list(itertools.chain.from_iterable(part.files for part in parts))
    return ChatExport(parts[0].chat, files, read, fraction)


def needs_day(path: Path, limits: Limits | None = None) -> bool:
    """Whether this file is text copied on Windows, which carries no date (the caller asks for
    the day before reading it). A folder is a tool's export: False. Refuses what open_chats
    refuses (binary, empty, unreadable), so a bad file is told at once."""
    if path.is_dir():
        return False
    format_ = detect(TextFile(path, limits or Limits()))
    return format_ is not None and format_.needs_day
