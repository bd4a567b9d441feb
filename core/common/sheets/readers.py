"""Open a spreadsheet to import, refuse what must not be read, and stream its rows.

What a file is comes from its first bytes, not its name: a PNG renamed .xlsx, a CSV saved as
.xls, an encrypted workbook (an OLE container holding `EncryptedPackage`) are told apart before
anything is parsed. Zip containers (.xlsx/.xlsm/.ods) are checked for their unpacked size and
compression ratio first, so a zip bomb is refused without being unpacked; then every workbook's
sheets are measured (`extent`) so that calamine is never asked to load an absurd one.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.common.errors import UserError
from core.common.input_files import input_size, other_format, read_head
from core.common.sheets.extent import PasswordProtected, check_xls, check_zip_workbook
from core.common.sheets.limits import ImportLimits
from core.common.text import msg

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv", ".json")
_SAMPLE_BYTES = 1024 * 1024
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


@dataclass
class SourceFile:
    """A file that passed the checks: what it is and its fingerprint."""

    path: Path
    kind: str  # "workbook", "csv", "json"
    size: int
    sha256: str
    encoding: str | None = None  # for csv/json


@dataclass
class Table:
    """One sheet (or the one table of a CSV): rows as (1-based row number, cells)."""

    sheet: str
    sheet_index: int
    sheet_count: int
    rows: Iterator[tuple[int, list]]
    fraction: Callable[[], float]  # how much of the whole file has been read, 0..1
    sheet_names: list[str] = field(default_factory=list)
    named_by_user: bool = True  # a worksheet name someone chose (a CSV's is its file name)


def check_file(path: Path, limits: ImportLimits) -> SourceFile:
    """Refuse empty, oversized, encrypted, non-spreadsheet and zip-bomb files; say what it is."""
    name = path.name
    if path.is_dir():
        raise UserError(msg("{name} 是文件夹，不是表格文件", name=name))
    size = input_size(path)
    if size > limits.max_file_bytes:
        raise UserError(
            msg(
                "文件「{name}」有 {size:.0f} MB，超过了 {limit} MB 的上限：请拆分后分批导入",
                name=name,
                size=size / 1024 / 1024,
                limit=limits.max_file_bytes // 1024 // 1024,
            )
        )
    head = read_head(path, _SAMPLE_BYTES)
    if not _strip_bom(head).strip(b" \t\r\n\x00"):
        raise UserError(msg("文件「{name}」是空的", name=name))
    kind = _sniff(name, head)
    if kind == "zip":
        _check_zip(path, limits)
        check_zip_workbook(path, limits)
        kind = "workbook"
    elif kind == "cfb":
        _check_cfb(path, head)
        try:
            check_xls(path, limits)
        except PasswordProtected as error:
            raise UserError(_password_protected(name)) from error
        kind = "workbook"
    digest = _sha256(path)
    return SourceFile(path=path, kind=kind, size=size, sha256=digest)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sniff(name: str, head: bytes) -> str:
    if head.startswith(_ZIP_MAGICS):
        return "zip"
    if head.startswith(_CFB_MAGIC):
        return "cfb"
    if kind := other_format(head):
        raise UserError(msg("文件「{name}」不是表格，看起来是{kind}", name=name, kind=kind))
    text_head = _strip_bom(head)[:200].lstrip()
    if text_head[:1] in (b"{", b"["):
        return "json"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head:
        raise UserError(msg("文件「{name}」不是表格，也不是文本（内容无法识别）", name=name))
    lowered = text_head[:100].lower()
    if lowered.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        raise UserError(
            msg(
                "文件「{name}」是网页（HTML/XML）格式的假表格："
                "请用 Excel 打开后另存为 .xlsx 再导入",
                name=name,
            )
        )
    return "csv"


def _strip_bom(data: bytes) -> bytes:
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if data.startswith(bom):
            return data[len(bom) :]
    return data


def _check_zip(path: Path, limits: ImportLimits) -> None:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as error:
        raise UserError(msg("文件「{name}」不完整或已损坏（无法解压）", name=name)) from error
    except (OSError, ValueError) as error:
        raise UserError(
            msg("文件「{name}」不完整或已损坏：{problem}", name=name, problem=str(error))
        ) from error
    names = {info.filename for info in infos}
    is_ods = "mimetype" in names and "content.xml" in names
    if not is_ods and not any(n.startswith("xl/") for n in names):
        if any(n.startswith("word/") for n in names):
            raise UserError(msg("文件「{name}」是 Word 文档，不是表格", name=name))
        if any(n.startswith("ppt/") for n in names):
            raise UserError(msg("文件「{name}」是 PowerPoint 演示文稿，不是表格", name=name))
        raise UserError(msg("文件「{name}」是一个压缩包，不是 Excel 表格", name=name))
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        raise UserError(
            msg(
                "文件「{name}」解压后有 {size:.0f} MB，超过了 {limit} MB 的上限"
                "（可能是恶意的压缩炸弹），已拒绝",
                name=name,
                size=total / 1024 / 1024,
                limit=limits.max_uncompressed_bytes // 1024 // 1024,
            )
        )
    for info in infos:
        # Small parts compress wildly (a sheet of one repeated value); only big ones can hurt.
        if info.file_size > 10 * 1024 * 1024:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise UserError(
                    msg(
                        "文件「{name}」的压缩比异常（{ratio:.0f} 倍，上限 {limit:.0f} 倍），"
                        "可能是恶意的压缩炸弹，已拒绝",
                        name=name,
                        ratio=ratio,
                        limit=limits.max_compression_ratio,
                    )
                )


def _check_cfb(path: Path, head: bytes) -> None:
    """An OLE compound file: a legacy .xls, or an Office-encrypted .xlsx (password-protected)."""
    marker = "EncryptedPackage".encode("utf-16-le")
    info = "EncryptionInfo".encode("utf-16-le")
    if marker in head or info in head or _cfb_has_stream(path, marker):
        raise UserError(_password_protected(path.name))


def _cfb_has_stream(path: Path, name_utf16: bytes) -> bool:
    # The directory may sit anywhere in a big file; scan it in chunks with an overlap.
    overlap = len(name_utf16)
    with path.open("rb") as handle:
        tail = b""
        for chunk in iter(lambda: handle.read(4 * 1024 * 1024), b""):
            if name_utf16 in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


# ------------------------------------------------------------------------------- workbooks


def iter_tables(source: SourceFile, limits: ImportLimits) -> Iterator[Table]:
    """The tables of a workbook (one per sheet) or of a text file (one); JSON is no table
    (`load_json`)."""
    if source.kind == "workbook":
        return iter_workbook_tables(source, limits)
    if source.kind == "json":
        raise ValueError("a JSON file has no tables: load_json reads it")
    return iter_csv_table(source, limits)


def iter_workbook_tables(source: SourceFile, limits: ImportLimits) -> Iterator[Table]:
    """Every visible worksheet, loaded one at a time (python-calamine holds one sheet)."""
    # only when a workbook is read (start-up)
    import python_calamine as calamine

    name = source.path.name
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(source.path))
    except Exception as error:  # calamine raises its own errors and a few plain ones
        raise UserError(_explain_calamine(name, error)) from error
    with workbook:
        try:
            sheets = [
                meta.name
                for meta in workbook.sheets_metadata
                if meta.typ == calamine.SheetTypeEnum.WorkSheet
                and meta.visible == calamine.SheetVisibleEnum.Visible
            ]
        except Exception as error:
            raise UserError(_explain_calamine(name, error)) from error
        if not sheets:
            raise UserError(msg("工作簿「{name}」里没有可见的工作表", name=name))
        for index, sheet_name in enumerate(sheets):
            try:
                sheet = workbook.get_sheet_by_name(sheet_name)
            except Exception as error:
                raise UserError(_explain_calamine(name, error)) from error
            height = max(sheet.height, 1)
            if sheet.height > limits.max_rows + limits.header_scan_rows:
                raise UserError(_too_many_rows(name, limits))
            counter = [0]

            def fraction(index=index, counter=counter, height=height) -> float:
                return (index + min(counter[0] / height, 1.0)) / len(sheets)

            yield Table(
                sheet=sheet_name,
                sheet_index=index,
                sheet_count=len(sheets),
                rows=_sheet_rows(sheet, counter),
                fraction=fraction,
                sheet_names=sheets,
            )
            del sheet


def _sheet_rows(sheet, counter: list[int]) -> Iterator[tuple[int, list]]:
    # iter_rows starts at the sheet's first row (row 1), so positions are row numbers.
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        counter[0] = number
        yield number, cells


def _explain_calamine(name: str, error: Exception) -> str:
    kind = type(error).__name__
    detail = str(error).strip().splitlines()[0] if str(error).strip() else kind
    lowered = detail.lower()
    if kind == "PasswordError" or "password" in lowered or "encrypt" in lowered:
        return _password_protected(name)
    if kind == "ZipError" or "zip" in lowered or "eocd" in lowered:
        return msg("文件「{name}」不完整或已损坏（无法解压）", name=name)
    if kind == "XmlError" or "xml" in lowered:
        return msg("文件「{name}」已损坏（内容格式错误）：{detail}", name=name, detail=detail)
    if "cfb" in lowered or "biff" in lowered or "workbook stream" in lowered:
        return msg("文件「{name}」不是有效的 Excel 97-2003 表格或已损坏", name=name)
    return msg("文件「{name}」已损坏或不是有效的表格（{detail}）", name=name, detail=detail)


def _too_many_rows(name: str, limits: ImportLimits) -> str:
    return msg(
        "文件「{name}」超过 {limit:,} 行的上限：请拆分成几个文件后分批导入",
        name=name,
        limit=limits.max_rows,
    )


def _password_protected(name: str) -> str:
    return msg("工作簿「{name}」有密码保护：请在 Excel 里打开并取消密码后另存，再导入", name=name)


# ------------------------------------------------------------------------------------- text


def detect_encoding(path: Path) -> str:
    """BOM, then strict UTF-8, then GB18030 (all checked over the whole file), then
    charset-normalizer; refuse text that decodes to control characters (binary garbage)."""
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        if _decodes(path, encoding):
            return _check_text(path.name, head, encoding)
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UserError(msg("文件「{name}」的编码有误（开头标明的编码与内容不符）", name=path.name))
    # only for a text file without a known encoding (start-up)
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None or not _decodes(path, best.encoding):
        raise UserError(msg("文件「{name}」不是可识别的文本表格（无法判断编码）", name=path.name))
    return _check_text(path.name, head, best.encoding)


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(4 * 1024 * 1024), b""):
                decoder.decode(chunk)
        # A file cut in the middle of a character still reads: the cut character is dropped.
        decoder.decode(b"", final=False)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


BINARY_MIN_CONTROLS = 16


def _check_text(name: str, head: bytes, encoding: str) -> str:
    text = head.decode(encoding, errors="ignore")
    if text:
        control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
        # A share, and more than a few: one pasted name with an escape sequence in a short
        # list is a row to clean, not a binary file.
        if control > max(BINARY_MIN_CONTROLS, len(text) * 0.01):
            raise UserError(msg("文件「{name}」不是文本表格（含有大量二进制内容）", name=name))
    return encoding


def _sniff_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:60] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in (",", "\t", ";", "|"):
        counts: dict[int, int] = {}
        for row in csv.reader(lines, delimiter=delimiter):
            if len(row) > 1:
                counts[len(row)] = counts.get(len(row), 0) + 1
        if not counts:
            continue
        width, frequency = max(counts.items(), key=lambda item: (item[1], item[0]))
        score = (frequency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


class BrokenRow(list):
    """The cells of a CSV record that must not be imported: a quote that never closes, or a
    quoted cell that swallowed the lines (with their delimiters and phone numbers) of the rows
    after it. Readers of a Table reject it with `problem`; its cells are only for showing."""

    problem: str
    column: int  # the cell that swallowed the lines

    def __init__(self, cells: list, problem: str, column: int) -> None:
        super().__init__(cells)
        self.problem = problem
        self.column = column


def iter_csv_table(source: SourceFile, limits: ImportLimits) -> Iterator[Table]:
    encoding = detect_encoding(source.path)
    source.encoding = encoding
    raw = source.path.open("rb")
    # The whole file was checked to decode; "ignore" only meets a character cut off at the end
    # of a truncated file, which is dropped.
    text = io.TextIOWrapper(raw, encoding=encoding, errors="ignore", newline="")
    sample = text.read(64 * 1024)
    text.seek(0)
    delimiter = _sniff_delimiter(sample)
    size = max(source.size, 1)

    def fraction() -> float:
        try:
            return min(raw.tell() / size, 1.0)
        except (OSError, ValueError):
            return 1.0

    def rows() -> Iterator[tuple[int, list]]:
        lines: list[str] = []  # the physical lines of the record being read

        def tapped() -> Iterator[str]:
            for line in text:
                lines.append(line)
                yield line

        width = 0  # of the first record of two or more cells: how wide a row of this file is
        try:
            reader = csv.reader(tapped(), delimiter=delimiter, strict=False)
            previous_end = 0
            for cells in reader:
                start = previous_end + 1
                previous_end = reader.line_num
                # A quoted cell held line breaks, or a quote opened and the file ended.
                if previous_end > start or (lines and '"' in lines[-1]):
                    problem = _swallowed(lines, cells, delimiter, max(width, 2), start)
                    if problem is not None:
                        lines.clear()
                        yield start, BrokenRow(cells, *problem)
                        continue
                elif not width and len(cells) > 1:
                    width = len(cells)
                lines.clear()
                if cells:
                    yield start, cells
        except csv.Error as error:
            raise UserError(
                msg(
                    "文件「{name}」第 {row} 行格式有误：{problem}",
                    name=source.path.name,
                    row=previous_end + 1,
                    problem=str(error),
                )
            ) from error
        except UnicodeDecodeError as error:
            raise UserError(
                msg(
                    "文件「{name}」在第 {row} 行附近编码有误",
                    name=source.path.name,
                    row=previous_end + 1,
                )
            ) from error
        finally:
            text.close()

    yield Table(
        sheet=source.path.stem,
        sheet_index=0,
        sheet_count=1,
        rows=rows(),
        fraction=fraction,
        sheet_names=[source.path.stem],
        named_by_user=False,
    )


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MOBILE_IN_CELL = re.compile(r"\s*(?:\+?86)?1[3-9]\d{9}\s*")


def _swallowed(
    lines: list[str], cells: list, delimiter: str, width: int, start: int
) -> tuple[str, int] | None:
    """Why a record that spans `lines` must not be imported, and its cell that holds the
    line breaks; None for a quoted cell that rightly holds them (an address, a message)."""
    end = start + len(lines) - 1
    after = str(start + 1) if end == start + 1 else f"{start + 1}–{end}"
    if _quote_left_open("".join(lines), delimiter):
        column = max(range(len(cells)), key=lambda i: len(cells[i]), default=0)
        if end == start:
            problem = msg(
                "第 {row} 行的引号没有闭合，这一行的内容都挤进了一格：这一行没有导入，"
                "请在原文件里补上或删掉这个引号后重新导入",
                row=start,
            )
        else:
            problem = msg(
                "第 {row} 行的引号没有闭合，后面第 {rows} 行都被当成了这一格的内容："
                "这些行都没有导入，请在原文件里补上或删掉这个引号后重新导入",
                row=start,
                rows=after,
            )
        return problem, column
    if end == start:
        return None
    for column, cell in enumerate(cells):
        for line in _LINE_BREAK.split(cell)[1:]:
            parts = next(csv.reader([line], delimiter=delimiter, strict=False), [])
            if len(parts) >= width or (
                len(parts) > 1 and any(_MOBILE_IN_CELL.fullmatch(part) for part in parts)
            ):
                return (
                    msg(
                        "第 {row} 行有一格以引号开头，把后面第 {rows} 行"
                        "（连同分隔符和手机号）吞进了这一格：这些行都没有导入，"
                        "请检查这一格的引号后重新导入",
                        row=start,
                        rows=after,
                    ),
                    column,
                )
    return None


def _quote_left_open(text: str, delimiter: str) -> bool:
    """Does the record end inside a quoted cell (a quote that never closes)? The csv module
    with strict=False then takes everything up to the end of the file as that cell."""
    quoted = False
    at_start = True  # at the start of a cell, where a quote opens one
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if quoted:
            if char == '"':
                if index + 1 < length and text[index + 1] == '"':
                    index += 1  # "" inside quotes is one quote
                else:
                    quoted = False
        elif char == '"' and at_start:
            quoted = True
        at_start = not quoted and char in (delimiter, "\n", "\r")
        index += 1
    return quoted


# ------------------------------------------------------------------------------------- JSON


def load_json(source: SourceFile, limits: ImportLimits) -> object:
    """The parsed JSON, refused when it is not plain data: nested deeper than any API response
    (a deep file would exhaust the stack of whatever walks it later), NaN or Infinity (not JSON),
    a number of thousands of digits."""
    encoding = detect_encoding(source.path)
    source.encoding = encoding
    name = source.path.name
    try:
        text = source.path.read_text(encoding=encoding)
        data = json.loads(text, parse_constant=_not_a_number)
    except json.JSONDecodeError as error:
        raise UserError(
            msg("JSON 文件「{name}」不完整或格式有误（第 {row} 行）", name=name, row=error.lineno)
        ) from error
    except RecursionError as error:
        raise UserError(_too_deep(name, limits)) from error
    except _NotANumber as error:
        raise UserError(
            msg(
                "JSON 文件「{name}」里有 {value}，这不是有效的 JSON 数值",
                name=name,
                value=str(error),
            )
        ) from error
    except ValueError as error:  # a number too long to convert (over 4300 digits)
        raise UserError(
            msg("JSON 文件「{name}」里有长得不合理的数字，不是接口导出的数据", name=name)
        ) from error
    except UnicodeDecodeError as error:
        raise UserError(
            msg("JSON 文件「{name}」无法读取：{problem}", name=name, problem=str(error))
        ) from error
    if _deeper_than(data, limits.max_json_depth):
        raise UserError(_too_deep(name, limits))
    return data


class _NotANumber(ValueError):
    pass


def _not_a_number(constant: str):
    raise _NotANumber(constant)


def _too_deep(name: str, limits: ImportLimits) -> str:
    return msg(
        "JSON 文件「{name}」嵌套超过 {limit} 层，不是企业微信接口导出的数据，已拒绝",
        name=name,
        limit=limits.max_json_depth,
    )


def _deeper_than(data: object, limit: int) -> bool:
    """Nested more than `limit` levels? Walked with a stack of its own, never by recursion."""
    stack = [(data, 1)] if isinstance(data, dict | list) else []
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False
