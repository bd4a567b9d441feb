"""How big each sheet of a workbook really is, found before python-calamine loads it.

calamine holds a sheet as one dense rectangle from its first to its last cell, so two cells at
A1 and XFD1048576 make it ask for 549 GB, and the allocation failure aborts the whole process
(no exception to catch). The same happens with an .xls whose DIMENSIONS record or cell says
column 65535, and with an .xlsx whose shared-string table claims billions of entries. So the
file is read here first, cheaply and without trusting it:

- .xlsx/.xlsm/.ods (zip): every part is inflated as a stream (never held whole) and must not
  grow past the size its header declares, which is what the zip-bomb check relies on; the
  `<row>`/`<c>` tags of every part give each sheet's rectangle (only cells that can hold a
  value count, as calamine skips empty ones); an .ods's `content.xml` is walked with its
  repeated rows and columns; a shared-string table may not claim more strings than it can hold.
- .xls (OLE): the Workbook stream's DIMENSIONS and cell records of every sheet.

A sheet whose rectangle exceeds `ImportLimits.max_sheet_cells` is refused with its name and
its farthest cell, so the user can find it (Ctrl+End in Excel).
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from core.common.errors import UserError
from core.common.sheets.cfb import CfbError, read_stream
from core.common.sheets.limits import ImportLimits
from core.common.text import msg

_CHUNK = 4 * 1024 * 1024
_MAX_TAG = 1024 * 1024  # no spreadsheet writes a row or cell tag this long
_KEEP = 4096  # the end of a chunk that may hold the start of a tag cut in two


# ----------------------------------------------------------------------------- rectangles


@dataclass
class _Extent:
    """The rectangle of the cells of one sheet that hold (or may hold) a value, 0-based."""

    first_row: int | None = None
    last_row: int = 0
    first_column: int | None = None
    last_column: int = 0

    def add(self, first_row: int, last_row: int, first_column: int, last_column: int) -> None:
        if self.first_row is None or first_row < self.first_row:
            self.first_row = first_row
        if self.first_column is None or first_column < self.first_column:
            self.first_column = first_column
        self.last_row = max(self.last_row, last_row)
        self.last_column = max(self.last_column, last_column)

    @property
    def cells(self) -> int:
        if self.first_row is None or self.first_column is None:
            return 0
        return (self.last_row - self.first_row + 1) * (self.last_column - self.first_column + 1)


def _check_extent(file: str, sheet: str, extent: _Extent, limits: ImportLimits) -> None:
    if extent.first_row is None:
        return
    rows = extent.last_row - extent.first_row + 1
    if rows > limits.max_rows + limits.header_scan_rows:
        raise UserError(
            msg(
                "文件「{name}」超过 {limit:,} 行的上限：请拆分成几个文件后分批导入",
                name=file,
                limit=limits.max_rows,
            )
        )
    if extent.cells <= limits.max_sheet_cells:
        return
    columns = extent.last_column - (extent.first_column or 0) + 1
    raise UserError(
        msg(
            "文件「{name}」的工作表「{sheet}」内容范围有 {rows:,} 行 × {columns:,} 列"
            "（最远的单元格在 {cell}），读取它需要的内存太多，已拒绝：请删掉远处多余的内容"
            "（在 Excel 里按 Ctrl+End 可跳到最后一个单元格）后另存，再导入",
            name=file,
            sheet=sheet,
            rows=rows,
            columns=columns,
            cell=cell_name(extent.last_row, extent.last_column),
        )
    )


def cell_name(row: int, column: int) -> str:
    """0-based (row, column) as Excel names it: (0, 0) → A1, (1048575, 16383) → XFD1048576."""
    letters = ""
    number = column + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters.upper():
        number = number * 26 + (byte - 64)
    return number - 1


# ------------------------------------------------------------------------------ zip files


def check_zip_workbook(path: Path, limits: ImportLimits) -> None:
    """Inflate every part of an .xlsx/.xlsm/.ods honestly and refuse absurd sheets."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as raw:
            infos = archive.infolist()
            if any(info.filename.lower().endswith("workbook.bin") for info in infos):
                raise UserError(
                    msg(
                        "文件「{name}」是 Excel 二进制工作簿（.xlsb）："
                        "请在 Excel 里另存为 .xlsx 再导入",
                        name=name,
                    )
                )
            sheet_names = _xlsx_sheet_names(archive, {info.filename for info in infos})
            for info in infos:
                if info.is_dir():
                    continue

                def chunks(info=info) -> Iterator[bytes]:
                    return _inflate(raw, info, name)

                if info.filename == "content.xml":
                    _check_extent(name, *_ods_extent(chunks(), name, limits), limits)
                    continue
                label = sheet_names.get(info.filename, info.filename)
                _check_extent(name, label, _xlsx_extent(chunks, name, info, limits), limits)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as error:
        raise UserError(msg("文件「{name}」不完整或已损坏（无法解压）", name=name)) from error


def _inflate(raw, info: zipfile.ZipInfo, file: str) -> Iterator[bytes]:
    """The part's bytes, as calamine's zip reader will see them; never more than declared."""
    if info.flag_bits & 0x1:
        raise UserError(msg("文件「{name}」不完整或已损坏（无法解压）", name=file))
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UserError(
            msg(
                "文件「{name}」使用了不常见的压缩方式，无法安全读取："
                "请用 Excel 打开后另存为 .xlsx 再导入",
                name=file,
            )
        )
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise _lying_size(file, info.filename)
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("local header")
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    produced = 0
    while left > 0:
        data = raw.read(min(left, _CHUNK))
        if not data:
            raise EOFError("part cut short")
        left -= len(data)
        if inflater is not None:
            # Inflate in bounded steps: one compressed chunk may unpack to gigabytes.
            data = inflater.decompress(data, _CHUNK)
            while data:
                produced += len(data)
                if produced > info.file_size:
                    raise _lying_size(file, info.filename)
                yield data
                data = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        else:
            produced += len(data)
            yield data
        if inflater is not None and inflater.eof:
            break
    if inflater is not None:
        tail = inflater.flush()
        produced += len(tail)
        if tail:
            yield tail
    if produced > info.file_size:
        raise _lying_size(file, info.filename)


def _lying_size(file: str, part: str) -> UserError:
    return UserError(
        msg(
            "文件「{name}」里的「{part}」解压后比它声明的大小还大（可能是恶意的压缩炸弹），已拒绝",
            name=file,
            part=part,
        )
    )


_SHEET = re.compile(rb"<(?:[\w.\-]+:)?sheet\b([^>]*)>", re.IGNORECASE)
_RELATIONSHIP = re.compile(rb"<(?:[\w.\-]+:)?Relationship\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')""")


def _attributes(text: bytes) -> dict[bytes, bytes]:
    return dict(_attribute_pairs(text))


def _xlsx_sheet_names(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Part name → worksheet name, for messages (best effort: a part keeps its own name)."""
    try:
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return {}
        sizes = archive.getinfo("xl/workbook.xml").file_size
        sizes += archive.getinfo("xl/_rels/workbook.xml.rels").file_size
        if sizes > 16 * 1024 * 1024:
            return {}
        workbook = archive.read("xl/workbook.xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, zlib.error):
        return {}
    targets = {}
    for match in _RELATIONSHIP.finditer(relations):
        attributes = _attributes(match.group(1))
        target = attributes.get(b"target", b"").decode("utf-8", "replace")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[attributes.get(b"id", b"")] = part
    result = {}
    for match in _SHEET.finditer(workbook):
        attributes = _attributes(match.group(1))
        part = targets.get(attributes.get(b"id", b""))
        title = attributes.get(b"name")
        if part and title:
            result[part] = html.unescape(title.decode("utf-8", "replace"))
    return result


def _xlsx_extent(chunks, file: str, info: zipfile.ZipInfo, limits: ImportLimits) -> _Extent:
    """The rectangle of one part's cells (a part that is no worksheet has none). The quick
    reading serves the usual file; anything unusual, or a rectangle over a limit (the quick
    one counts empty cells too and starts at A1), is read again tag by tag."""
    extent = _quick_extent(chunks(), file, info.file_size, limits)
    if (
        extent is None
        or extent.cells > limits.max_sheet_cells
        or extent.last_row >= limits.max_rows + limits.header_scan_rows
    ):
        extent = _exact_extent(chunks(), file, limits)
    return extent


# How nearly every writer (Excel, WPS, openpyxl, POI…) writes a cell: `<c r="B7"` first.
_USUAL_CELL = re.compile(rb'<c\b(?: r="([A-Z]{1,3})([0-9]{1,7})")?')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_SPACED_R = re.compile(rb"r[\t\n\r ]+=")
_R_ATTRIBUTE = re.compile(rb"r=")


def _quick_extent(
    chunks: Iterator[bytes], file: str, declared: int, limits: ImportLimits
) -> _Extent | None:
    """From the cell references alone (one regular-expression pass and a few counts), when
    every cell tag of the part has the usual shape and no tag has a second `r` (else None):
    then no position depends on order or on `<row>` tags. Counts empty cells too and starts
    at A1, so it is an upper bound."""
    extent = _Extent()
    carry = b""
    first = True
    for chunk in chunks:
        buffer = carry + chunk
        if first:
            _check_shared_strings(buffer[:4096], file, declared, limits)
            first = False
        cut = buffer.rfind(b"<")
        if cut >= 0 and buffer.find(b">", cut) < 0:
            if len(buffer) - cut > _MAX_TAG:
                return None
            buffer, carry = buffer[:cut], buffer[cut:]
        else:
            carry = b""
        references = _USUAL_CELL.findall(buffer)
        letters = set(map(itemgetter(0), references))
        spaced = buffer.count(b" r=")
        if (
            b"" in letters
            or spaced != len(references) + buffer.count(b"<row r=")
            or _PREFIXED_CELL.search(buffer)
            or _SPACED_R.search(buffer)
            or (buffer.count(b"r=") > spaced and _odd_r(buffer))
        ):
            return None
        if references:
            last_row = max(map(int, map(itemgetter(1), references))) - 1
            extent.add(0, last_row, 0, max(map(_column_number, letters)))
    if carry and _USUAL_CELL.search(carry):
        return None  # the part ends inside a cell tag
    return extent


def _odd_r(buffer: bytes) -> bool:
    """Is any `r=` not after a space the attribute r (after a tab, a quote, a prefix)?
    The others end a longer name (header=, footer=, error=, operator=) or declare xmlns:r."""
    for match in _R_ATTRIBUTE.finditer(buffer):
        start = match.start()
        before = buffer[start - 1 : start]
        if before == b":" and buffer[start - 6 : start] == b"xmlns:":
            continue  # xmlns:r="…" names a namespace
        if before in (b"\t", b"\n", b"\r", b'"', b"'", b":", b"/", b""):
            return True
    return False


# A start tag, its attributes matched pair by pair (a quoted value may hold ">").
_QUOTED_ATTRIBUTES = rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(/?)>"""
_XLSX_TAG = re.compile(rb"<(?:[\w.\-]+:)?(c|row)" + _QUOTED_ATTRIBUTES, re.IGNORECASE)
_XLSX_START = re.compile(rb"<(?:[\w.\-]+:)?(?:c|row)[\s/>]", re.IGNORECASE)
_REFERENCE = re.compile(rb"([A-Za-z]*)([0-9]*)")
_SST = re.compile(rb"<(?:[\w.\-]+:)?sst\b([^>]*)>", re.IGNORECASE)


def _tags(chunks: Iterator[bytes], pattern: re.Pattern, start: re.Pattern, file: str):
    """Every match of `pattern` over the streamed chunks, also across chunk borders."""
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk
        end = 0
        for match in pattern.finditer(buffer):
            yield match
            end = match.end()
        rest = buffer[end:]
        starts = [m.start() for m in start.finditer(rest)]
        if starts:
            rest = rest[starts[-1] :]  # a tag not closed yet: it continues in the next chunk
            if len(rest) > _MAX_TAG:
                raise UserError(
                    msg("文件「{name}」的内容格式异常（单元格标记过长），已拒绝", name=file)
                )
        else:
            rest = rest[-_KEEP:]
        carry = rest


def _exact_extent(chunks: Iterator[bytes], file: str, limits: ImportLimits) -> _Extent:
    """Tag by tag, as calamine places cells: a cell without `r` follows the one before it,
    a row without `r` the row before it; a cell that cannot hold a value (`<c …/>`) is left
    out, and a duplicated `r` counts with both values."""
    extent = _Extent()
    row = column = -1
    for match in _tags(chunks, _XLSX_TAG, _XLSX_START, file):
        references = [value for key, value in _attribute_pairs(match.group(2)) if key == b"r"]
        if match.group(1).lower() == b"row":
            numbers = [n for n in map(_number, references) if n is not None]
            row = max(numbers) - 1 if numbers else row + 1
            column = -1
            continue
        cell_rows, cell_columns = [], []
        for reference in references or [b""]:
            if b"&" in reference:
                reference = html.unescape(reference.decode("latin-1")).encode("latin-1", "replace")
            letters, digits = _REFERENCE.match(reference.strip()).groups()
            cell_columns.append(_column_number(letters) if letters else column + 1)
            cell_rows.append(int(digits[:20]) - 1 if digits else row)
        column = max(cell_columns)
        if not match.group(3):  # <c …/> holds no value: calamine leaves it out
            extent.add(min(cell_rows), max(cell_rows), min(cell_columns), column)
    return extent


def _attribute_pairs(text: bytes) -> list[tuple[bytes, bytes]]:
    """(local name in lower case, value) of each attribute, in order."""
    return [(key.split(b":")[-1].lower(), value[1:-1]) for key, value in _ATTRIBUTE.findall(text)]


def _number(value: bytes) -> int | None:
    digits = value.decode("latin-1").strip()
    if "&" in digits:
        digits = html.unescape(digits)
    return int(digits[:20]) if digits.isascii() and digits.isdigit() else None


def _check_shared_strings(head: bytes, file: str, declared: int, limits: ImportLimits) -> None:
    match = _SST.search(head)
    if match is None:
        return
    count = _number(_attributes(match.group(1)).get(b"uniquecount", b"0")) or 0
    # Each string takes at least "<si/>" in the part; calamine reserves room for all of them.
    if count > min(declared // 5 + 1, limits.max_sheet_cells):
        raise UserError(
            msg(
                "文件「{name}」声称有 {count:,} 个不同的文字，与文件的大小不符"
                "（可能是恶意构造的文件），已拒绝",
                name=file,
                count=count,
            )
        )


_ODS_TAG = re.compile(
    rb"<(/?)(?:[\w.\-]+:)?(table|table-row|table-cell|covered-table-cell)" + _QUOTED_ATTRIBUTES,
    re.IGNORECASE,
)
_ODS_START = re.compile(
    rb"</?(?:[\w.\-]+:)?(?:table|table-row|table-cell|covered-table-cell)[\s/>]", re.IGNORECASE
)


def _ods_extent(chunks: Iterator[bytes], file: str, limits: ImportLimits) -> tuple[str, _Extent]:
    """content.xml of an .ods: rows and cells repeat (number-rows/columns-repeated), and a
    repeated row of values is that many rows of values to calamine."""
    depth = 0
    sheet, extent = "", _Extent()
    row = repeat = column = 0  # the current row: its first line and how many lines it stands for
    first, last = None, -1  # the columns of its cells that hold values

    def close_row() -> None:
        if first is not None:
            extent.add(row, row + repeat - 1, first, last)

    for match in _tags(chunks, _ODS_TAG, _ODS_START, file):
        closing, tag, empty = match.group(1), match.group(2).lower(), match.group(4)
        attributes = _attributes(match.group(3))
        if tag == b"table":
            if closing:
                depth -= 1
            elif not empty:
                depth += 1
                if depth == 1:  # a new sheet (a table inside a cell is not one)
                    close_row()
                    _check_extent(file, sheet, extent, limits)
                    sheet = html.unescape(attributes.get(b"name", b"").decode("utf-8", "replace"))
                    extent, row, repeat, column, first, last = _Extent(), 0, 0, 0, None, -1
            continue
        if closing or depth != 1:
            continue
        if tag == b"table-row":
            close_row()
            row += repeat
            repeat = _number(attributes.get(b"number-rows-repeated", b"1")) or 1
            column, first, last = 0, None, -1
            continue
        count = _number(attributes.get(b"number-columns-repeated", b"1")) or 1
        if not empty or any(b"value" in key for key in attributes):
            first = column if first is None else first
            last = column + count - 1
        column += count
    close_row()
    return sheet, extent


# ------------------------------------------------------------------------------------ .xls

_BOF = (0x0809, 0x0409, 0x0209, 0x0009)
_EOF, _FILEPASS, _BOUNDSHEET, _DIMENSIONS = 0x000A, 0x002F, 0x0085, 0x0200
_CELLS = frozenset(
    {
        0x0001,
        0x0002,
        0x0003,
        0x0004,
        0x0005,
        0x0006,
        0x0201,
        0x0203,
        0x0204,
        0x0205,
        0x0206,
        0x027E,
        0x0406,
        0x00FD,
        0x00D6,
    }
)
_MULTIPLE = (0x00BD, 0x00BE)  # MULRK, MULBLANK: one row, a run of columns


class PasswordProtected(Exception):
    """The workbook stream is encrypted (FILEPASS)."""


def check_xls(path: Path, limits: ImportLimits) -> None:
    """Each sheet of a legacy .xls: its declared DIMENSIONS and its cells' rectangle."""
    name = path.name
    try:
        stream = read_stream(path, ("Workbook", "Book"), limits.max_file_bytes)
    except (CfbError, OSError, ValueError) as error:
        raise UserError(
            msg("文件「{name}」不是有效的 Excel 97-2003 表格或已损坏", name=name)
        ) from error
    if stream is None:
        raise UserError(msg("文件「{name}」不是有效的 Excel 97-2003 表格或已损坏", name=name))
    sheets = _biff_records(stream, 0, globals_=True)
    for offset, title in sheets:
        extent = _Extent()
        _biff_records(stream, offset, extent=extent, limits=limits, file=name, sheet=title)
        _check_extent(name, title, extent, limits)


def _biff_records(
    stream: bytes,
    offset: int,
    *,
    globals_: bool = False,
    extent: _Extent | None = None,
    limits: ImportLimits | None = None,
    file: str = "",
    sheet: str = "",
) -> list[tuple[int, str]]:
    """Walk the records of one substream from `offset` to its EOF. In the globals: the sheets
    (offset, name), refusing an encrypted stream. In a sheet: its cells into `extent`."""
    sheets: list[tuple[int, str]] = []
    position = offset
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        body = stream[position + 4 : position + 4 + length]
        position += 4 + length
        if kind == _EOF:
            break
        if globals_:
            if kind == _FILEPASS:
                raise PasswordProtected
            if kind == _BOUNDSHEET and len(body) >= 8:
                sheets.append((struct.unpack_from("<I", body)[0], _sheet_title(body)))
            continue
        if kind in _CELLS and len(body) >= 4:
            row, column = struct.unpack_from("<HH", body)
            extent.add(row, row, column, column)
        elif kind in _MULTIPLE and len(body) >= 6:
            row, first = struct.unpack_from("<HH", body)
            (last,) = struct.unpack_from("<H", body, len(body) - 2)
            extent.add(row, row, min(first, last), max(first, last))
        elif kind == _DIMENSIONS:
            if len(body) >= 14:
                first_row, end_row, first_column, end_column = struct.unpack_from("<IIHH", body)
            elif len(body) >= 8:
                first_row, end_row, first_column, end_column = struct.unpack_from("<HHHH", body)
            else:
                continue
            # calamine sizes the sheet from this record before reading a cell.
            if end_row > first_row and end_column > first_column:
                extent.add(first_row, end_row - 1, first_column, end_column - 1)
            elif end_row < first_row or end_column < first_column:
                raise UserError(
                    msg("文件「{name}」不是有效的 Excel 97-2003 表格或已损坏", name=file)
                )
    return sheets


def _sheet_title(body: bytes) -> str:
    length = body[6]
    if len(body) >= 8 + length and body[7] in (0, 1):  # BIFF8: a flags byte, then the name
        data = body[8 : 8 + length * (2 if body[7] & 1 else 1)]
        return data.decode("utf-16-le" if body[7] & 1 else "latin-1", errors="replace")
    return body[7 : 7 + length].decode("gbk", errors="replace")  # BIFF5: the ANSI code page
