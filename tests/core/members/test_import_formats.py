"""Other exports of the same families: encodings, separators, where the header is, a sheet per
group, group columns, JSON shapes, .ods/.xlsm, mappings the user fixed, a chosen community."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from core.common.errors import UserError
from core.members.importing import CUSTOM, IGNORE, HeaderMapping
from db.models import Community, Member, Membership, Setting
from tests.core.members.importing_helpers import counts_of, import_file, plan_file, table_counts

ROWS = [("小麦", "13800000001", "烘焙,老客"), ("🌸花花", "13800000002", "新客")]


def csv_bytes(
    encoding: str, delimiter: str = ",", newline: str = "\r\n", bom: bytes = b""
) -> bytes:
    lines = [delimiter.join(("昵称", "手机号", "标签"))]
    lines += [delimiter.join((n, p, f'"{t}"' if delimiter in t else t)) for n, p, t in ROWS]
    return bom + newline.join(lines).encode(encoding, errors="replace")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.csv", csv_bytes("utf-8")),
        ("utf8-bom.csv", csv_bytes("utf-8", bom=b"\xef\xbb\xbf")),
        ("gbk.csv", csv_bytes("gbk")),  # the emoji becomes ?, as Excel does
        ("gb18030.csv", csv_bytes("gb18030")),
        ("tab.txt", csv_bytes("utf-8", "\t", "\n")),
        ("semicolon.csv", csv_bytes("utf-8", ";")),
        ("excel-unicode.txt", csv_bytes("utf-16-le", "\t", bom=b"\xff\xfe")),
    ],
)
def test_csv_encodings_and_separators(sqlite_database, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    plan, _ = import_file(sqlite_database, path)
    assert counts_of(plan) == (2, 0, 0, 0, 0)
    assert plan.sheets[0].mapping.fields == ["nickname", "phone", "tags"]
    with sqlite_database.session() as session:
        names = set(session.scalars(select(Member.nickname)))
    assert "小麦" in names and ({"🌸花花", "?花花"} & names)


def test_charset_normalizer_reads_what_is_neither_utf8_nor_gb18030(sqlite_database, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("Nickname,Phone\nJosé,13800000001\nRenée,13800000002\n".encode("cp1252"))
    plan, _ = import_file(sqlite_database, path)
    assert [row.nickname for row in plan.rows] == ["José", "Renée"]


def test_csv_blank_lines_and_header_repeated(sqlite_database, tmp_path):
    path = tmp_path / "repeat.csv"
    path.write_text(
        "昵称,手机号\r\n\r\n小麦,13800000001\r\n\r\n昵称,手机号\r\n大麦,13800000002\r\n", "utf-8"
    )
    plan = plan_file(sqlite_database, path)
    assert [(r.row, r.nickname) for r in plan.rows] == [(3, "小麦"), (6, "大麦")]
    assert plan.sheets[0].notes == ["第 5 行是重复的表头，已跳过"]


def test_header_below_title_rows_with_inline_group_name(sqlite_database, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["群成员导出"])
    sheet.append(["群名称：悦动健身打卡群", "", "导出时间：2026-03-05 09:00"])
    sheet.append([])
    sheet.append(["序号", "群昵称", "微信昵称", "微信号", "入群时间"])
    sheet.append([1, "阿健", "阿健Fit", "ajian_fit", "2026/3/1 8:00"])
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    plan, _ = import_file(sqlite_database, path)
    (sheet_plan,) = plan.sheets
    assert (sheet_plan.header_row, sheet_plan.community, sheet_plan.complete) == (
        4,
        "悦动健身打卡群",
        True,
    )
    assert sheet_plan.mapping.fields == [
        "custom",
        "group_nickname",
        "nickname",
        "wechat_id",
        "joined_at",
    ]
    assert plan.counts.added == 1


def test_a_sheet_per_group_and_a_sheet_without_header(sqlite_database, tmp_path):
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "说明"
    notes.append(["本表由店长整理，每个群一张表"])
    for group, people in (("福利1群", ["小麦", "大麦"]), ("福利2群", ["大麦", "青稞"])):
        sheet = workbook.create_sheet(group)
        sheet.append(["昵称", "群昵称"])
        for person in people:
            sheet.append([person, f"{person}-{group}"])
    path = tmp_path / "groups.xlsx"
    workbook.save(path)
    plan, _ = import_file(sqlite_database, path)
    assert [(s.sheet, s.community) for s in plan.sheets] == [
        ("福利1群", "福利1群"),
        ("福利2群", "福利2群"),
    ]
    assert "工作表「说明」里找不到表头，已跳过" in plan.notes
    assert plan.counts.added == 4 and len(plan.possible_duplicates) == 1  # 大麦, only suggested


def test_group_column_puts_rows_in_their_groups(sqlite_database, tmp_path):
    path = tmp_path / "all.csv"
    path.write_text(
        "所在群,群昵称,昵称,微信号\n"
        "福利1群,麦-1,小麦,xiaomai\n福利2群,麦-2,小麦,xiaomai\n福利2群,青-2,青稞,qingke\n",
        "utf-8",
    )
    plan, _ = import_file(sqlite_database, path)
    assert counts_of(plan) == (2, 0, 0, 1, 0)
    assert {(c.name, c.complete) for c in plan.communities} == {
        ("福利1群", True),
        ("福利2群", True),
    }
    with sqlite_database.session() as session:
        assert session.scalar(select(Membership.id).where(Membership.group_nickname == "麦-2"))


def test_wecom_json_single_response_and_customer_detail(sqlite_database, tmp_path, samples):
    data = json.loads((samples / "wecom_api_groupchat_get__2groups.json").read_text("utf-8"))
    single = tmp_path / "one.json"
    single.write_bytes(b"\xef\xbb\xbf" + json.dumps(data[1], ensure_ascii=False).encode())
    plan, _ = import_file(sqlite_database, single)
    assert counts_of(plan) == (22, 0, 0, 0, 0)
    detail = tmp_path / "detail.json"
    detail.write_text(
        json.dumps(
            {
                "errcode": 0,
                "errmsg": "ok",
                "external_contact": {
                    "external_userid": "wmSAMPLE0021externalUseridXXXXXXX",
                    "name": "糖糖",
                    "type": 1,
                    "gender": 2,
                    "unionid": "oSAMPLE0021unionidXXXXXXXXXXXX",
                },
                "follow_user": [
                    {
                        "userid": "WangWu",
                        "remark": "糖糖-老客",
                        "createtime": 1733372400,
                        "tags": [{"group_name": "客户等级", "tag_name": "重要", "type": 1}],
                        "remark_mobiles": ["13800000021"],
                    }
                ],
            },
            ensure_ascii=False,
        ),
        "utf-8",
    )
    plan, _ = import_file(sqlite_database, detail)
    assert counts_of(plan) == (0, 1, 0, 0, 0)  # the same 糖糖, by external id
    changes = {c.field for c in plan.rows[0].changes}
    assert {"备注名", "手机号", "标签", "添加时间"} <= changes


def test_json_with_an_error_page_keeps_the_good_pages(sqlite_database, tmp_path, samples):
    data = json.loads((samples / "wecom_api_groupchat_get__2groups.json").read_text("utf-8"))
    data.append({"errcode": 40001, "errmsg": "invalid credential"})
    path = tmp_path / "pages.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    plan = plan_file(sqlite_database, path)
    assert plan.counts.added == 34
    assert any("errcode 40001" in note for s in plan.sheets for note in s.notes)


def write_ods(path: Path, rows: list[list[str]], sheet: str = "名单") -> Path:
    """A minimal OpenDocument spreadsheet, as LibreOffice/WPS save them."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
            "</table:table-cell>"
            for value in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{cells}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def test_ods(sqlite_database, tmp_path):
    path = write_ods(tmp_path / "名单.ods", [["昵称", "手机号"], ["小麦", "13800000001"]])
    plan, _ = import_file(sqlite_database, path)
    assert counts_of(plan) == (1, 0, 0, 0, 0)


def test_the_content_decides_not_the_name(sqlite_database, tmp_path, samples):
    xlsm = tmp_path / "宏.xlsm"
    shutil.copyfile(samples / "weflow_群成员_样例烘焙福利1群.xlsx", xlsm)
    assert plan_file(sqlite_database, xlsm).counts.added == 20
    renamed = tmp_path / "really-a-workbook.csv"
    shutil.copyfile(samples / "linkwechat_客户信息表_1742265751000.xlsx", renamed)
    assert plan_file(sqlite_database, renamed).counts.added == 25
    text_xls = tmp_path / "text.xls"  # some systems save tab-separated text as .xls
    text_xls.write_text("昵称\t手机号\n小麦\t13800000001\n", "utf-8")
    assert plan_file(sqlite_database, text_xls).counts.added == 1


def test_a_confirmed_mapping_is_used_and_remembered(sqlite_database, samples):
    path = samples / "youzan_客户导出_Excel另存为GBK.csv"
    plan = plan_file(sqlite_database, path)
    mapping = plan.sheets[0].mapping
    assert not mapping.remembered
    assert mapping.fields == [
        "remark",
        "nickname",
        CUSTOM,
        CUSTOM,
        "phone",
        "opening_points",
        CUSTOM,
    ]
    fixed = HeaderMapping(headers=mapping.headers, fields=list(mapping.fields))
    fixed.fields[0] = IGNORE  # the owner does not want real names in the program
    plan, _ = import_file(sqlite_database, path, mapping=[fixed])
    with sqlite_database.session() as session:
        stored = session.get(Setting, fixed.key)
        assert stored.value["fields"][0] == IGNORE
        assert not session.scalars(select(Member).where(Member.remark != "")).all()
    assert fixed.key.startswith("import.mapping.") and len(fixed.key) == 15 + 40
    again = plan_file(sqlite_database, path)
    assert again.sheets[0].mapping.remembered
    assert again.sheets[0].mapping.fields[0] == IGNORE


def test_bad_mappings_are_refused(sqlite_database, samples):
    path = samples / "youzan_客户导出_Excel另存为GBK.csv"
    headers = plan_file(sqlite_database, path).sheets[0].mapping.headers
    fields = ["nickname", "nickname", CUSTOM, CUSTOM, "phone", CUSTOM, CUSTOM]
    with pytest.raises(UserError, match="「昵称」同时对应了第 A 列和第 B 列"):
        plan_file(sqlite_database, path, mapping=HeaderMapping(headers, fields))
    with pytest.raises(UserError, match="未知的字段"):
        plan_file(sqlite_database, path, mapping=HeaderMapping(headers, ["x"] * 7))


def test_community_option_for_a_customer_list(database, samples):
    path = samples / "youzan_客户导出_Excel另存为GBK.csv"
    plan, result = import_file(database, path, community_name="有赞会员群")
    assert [(c.name, c.community_id, c.complete) for c in plan.communities] == [
        ("有赞会员群", None, False)  # a customer list: nobody will be said to have left
    ]
    assert plan.counts.joined == 29 and result.communities_created == 1
    again, _ = import_file(database, path, community_id=result.community_ids["有赞会员群"])
    assert counts_of(again) == (0, 0, 29, 0, 1) and again.counts.joined == 0


def test_community_option_refuses_a_file_with_several_groups(sqlite_database, samples):
    with pytest.raises(UserError, match="文件里有 2 个群"):
        plan_file(
            sqlite_database,
            samples / "wecom_api_groupchat_get__2groups.json",
            community_name="某群",
        )


def test_two_communities_of_the_same_name_are_not_guessed(sqlite_database, samples):
    with sqlite_database.session() as session:
        session.add_all([Community(name="样例烘焙福利1群"), Community(name="样例烘焙福利1群")])
    before = table_counts(sqlite_database)
    with pytest.raises(UserError, match="有 2 个名为「样例烘焙福利1群」的社群"):
        plan_file(sqlite_database, samples / "weflow_群成员_样例烘焙福利1群.xlsx")
    assert table_counts(sqlite_database) == before


def test_an_existing_community_is_used(sqlite_database, samples):
    with sqlite_database.session() as session:
        session.add(Community(name="样例烘焙福利1群", platform="wechat"))
    plan, result = import_file(sqlite_database, samples / "weflow_群成员_样例烘焙福利1群.xlsx")
    assert plan.communities[0].community_id is not None and result.communities_created == 0


def test_a_csv_file_name_is_not_a_group_name(sqlite_database, tmp_path):
    path = tmp_path / "烘焙1群成员.csv"
    path.write_text("昵称,群昵称\n小麦,麦-1\n", "utf-8")
    plan = plan_file(sqlite_database, path)
    assert plan.communities == [] and plan.sheets[0].community is None
