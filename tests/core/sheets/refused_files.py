"""Files every import must refuse before it reads a row: not spreadsheets, encrypted, zip
bombs, sheets too big to hold (python-calamine would abort the process on them), JSON that is no
API data, text that is binary. Each builder writes its file into a folder and returns the path;
`READER_REFUSALS` names each case with (builder, words of the one-line refusal)."""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

from tests.core.sheets import hostile_files as made
from tests.core.sheets.ole_files import ole_file


def empty_xlsx(tmp: Path) -> Path:
    path = tmp / "空.xlsx"
    path.write_bytes(b"")
    return path


def empty_csv(tmp: Path) -> Path:
    path = tmp / "空.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n\r\n  \r\n")
    return path


def png_named_xlsx(tmp: Path) -> Path:
    path = tmp / "截图.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return path


def pdf_named_xls(tmp: Path) -> Path:
    path = tmp / "名单.xls"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    return path


def random_bytes_xlsx(tmp: Path) -> Path:
    path = tmp / "乱码.xlsx"
    path.write_bytes(random.Random(5).randbytes(20_000))
    return path


def random_bytes_csv(tmp: Path) -> Path:
    path = tmp / "乱码.csv"
    path.write_bytes(random.Random(6).randbytes(20_000))
    return path


def encrypted_xlsx(tmp: Path) -> Path:
    """What Excel writes for a workbook with an open password: an OLE container holding
    EncryptionInfo and EncryptedPackage instead of a zip."""
    rng = random.Random(8)
    data = ole_file(
        {
            "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + rng.randbytes(4088),
            "EncryptedPackage": rng.randbytes(8192),
        }
    )
    path = tmp / "加密名单.xlsx"
    path.write_bytes(data)
    return path


def zip_bomb_xlsx(tmp: Path) -> Path:
    path = tmp / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b" " * (1024 * 1024)
            for _ in range(60):
                sheet.write(block)
    return path


def word_named_xlsx(tmp: Path) -> Path:
    path = tmp / "通知.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return path


def html_named_xls(tmp: Path) -> Path:
    path = tmp / "导出.xls"
    path.write_text(
        "<html><body><table><tr><td>昵称</td><td>手机号</td></tr></table></body></html>",
        encoding="utf-8",
    )
    return path


def oversized_csv(tmp: Path) -> Path:
    path = tmp / "超大.csv"
    with path.open("wb") as handle:
        handle.write("昵称,手机号\n".encode())
        handle.truncate(301 * 1024 * 1024)  # sparse: no real disk space
    return path


def far_cell_xlsx(tmp: Path) -> Path:
    """The 1.5 KB file of the issue: cells at A1 and XFD1048576 (549,755,813,888 bytes)."""
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return made.xlsx(tmp / "远处.xlsx", made.MEMBER_ROWS + far)


def far_cell_without_references_xlsx(tmp: Path) -> Path:
    """No `r` on the cells: each follows the one before, so 16,384 cells reach column XFD."""
    rows = "<row/>" * 100_000 + "<row>" + "<c><v>1</v></c>" * 16_384 + "</row>"
    return made.xlsx(tmp / "隐式.xlsx", made.MEMBER_ROWS + rows)


def duplicated_reference_xlsx(tmp: Path) -> Path:
    """Two `r` on one cell: calamine takes the second."""
    far = '<row r="3"><c r="A3" r="XFD1048576"><v>1</v></c></row>'
    return made.xlsx(tmp / "重复引用.xlsx", made.MEMBER_ROWS + far)


def prefixed_far_cell_xlsx(tmp: Path) -> Path:
    """Namespace-prefixed tags and single quotes: calamine reads them all the same."""
    far = (
        "<x:row xmlns:x='http://schemas.openxmlformats.org/spreadsheetml/2006/main' r='9'>"
        "<x:c r='XFD900000'><x:v>1</x:v></x:c></x:row>"
    )
    return made.xlsx(tmp / "前缀.xlsx", made.MEMBER_ROWS + far)


def billions_of_shared_strings_xlsx(tmp: Path) -> Path:
    table = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'count="1" uniqueCount="4000000000"><si><t>昵称</t></si></sst>'
    )
    return made.xlsx(tmp / "共享文字.xlsx", made.MEMBER_ROWS, shared_strings=table)


def three_million_rows_xlsx(tmp: Path) -> Path:
    """Within the cell limit (one column) but over the row limit: refused before loading."""
    far = '<row r="3000000"><c r="A3000000"><v>1</v></c></row>'
    return made.xlsx(tmp / "三百万行.xlsx", made.MEMBER_ROWS + far)


def repeated_value_rows_ods(tmp: Path) -> Path:
    """One row of values repeated a million times, 16,384 cells wide."""
    row = (
        '<table:table-row table:number-rows-repeated="1048574">'
        f"{made.ods_cell('x', 16384)}</table:table-row>"
    )
    return made.ods(tmp / "重复行.ods", made.ODS_MEMBERS + row)


def far_cell_after_empty_rows_ods(tmp: Path) -> Path:
    empty = '<table:table-row table:number-rows-repeated="1048573"><table:table-cell/>'
    far = (
        "</table:table-row><table:table-row>"
        '<table:table-cell table:number-columns-repeated="16383"/>'
        f"{made.ods_cell('x')}</table:table-row>"
    )
    return made.ods(tmp / "远处.ods", made.ODS_MEMBERS + empty + far)


def far_column_xls(tmp: Path) -> Path:
    """A cell in column 65535 (BIFF8 allows 255): calamine asks for 137 GB."""
    cells = [*made.XLS_MEMBERS, (65535, 65535, "x")]
    stream = made.xls_stream(cells).ljust(8192, b"\0")  # in regular sectors, not the mini stream
    return made.xls(tmp / "远列.xls", stream)


def huge_dimensions_xls(tmp: Path) -> Path:
    """A DIMENSIONS record saying 65536 × 65535: calamine sizes the sheet from it alone."""
    stream = made.xls_stream(made.XLS_MEMBERS, dimensions=(0, 65536, 0, 65535))
    return made.xls(tmp / "尺寸.xls", stream)


def far_column_small_xls(tmp: Path) -> Path:
    """The same in a workbook small enough to live in the OLE mini stream."""
    stream = made.xls_stream([*made.XLS_MEMBERS, (9, 40000, "x")], dimensions=(0, 9000, 0, 9000))
    assert len(stream) < 4096
    return made.xls(tmp / "小远列.xls", stream)


def reversed_dimensions_xls(tmp: Path) -> Path:
    stream = made.xls_stream(made.XLS_MEMBERS, dimensions=(9, 2, 0, 2))
    return made.xls(tmp / "倒置.xls", stream)


def rc4_encrypted_xls(tmp: Path) -> Path:
    """An .xls with an open password (FILEPASS): no EncryptedPackage stream to spot."""
    return made.xls(tmp / "加密.xls", made.xls_stream(made.XLS_MEMBERS, encrypted=True))


def lying_size_xlsx(tmp: Path) -> Path:
    """A sheet part whose headers declare 300 bytes: it inflates to megabytes (a bomb that
    passes any check of the declared sizes)."""
    path = made.xlsx(tmp / "谎报.xlsx", made.MEMBER_ROWS + "<row/>" * 500_000)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    size = (300).to_bytes(4, "little")
    data[info.header_offset + 22 : info.header_offset + 26] = size  # the local header
    name = b"xl/worksheets/sheet1.xml"
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = size  # and the central directory
    path.write_bytes(bytes(data))
    return path


def bzip2_part_xlsx(tmp: Path) -> Path:
    path = tmp / "bzip2.xlsx"
    source = made.xlsx(tmp / "source.xlsx", made.MEMBER_ROWS)
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(path, "w") as target:
        for info in archive.infolist():
            target.writestr(info.filename, archive.read(info), zipfile.ZIP_BZIP2)
    return path


def xlsb_named_xlsx(tmp: Path) -> Path:
    path = tmp / "二进制.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
        archive.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    return path


def zip_without_workbook_named_ods(tmp: Path) -> Path:
    path = tmp / "名单.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    return path


def deep_json(depth: int):
    def build(tmp: Path) -> Path:
        chat = {
            "errcode": 0,
            "group_chat": {
                "chat_id": "wrOgQhDgAAcwMTB7YmDkbeBsgT_AAAAA",
                "name": "深群",
                "member_list": [{"userid": "wm1", "type": 2, "name": "深", "unionid": "u1"}],
            },
        }
        text = json.dumps(chat, ensure_ascii=False).replace('"u1"', '"u1", "extra": @')
        path = tmp / f"deep{depth}.json"
        path.write_text(text.replace("@", "[" * depth + "]" * depth), encoding="utf-8")
        return path

    return build


def nan_json(tmp: Path) -> Path:
    path = tmp / "nan.json"
    path.write_text(
        '{"errcode": 0, "group_chat": {"chat_id": "w", "name": "g", "member_list": '
        '[{"userid": "wm1", "type": 2, "name": "x", "join_time": NaN}]}}',
        encoding="utf-8",
    )
    return path


def long_number_json(tmp: Path) -> Path:
    path = tmp / "number.json"
    path.write_text(
        '{"errcode": 0, "group_chat": {"chat_id": "w", "name": "g", "member_list": '
        '[{"userid": "wm1", "type": 2, "name": "x", "join_time": ' + "9" * 5000 + "}]}}",
        encoding="utf-8",
    )
    return path


def control_characters_csv(tmp: Path) -> Path:
    path = tmp / "控制字符.csv"
    path.write_bytes("昵称,手机号\n".encode() + b"\x01\x02\x1b[2J\x07,\x08\x0e\x0f\n" * 400)
    return path


def utf16_without_bom_csv(tmp: Path) -> Path:
    path = tmp / "utf16.csv"
    path.write_bytes("昵称,手机号\n小麦,13800000001\n".encode("utf-16-le"))
    return path


def utf32_csv(tmp: Path) -> Path:
    path = tmp / "utf32.csv"
    path.write_bytes("昵称,手机号\n小麦,13800000001\n".encode("utf-32"))
    return path


def executable_named_csv(tmp: Path) -> Path:
    path = tmp / "名单.csv"
    path.write_bytes(b"\x7fELF\x02\x01\x01" + random.Random(11).randbytes(4000))
    return path


READER_REFUSALS = {
    "empty .xlsx": (empty_xlsx, "是空的"),
    "blank .csv": (empty_csv, "是空的"),
    "PNG named .xlsx": (png_named_xlsx, "不是表格，看起来是PNG 图片"),
    "PDF named .xls": (pdf_named_xls, "不是表格，看起来是PDF 文档"),
    "random bytes .xlsx": (random_bytes_xlsx, "不是表格"),
    "random bytes .csv": (random_bytes_csv, "不是表格"),
    "encrypted workbook": (encrypted_xlsx, "工作簿「加密名单.xlsx」有密码保护"),
    "zip bomb": (zip_bomb_xlsx, "压缩炸弹"),
    "Word document named .xlsx": (word_named_xlsx, "是 Word 文档"),
    "HTML named .xls": (html_named_xls, "网页"),
    "file over 300 MB": (oversized_csv, "超过了 300 MB 的上限"),
    # Sheets too big to hold (each would abort python-calamine, and the process with it).
    "cells at A1 and XFD1048576": (far_cell_xlsx, "内容范围有 1,048,576 行 × 16,384 列"),
    "far cell by implicit positions": (far_cell_without_references_xlsx, "（最远的单元格在 XFD"),
    "duplicated cell reference": (duplicated_reference_xlsx, "最远的单元格在 XFD1048576"),
    "prefixed tags, single quotes": (prefixed_far_cell_xlsx, "最远的单元格在 XFD900000"),
    "billions of shared strings": (billions_of_shared_strings_xlsx, "4,000,000,000 个不同的文字"),
    "3,000,000 rows in one column": (three_million_rows_xlsx, "超过 2,000,000 行的上限"),
    "ods row of values repeated": (repeated_value_rows_ods, "最远的单元格在 XFD1048576"),
    "ods far cell after empty rows": (far_cell_after_empty_rows_ods, "最远的单元格在 XFD1048576"),
    "xls cell in column 65535": (far_column_xls, "65,536 行 × 65,536 列"),
    "xls DIMENSIONS 65536 × 65535": (huge_dimensions_xls, "65,536 行 × 65,535 列"),
    "xls in the mini stream": (far_column_small_xls, "9,000 行 × 40,001 列"),
    "xls DIMENSIONS reversed": (reversed_dimensions_xls, "不是有效的 Excel 97-2003 表格或已损坏"),
    "xls with an open password": (rc4_encrypted_xls, "有密码保护"),
    # Zip containers that lie or that only look like a workbook.
    "part bigger than declared": (lying_size_xlsx, "比它声明的大小还大"),
    "bzip2-compressed parts": (bzip2_part_xlsx, "不常见的压缩方式"),
    "xlsb named .xlsx": (xlsb_named_xlsx, "Excel 二进制工作簿（.xlsb）"),
    "zip without a workbook named .ods": (zip_without_workbook_named_ods, "是一个压缩包"),
    # JSON that is no API response.
    "JSON nested 900 deep": (deep_json(900), "嵌套超过 64 层"),
    "JSON nested 100,000 deep": (deep_json(100_000), "嵌套超过 64 层"),
    "JSON with NaN": (nan_json, "里有 NaN"),
    "JSON with a 5000-digit number": (long_number_json, "长得不合理的数字"),
    # Text that is not what it claims.
    "control characters": (control_characters_csv, "含有大量二进制内容"),
    "UTF-16 without BOM": (utf16_without_bom_csv, "不是表格，也不是文本"),
    "UTF-32": (utf32_csv, "不是文本表格"),
    "program named .csv": (executable_named_csv, "看起来是程序文件"),
}
