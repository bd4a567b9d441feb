"""Files that must not be imported get one clear line and change nothing; awkward but honest
files (formulas, merged header cells, duplicate headers) import."""

from __future__ import annotations

import json
import random
from pathlib import Path

import openpyxl
import pytest

from core.common.errors import UserError
from core.common.sheets.limits import ImportLimits
from tests.core.members.importing_helpers import import_file, plan_file, table_counts
from tests.core.sheets.ole_files import ole_file
from tests.core.sheets.refused_files import READER_REFUSALS

WEFLOW = "weflow_群成员_样例烘焙福利1群.xlsx"


def write_xlsx(path: Path, rows: list[list], *, title: str = "Sheet") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def garbage_text_csv(tmp: Path) -> Path:
    rng = random.Random(7)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ,;.!?-_"
    lines = ["".join(rng.choice(alphabet) for _ in range(60)) for _ in range(200)]
    path = tmp / "garbage.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def truncated_xlsx(tmp: Path) -> Path:
    source = Path(__file__).parent / "samples" / WEFLOW
    data = source.read_bytes()
    path = tmp / "截断.xlsx"
    path.write_bytes(data[: len(data) // 2])
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


# ----- JSON that is no API response


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


def undecidable_encoding_csv(tmp: Path) -> Path:
    """Neither UTF-8 nor GB18030: a guessed code page cannot find the header."""
    path = tmp / "乱码编码.csv"
    path.write_bytes("昵称,手机号\n".encode() + b"\xff\xfe\xfa\x80\x81,13800000001\n" * 3)
    return path


HOSTILE = {
    # What the shared reader refuses (tests/core/sheets), seen through the member import.
    **READER_REFUSALS,
    # Real member exports, cut short.
    "truncated .xlsx": (truncated_xlsx, "不完整或已损坏"),
    "truncated JSON": (truncated_json, "不完整或格式有误"),
    # Read, but no member list.
    "garbage text .csv": (garbage_text_csv, "找不到表头"),
    "header only": (header_only_xlsx, "只有表头，没有数据行"),
    "no header": (no_header_xlsx, "找不到表头"),
    "JSON not from WeCom": (not_wecom_json, "不是企业微信接口的返回结果"),
    "WeCom error response": (wecom_error_json, "errcode 40001：invalid credential"),
    "empty JSON array": (empty_json_array, "没有数据"),
    "JSON member_list not a list": (member_list_not_a_list_json, "member_list 不是列表"),
    "quote opened in the header": (quote_opened_in_header_csv, "第 1 行的引号没有闭合"),
    "undecidable encoding": (undecidable_encoding_csv, "编码认不出来"),
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
