"""客户积分 becomes an opening balance (期初积分) in the points ledger (issue 15).

Whole points, the fraction reported; once per member (a re-import, or another file, adds
nothing); a value the ledger cannot hold is a refused cell with its reason while the rest of
the row imports. The entry is written by core.workflows.opening_balance in the import's
transaction.
"""

from __future__ import annotations

import csv
import json

import pytest
from sqlalchemy import select

from core.ledger.balances import verify_ledger
from core.ledger.limits import MAX_ENTRY_POINTS
from core.ledger.reasons import reason_text
from core.ledger.references import reference_texts
from core.members.importing import ADD, UNCHANGED, UPDATE, apply_import, plan_import
from core.members.importing.fields import auto_mapping
from core.members.importing.opening import parse_points
from core.workflows.member_import import plan_member_import
from core.workflows.opening_balance import record_opening_balances
from db.ledger_models import LedgerEntry
from db.models import Member
from tests.main_process import run_main

YOUZAN = "youzan_客户导出_Excel另存为GBK.csv"
# 客户积分 of the 有赞 sample, by nickname (木子's phone was lost by Excel: imported without it).
YOUZAN_POINTS = {"小王": 137, "Amy李": 274, "木子": 685, "赵哥": 1973, "海风": 1918}


def import_with_points(database, path, **options):
    """What the CLI and the window do: plan, apply, then the opening balances, one transaction."""
    with database.session(write=True) as session:
        plan = plan_member_import(session, path, **options)
        result = record_opening_balances(session, plan, apply_import(session, plan))
    return plan, result


def ledger(database) -> dict[str, list[LedgerEntry]]:
    with database.session() as session:
        found: dict[str, list[LedgerEntry]] = {}
        for entry, nickname in session.execute(
            select(LedgerEntry, Member.nickname).join(Member, Member.id == LedgerEntry.member_id)
        ):
            session.expunge(entry)
            found.setdefault(nickname, []).append(entry)
        return found


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_the_column_is_a_mapped_field():
    mapping, _ = auto_mapping(["客户昵称", "客户手机号", "客户积分", "累计积分"])
    assert mapping.fields == ["nickname", "phone", "opening_points", "custom"]
    assert auto_mapping(["昵称", "积分"])[0].fields == ["nickname", "opening_points"]


def test_the_sample_file_imports_its_points_once(database, samples):
    plan, result = import_with_points(database, samples / YOUZAN)
    rows = {row.nickname: row for row in plan.rows}
    assert [(c.field, c.old, c.new) for c in rows["小王"].changes] == [("期初积分", "", "+137")]
    assert rows["?花花"].changes is None  # 0 points: nothing to bring
    entries = ledger(database)
    assert {name: [e.points for e in entries[name]] for name in YOUZAN_POINTS} == {
        name: [points] for name, points in YOUZAN_POINTS.items()
    }
    assert "?花花" not in entries
    wang = entries["小王"][0]
    assert (wang.kind, wang.source, wang.qualifying) == ("adjust", "import", False)
    assert wang.dedupe_key == f"import-opening:{wang.member_id}:{plan.file_sha256}"
    assert wang.expires_on is not None  # a credit like any other
    assert reason_text(wang.reason).template == "期初积分（导入「{file}」）"
    assert result.opening_entries == 28 == sum(len(e) for e in entries.values())
    assert result.opening_points == sum(e.points for es in entries.values() for e in es)
    with database.session() as session:
        custom = session.scalars(select(Member.custom_fields).where(Member.nickname == "小王"))
        assert "客户积分" not in custom.one()  # the ledger holds the points, not a text copy
        assert reference_texts(session, [wang.reference]) == {
            wang.reference: f"导入成员名单（批次 #{result.batch_id}）"
        }
        assert verify_ledger(session) == []

    again, second = import_with_points(database, samples / YOUZAN)
    assert {row.status for row in again.rows if row.nickname in YOUZAN_POINTS} == {UNCHANGED}
    assert not any(
        "期初积分" in issue.reason for issue in again.issues
    )  # same file: nothing to say
    assert (second.opening_entries, second.opening_points) == (0, 0)
    assert sum(len(e) for e in ledger(database).values()) == 28


def test_another_file_does_not_count_a_member_twice(database, tmp_path):
    header = ["昵称", "手机号", "客户积分"]
    first = write_csv(tmp_path / "a.csv", [header, ["小麦", "13800000001", 50]])
    later = write_csv(
        tmp_path / "b.csv",
        [header, ["小麦", "13800000001", 80], ["新客", "13800000002", 9]],
    )
    import_with_points(database, first)
    plan, result = import_with_points(database, later)
    rows = {row.nickname: row for row in plan.rows}
    assert rows["小麦"].status == UNCHANGED
    (issue,) = [i for i in plan.issues if i.field == "期初积分"]
    assert (issue.row, issue.value, issue.rejected) == (2, "80", False)
    assert "已经导入过期初积分" in issue.reason
    assert rows["新客"].status == ADD
    assert {name: [e.points for e in es] for name, es in ledger(database).items()} == {
        "小麦": [50],
        "新客": [9],
    }
    assert result.opening_entries == 1


def test_an_existing_member_gets_the_points_as_an_update(database, tmp_path):
    members = write_csv(tmp_path / "members.csv", [["昵称", "手机号"], ["阿杰", "13800000005"]])
    points = write_csv(
        tmp_path / "points.csv", [["昵称", "手机号", "积分"], ["阿杰", "13800000005", "1,200"]]
    )
    import_with_points(database, members)
    plan, _ = import_with_points(database, points)
    (row,) = plan.rows
    assert (row.status, [(c.field, c.new) for c in row.changes]) == (
        UPDATE,
        [("期初积分", "+1200")],
    )
    assert [e.points for e in ledger(database)["阿杰"]] == [1200]


@pytest.mark.parametrize(
    ("cell", "points", "reported"),
    [
        (120, 120, None),
        ("120", 120, None),
        ("１２０分", 120, None),
        (120.75, 120, "小数部分 0.75 没有计入"),
        ("0.5", None, "不足 1 分"),
        (0, None, None),
        ("-", None, None),  # a placeholder: empty
        (-5, None, "不能是负数"),
        (MAX_ENTRY_POINTS, MAX_ENTRY_POINTS, None),
        (MAX_ENTRY_POINTS + 1, None, "超过单笔上限 1,000,000 分"),
        ("1E+999999999", None, "超过单笔上限"),
        ("很多", None, "不是数字"),
        ("nan", None, "不是数字"),
        (True, None, "不是数字"),
    ],
)
def test_cells(cell, points, reported):
    found, problem = parse_points(cell)
    assert found == points
    assert (problem is None) == (reported is None)
    if reported:
        assert reported in problem


def test_fractions_and_refused_cells_are_reported_and_the_rest_of_the_row_imports(
    database, tmp_path
):
    path = write_csv(
        tmp_path / "points.csv",
        [
            ["昵称", "手机号", "城市", "客户积分"],
            ["甲", "13800000001", "杭州", "120.5"],
            ["乙", "13800000002", "宁波", "-30"],
            ["丙", "13800000003", "温州", "99999999999"],
            ["丁", "13800000004", "嘉兴", "0.3"],
        ],
    )
    plan, result = import_with_points(database, path)
    issues = {i.row: i for i in plan.issues}
    assert {row: (i.field, i.rejected) for row, i in issues.items()} == {
        row: ("期初积分", False) for row in (2, 3, 4, 5)
    }
    assert "小数部分 0.5 没有计入" in issues[2].reason
    assert "负数" in issues[3].reason and issues[3].value == "-30"
    assert "超过单笔上限" in issues[4].reason
    assert "不足 1 分" in issues[5].reason
    assert [r.status for r in plan.rows] == [ADD] * 4  # the rest of each row imports
    with database.session() as session:
        cities = dict(session.execute(select(Member.nickname, Member.city)).all())
    assert cities == {"甲": "杭州", "乙": "宁波", "丙": "温州", "丁": "嘉兴"}
    assert {name: [e.points for e in es] for name, es in ledger(database).items()} == {"甲": [120]}
    assert (result.opening_entries, result.opening_points) == (1, 120)


def test_one_person_on_two_rows_gets_one_balance(database, tmp_path):
    path = write_csv(
        tmp_path / "twice.csv",
        [
            ["昵称", "unionid", "客户积分"],
            ["阿杰", "oSAMPLE0005", "300"],
            ["阿杰", "oSAMPLE0005", "310"],
        ],
    )
    plan, _ = import_with_points(database, path)
    (issue,) = plan.issues
    assert issue.row == 3 and "前面的行里期初积分是 300" in issue.reason
    assert [e.points for e in ledger(database)["阿杰"]] == [300]


def test_a_failed_import_writes_no_points(database, samples):
    with pytest.raises(RuntimeError), database.session(write=True) as session:
        plan = plan_import(session, samples / YOUZAN)
        record_opening_balances(session, plan, apply_import(session, plan))
        raise RuntimeError("the report could not be saved")
    assert ledger(database) == {}


def test_cli_reports_the_opening_balances(database, samples):
    url = database.url
    dry = run_main("import", str(samples / YOUZAN), "--db", url, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["opening_balances"] == 28
    assert ledger(database) == {}
    done = run_main("import", str(samples / YOUZAN), "--db", url)
    assert done.returncode == 0, done.stderr
    assert "期初积分：28 人，共" in done.stdout
    assert sum(len(e) for e in ledger(database).values()) == 28
