"""Files that must not be imported get one clear line and change nothing; awkward but honest
files (formulas, merged header cells, duplicate headers) import."""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest

from core.common.errors import UserError
from core.members.importing import ImportLimits
from core.members.importing.readers import SourceFile, iter_workbook_tables
from tests.core.members import hostile_files as made
from tests.core.members.importing_helpers import import_file, plan_file, table_counts
from tests.core.members.ole_files import ole_file

WEFLOW = "weflow_群成员_样例烘焙福利1群.xlsx"


def write_xlsx(path: Path, rows: list[list], *, title: str = "Sheet") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


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


def garbage_text_csv(tmp: Path) -> Path:
    rng = random.Random(7)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ,;.!?-_"
    lines = ["".join(rng.choice(alphabet) for _ in range(60)) for _ in range(200)]
    path = tmp / "garbage.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
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


def truncated_xlsx(tmp: Path) -> Path:
    source = Path(__file__).parent / "samples" / WEFLOW
    data = source.read_bytes()
    path = tmp / "截断.xlsx"
    path.write_bytes(data[: len(data) // 2])
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


def header_only_xlsx(tmp: Path) -> Path:
    return write_xlsx(tmp / "只有表头.xlsx", [["昵称", "手机号", "微信号"]])


def no_header_xlsx(tmp: Path) -> Path:
    return write_xlsx(tmp / "无表头.xlsx", [["张三", 13800000001], ["李四", 13800000002]])


def not_wecom_json(tmp: Path) -> Path:
    path = tmp / "data.json"
    path.write_text(json.dumps({"users": [{"name": "张三"}]}), encoding="utf-8")
    return path


def wecom_error_json(tmp: Path) -> Path:
    path = tmp / "groupchat.json"
    path.write_text(json.dumps({"errcode": 40001, "errmsg": "invalid credential"}), "utf-8")
    return path


def truncated_json(tmp: Path) -> Path:
    source = Path(__file__).parent / "samples" / "wecom_api_groupchat_get__2groups.json"
    data = source.read_bytes()
    path = tmp / "groupchat.json"
    path.write_bytes(data[: len(data) // 3])
    return path


def empty_json_array(tmp: Path) -> Path:
    path = tmp / "groupchat.json"
    path.write_text("[]", encoding="utf-8")
    return path


# ----- sheets that would make python-calamine ask for hundreds of gigabytes (it aborts)


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


# ----- JSON that is no API response


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


def member_list_not_a_list_json(tmp: Path) -> Path:
    path = tmp / "groupchat.json"
    path.write_text(
        json.dumps({"group_chat": {"chat_id": "w", "name": "g", "member_list": {"a": 1}}}),
        encoding="utf-8",
    )
    return path


# ----- text that is not what it claims


def quote_opened_in_header_csv(tmp: Path) -> Path:
    """The header line opens a quote that never closes: every row is lost in one cell."""
    path = tmp / "引号表头.csv"
    path.write_text('"昵称,手机号\n小麦,13800000001\n大麦,13800000002\n', encoding="utf-8")
    return path


def control_characters_csv(tmp: Path) -> Path:
    path = tmp / "控制字符.csv"
    path.write_bytes("昵称,手机号\n".encode() + b"\x01\x02\x1b[2J\x07,\x08\x0e\x0f\n" * 400)
    return path


def utf16_without_bom_csv(tmp: Path) -> Path:
    path = tmp / "utf16.csv"
    path.write_bytes("昵称,手机号\n小麦,13800000001\n".encode("utf-16-le"))
    return path


def undecidable_encoding_csv(tmp: Path) -> Path:
    """Neither UTF-8 nor GB18030: a guessed code page cannot find the header."""
    path = tmp / "乱码编码.csv"
    path.write_bytes("昵称,手机号\n".encode() + b"\xff\xfe\xfa\x80\x81,13800000001\n" * 3)
    return path


def utf32_csv(tmp: Path) -> Path:
    path = tmp / "utf32.csv"
    path.write_bytes("昵称,手机号\n小麦,13800000001\n".encode("utf-32"))
    return path


def executable_named_csv(tmp: Path) -> Path:
    path = tmp / "名单.csv"
    path.write_bytes(b"\x7fELF\x02\x01\x01" + random.Random(11).randbytes(4000))
    return path


HOSTILE = {
    "empty .xlsx": (empty_xlsx, "是空的"),
    "blank .csv": (empty_csv, "是空的"),
    "PNG named .xlsx": (png_named_xlsx, "不是表格，看起来是PNG 图片"),
    "PDF named .xls": (pdf_named_xls, "不是表格，看起来是PDF 文档"),
    "random bytes .xlsx": (random_bytes_xlsx, "不是表格"),
    "random bytes .csv": (random_bytes_csv, "不是表格"),
    "garbage text .csv": (garbage_text_csv, "找不到表头"),
    "encrypted workbook": (encrypted_xlsx, "工作簿「加密名单.xlsx」有密码保护"),
    "zip bomb": (zip_bomb_xlsx, "压缩炸弹"),
    "Word document named .xlsx": (word_named_xlsx, "是 Word 文档"),
    "truncated .xlsx": (truncated_xlsx, "不完整或已损坏"),
    "HTML named .xls": (html_named_xls, "网页"),
    "file over 300 MB": (oversized_csv, "超过了 300 MB 的上限"),
    "header only": (header_only_xlsx, "只有表头，没有数据行"),
    "no header": (no_header_xlsx, "找不到表头"),
    "JSON not from WeCom": (not_wecom_json, "不是企业微信接口的返回结果"),
    "WeCom error response": (wecom_error_json, "errcode 40001：invalid credential"),
    "truncated JSON": (truncated_json, "不完整或格式有误"),
    "empty JSON array": (empty_json_array, "没有数据"),
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
    "JSON member_list not a list": (member_list_not_a_list_json, "member_list 不是列表"),
    # Text that is not what it claims.
    "quote opened in the header": (quote_opened_in_header_csv, "第 1 行的引号没有闭合"),
    "control characters": (control_characters_csv, "含有大量二进制内容"),
    "UTF-16 without BOM": (utf16_without_bom_csv, "不是表格，也不是文本"),
    "UTF-32": (utf32_csv, "不是文本表格"),
    "undecidable encoding": (undecidable_encoding_csv, "编码认不出来"),
    "program named .csv": (executable_named_csv, "看起来是程序文件"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_input_is_refused_with_one_line_and_no_change(database, samples, tmp_path, case):
    build, message = HOSTILE[case]
    import_file(database, samples / WEFLOW)  # something to keep
    path = build(tmp_path)
    before = table_counts(database)
    with pytest.raises(UserError) as raised:
        import_file(database, path)
    assert message in raised.value.message
    assert "\n" not in raised.value.message
    assert table_counts(database) == before


def test_calamine_password_error_becomes_the_same_message(tmp_path):
    path = encrypted_xlsx(tmp_path)
    source = SourceFile(path=path, kind="workbook", size=path.stat().st_size, sha256="")
    with pytest.raises(UserError, match="有密码保护"):
        list(iter_workbook_tables(source, ImportLimits()))


def test_damaged_xls_gets_a_readable_message(sqlite_database, tmp_path):
    path = tmp_path / "坏的.xls"
    path.write_bytes(ole_file({"Workbook": random.Random(9).randbytes(4096)}))
    with pytest.raises(UserError, match=r"坏的\.xls"):
        plan_file(sqlite_database, path)


def test_too_many_rows_are_refused(sqlite_database, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(
        "昵称,手机号\n" + "".join(f"会员{i},138{i:08d}\n" for i in range(101)), encoding="utf-8"
    )
    with pytest.raises(UserError, match="超过 100 行的上限"):
        plan_file(sqlite_database, path, limits=ImportLimits(max_rows=100))
    assert plan_file(sqlite_database, path, limits=ImportLimits(max_rows=101)).counts.added == 101


def test_too_big_when_unpacked_is_refused(sqlite_database, tmp_path):
    rows = [["昵称", "手机号"]] + [[f"会员{i}", f"138{i:08d}"] for i in range(20_000)]
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    with pytest.raises(UserError, match="解压后有"):
        plan_file(sqlite_database, path, limits=ImportLimits(max_uncompressed_bytes=512 * 1024))


def test_default_limits():
    limits = ImportLimits()
    assert limits.max_rows == 2_000_000
    assert limits.max_file_bytes == 300 * 1024 * 1024
    assert limits.max_uncompressed_bytes == 1024**3
    assert limits.max_compression_ratio == 200


def test_formulas_stay_text_and_are_never_evaluated(sqlite_database, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["昵称", "手机号", "备注"])
    sheet.append(["=1+1", "13800000001", '=HYPERLINK("http://x","点我")'])
    for cell in sheet[2]:
        cell.data_type = "s"  # typed in as text, as a CSV would carry them
    sheet.append(["公式格", "13800000002", "=SUM(1,2)"])  # a real formula, never calculated
    path = tmp_path / "formulas.xlsx"
    workbook.save(path)
    plan, _ = import_file(sqlite_database, path)
    assert plan.counts.added == 2
    with sqlite_database.session() as session:
        from sqlalchemy import select

        from db.models import Member

        rows = dict(session.execute(select(Member.phone, Member.nickname)).all())
        remarks = dict(session.execute(select(Member.phone, Member.remark)).all())
    assert rows["13800000001"] == "=1+1"
    assert remarks["13800000001"] == '=HYPERLINK("http://x","点我")'
    assert remarks["13800000002"] == ""  # no cached value: nothing, not a computed 3


def test_formulas_in_csv_are_text(sqlite_database, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("昵称,手机号\n=cmd|'/c calc'!A1,13800000001\n@SUM(1),13800000002\n", "utf-8")
    plan, _ = import_file(sqlite_database, path)
    assert [r.nickname for r in plan.rows] == ["=cmd|'/c calc'!A1", "@SUM(1)"]


def test_merged_title_and_two_level_merged_header(sqlite_database, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "会员名单"
    sheet["A1"] = "麦香烘焙会员名单（2026 年 3 月）"
    sheet.merge_cells("A1:E1")
    sheet["A2"], sheet["C2"] = "基本信息", "联系方式"
    sheet.merge_cells("A2:B2")
    sheet.merge_cells("C2:E2")
    sheet.append(["昵称", "性别", "手机号", "微信号", ""])
    sheet.merge_cells("D3:E3")  # 微信号 spans two columns
    sheet.append(["小麦", "女", "138 0000 0001", "xiaomai01", ""])
    sheet.append(["大麦", "男", "13800000002", "damai02", ""])
    path = tmp_path / "merged.xlsx"
    workbook.save(path)
    plan, _ = import_file(sqlite_database, path)
    (sheet_plan,) = plan.sheets
    assert sheet_plan.header_row == 3
    assert sheet_plan.mapping.fields == ["nickname", "gender", "phone", "wechat_id"]
    assert plan.counts.added == 2 and plan.counts.rejected == 0
    assert sheet_plan.community is None  # 会员名单 is not a group name


def test_duplicate_headers_keep_both_and_map_the_first(sqlite_database, tmp_path):
    path = write_xlsx(
        tmp_path / "dup.xlsx",
        [
            ["昵称", "手机号", "昵称", "备注"],
            ["小麦", "13800000001", "麦麦", "老客"],
        ],
    )
    plan, _ = import_file(sqlite_database, path)
    assert plan.sheets[0].mapping.fields == ["nickname", "phone", "custom", "remark"]
    assert any("表头「昵称」出现了 2 次（第 A、C 列）" in note for note in plan.notes)
    with sqlite_database.session() as session:
        from sqlalchemy import select

        from db.models import Member

        member = session.scalars(select(Member)).one()
    assert (member.nickname, member.remark) == ("小麦", "老客")
    assert member.custom_fields == {"昵称_2": "麦麦"}


def test_truncated_csv_imports_the_complete_rows(sqlite_database, tmp_path):
    text = "昵称,手机号\r\n小麦,13800000001\r\n大麦,13800000002\r\n青稞,138000"
    path = tmp_path / "cut.csv"
    data = text.encode("gb18030") + "燕".encode("gb18030")[:1]  # cut inside a character
    path.write_bytes(data)
    plan = plan_file(sqlite_database, path)
    assert plan.counts.added == 2 and plan.counts.rejected == 1
    assert "位" in plan.rejected_rows[0].reason


def test_a_missing_file(sqlite_database, tmp_path):
    with pytest.raises(UserError, match="找不到文件"):
        plan_file(sqlite_database, tmp_path / "nope.xlsx")


def test_a_folder(sqlite_database, tmp_path):
    with pytest.raises(UserError):
        plan_file(sqlite_database, tmp_path)


def test_hidden_sheets_are_skipped(sqlite_database, tmp_path):
    workbook = openpyxl.Workbook()
    visible = workbook.active
    visible.title = "名单"
    visible.append(["昵称", "手机号"])
    visible.append(["小麦", "13800000001"])
    hidden = workbook.create_sheet("下拉选项")
    hidden.append(["昵称", "手机号"])
    hidden.append(["不该导入", "13800000009"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "hidden.xlsx"
    workbook.save(path)
    plan = plan_file(sqlite_database, path)
    assert [s.sheet for s in plan.sheets] == ["名单"] and plan.counts.added == 1
