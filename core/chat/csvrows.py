"""The records of a CSV chat export, streamed with the line each starts on.

Messages may hold line breaks inside quotes, so a record is not a line. A record the csv module
cannot read (a cell over its 128 KB field limit, a stray quote) and a record of the wrong width
come out as Unreadable with their lines and reason; the reading goes on with the next record.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from core.chat.model import Unreadable
from core.chat.textfile import TextFile
from core.common.text import msg


def _span(start: int, end: int) -> str:
    return str(start) if end <= start else f"{start}–{end}"


def records(source: TextFile, width: int) -> Iterator[tuple[int, list[str]] | Unreadable]:
    """(first line, cells) for each record after the header, or an Unreadable."""
    lines = source.lines()
    reader = csv.reader(lines, strict=False)
    end = 0
    skipped = 0  # lines passed over after an error, which the csv reader did not count
    header_done = False
    while True:
        try:
            for cells in reader:
                start, end = end + 1, reader.line_num + skipped
                if source.problems:
                    yield from source.take_problems()
                    if not cells:
                        continue
                if not header_done:
                    header_done = True
                    continue
                if len(cells) == width:
                    yield start, cells
                elif cells:
                    yield Unreadable(
                        start,
                        msg(
                            "第 {rows} 行有 {count} 列，应为 {width} 列"
                            "（可能是引号没有闭合），已跳过",
                            rows=_span(start, end),
                            count=len(cells),
                            width=width,
                        ),
                        ",".join(cells)[:80],
                    )
            return
        except csv.Error as error:
            start = end + 1
            yield from source.take_problems()
            if "field larger than field limit" in str(error):
                # Inside a quoted cell too big for a message: pass over the lines up to the
                # one that closes it (an odd number of quotes), so they do not come out as
                # records of their own.
                for line in lines:
                    skipped += 1
                    if line.count('"') % 2:
                        break
                end = reader.line_num + skipped
                reason = msg(
                    "第 {rows} 行有一格超过 {limit} KB，不像聊天内容，已跳过",
                    rows=_span(start, end),
                    limit=csv.field_size_limit() // 1024,
                )
            else:
                end = reader.line_num + skipped
                reason = msg(
                    "第 {rows} 行无法读取（{problem}），已跳过",
                    rows=_span(start, end),
                    problem=str(error),
                )
            source.take_problems()
            yield Unreadable(start, reason)
