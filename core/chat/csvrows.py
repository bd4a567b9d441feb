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
    reader = csv.reader(source.lines(), strict=False)
    end = 0
    header_done = False
    while True:
        try:
            for cells in reader:
                start, end = end + 1, reader.line_num
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
            start, end = end + 1, reader.line_num
            yield from source.take_problems()
            yield Unreadable(
                start,
                msg(
                    "第 {rows} 行无法读取（{problem}），已跳过",
                    rows=_span(start, end),
                    problem=str(error),
                ),
            )
