"""Workbooks made by hand, byte by byte, to say what no spreadsheet program would: a cell at
XFD1048576, a shared-string table of billions, a zip part bigger than it declares. Each is a
few kilobytes; loaded without the import's checks, several of them abort the process."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from tests.core.sheets.ole_files import ole_file, ole_file_with_small_stream

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def header_row(*names: str) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(names)
    )
    return f'<row r="1">{cells}</row>'


MEMBER_ROWS = header_row("昵称", "手机号") + (
    '<row r="2"><c r="A2" t="inlineStr"><is><t>小麦</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>13800000001</t></is></c></row>'
)


def xlsx(path: Path, sheet_data: str, *, shared_strings: str | None = None, title="名单"):
    """An .xlsx with one sheet holding `sheet_data` (the XML inside <sheetData>)."""
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" '
        f'xmlns:r="{_RELATIONSHIPS}"><sheets><sheet name="{title}" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )
    relations = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE}">'
        f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        + (
            f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
            if shared_strings is not None
            else ""
        )
        + "</Relationships>"
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'
        f'<dimension ref="A1"/><sheetData>{sheet_data}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE}">'
            f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", relations)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
    return path


def ods(path: Path, rows: str) -> Path:
    """An .ods with one table holding `rows` (<table:table-row> elements)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="名单">'
        f"{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
        'vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def ods_cell(text: str, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{repeated}>'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


ODS_MEMBERS = (
    f"<table:table-row>{ods_cell('昵称')}{ods_cell('手机号')}</table:table-row>"
    f"<table:table-row>{ods_cell('小麦')}{ods_cell('13800000001')}</table:table-row>"
)


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def _label(row: int, column: int, text: str) -> bytes:
    """A BIFF8 LABEL record (a text cell, no shared-string table needed)."""
    encoded = text.encode("utf-16-le")
    return _record(0x0204, struct.pack("<HHHHB", row, column, 0, len(text), 1) + encoded)


def xls_stream(
    cells: list[tuple[int, int, str]],
    *,
    dimensions: tuple[int, int, int, int] | None = None,
    encrypted: bool = False,
) -> bytes:
    """A BIFF8 Workbook stream: one sheet 名单 with text `cells` (row, column, text)."""

    def globals_part(position: int) -> bytes:
        name = "名单".encode("utf-16-le")
        sheet = struct.pack("<IBBBB", position, 0, 0, 2, 1) + name
        return (
            _bof(0x0005)
            + (_record(0x002F, b"\x01\x00" + b"\0" * 52) if encrypted else b"")
            + _record(0x0042, struct.pack("<H", 1200))
            + _record(0x0085, sheet)
            + _record(0x000A, b"")
        )

    position = len(globals_part(0))
    sheet = _bof(0x0010)
    if dimensions is not None:
        sheet += _record(0x0200, struct.pack("<IIHHH", *dimensions, 0))
    for row, column, text in cells:
        sheet += _label(row, column, text)
    sheet += _record(0x000A, b"")
    return globals_part(position) + sheet


XLS_MEMBERS = [(0, 0, "昵称"), (0, 1, "手机号"), (1, 0, "小麦"), (1, 1, "13800000001")]


def xls(path: Path, stream: bytes) -> Path:
    """An .xls holding `stream`: in the mini stream when it is small, as Excel stores it."""
    if len(stream) < 4096:
        path.write_bytes(ole_file_with_small_stream("Workbook", stream))
    else:
        path.write_bytes(ole_file({"Workbook": stream}))
    return path
