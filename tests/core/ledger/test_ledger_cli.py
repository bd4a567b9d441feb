"""`main.py ledger …` from a terminal: summaries, --json, refusals that change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select, text

from core.common.database import open_database
from core.ledger.catalogue import RewardSpec, save_reward
from core.members.editing import create_member
from db.ledger_models import LedgerEntry
from db.models import ExportLog
from tests.main_process import run_main

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def url(sqlite_url):
    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        create_member(session, "张小凡", phone="13800000016", wechat_id="wx_fan")
        create_member(session, '=HYPERLINK("http://x")', phone="13800000099")
        save_reward(session, RewardSpec("帆布袋", 30, cost_cents=1250))
    database.close()
    return sqlite_url


def entries(url: str) -> int:
    database = open_database(url, daily_backup=False)
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(LedgerEntry))
    database.close()
    return count


def test_award_redeem_statement_liability_verify(url):
    result = run_main(
        "ledger",
        "award",
        "--member",
        "张小凡",
        "--points",
        "50",
        "--reason",
        "活动奖励",
        "--json",
        "--db",
        url,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["available"] == 50
    result = run_main("ledger", "redeem", "--member", "1", "--reward", "帆布袋", "--db", url)
    assert result.returncode == 0, result.stderr
    assert "兑换成功" in result.stdout and "剩余 20" in result.stdout
    result = run_main("ledger", "statement", "--member", "张小凡", "--json", "--db", url)
    data = json.loads(result.stdout)
    assert [line["balance"] for line in data["lines"]] == [50, 20]
    assert data["balance"]["available"] == 20
    result = run_main("ledger", "liability", "--json", "--db", url)
    figures = json.loads(result.stdout)
    assert figures["outstanding"] == 20 and figures["outstanding_value_fen"] == 20
    result = run_main("ledger", "verify", "--db", url)
    assert result.returncode == 0 and "无误" in result.stdout


def test_refusals_change_nothing_and_exit_non_zero(url):
    for args, message in (
        (("award", "--member", "张小凡", "--points", "-5", "--reason", "x"), "正整数"),
        (("award", "--member", "无名氏", "--points", "5", "--reason", "x"), "没有"),
        (("redeem", "--member", "张小凡", "--reward", "帆布袋"), "积分不足"),
        (("redeem", "--member", "张小凡", "--reward", "金条"), "没有「金条」"),
    ):
        result = run_main("ledger", *args, "--db", url)
        assert result.returncode == 1, result.stdout
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    dry = run_main(
        "ledger",
        "award",
        "--member",
        "1",
        "--points",
        "5",
        "--reason",
        "试",
        "--dry-run",
        "--db",
        url,
    )
    assert dry.returncode == 0 and "试运行" in dry.stdout
    assert entries(url) == 0


def test_expire_twice_changes_nothing_the_second_time(url):
    database = open_database(url, daily_backup=False)
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ledger_entries (member_id, booked_member_id, kind, points,"
                " qualifying, source, reference,"
                " operator, reason, occurred_at, recorded_at, expires_on) VALUES (1, 1, 'earn', 9,"
                " false, 'manual', '', '', '旧积分', '2020-01-01 00:00:00.000000',"
                " '2020-01-01 00:00:00.000000', '2021-01-01')"
            )
        )
    database.close()
    first = json.loads(run_main("ledger", "expire", "--json", "--db", url).stdout)
    second = json.loads(run_main("ledger", "expire", "--json", "--db", url).stdout)
    assert (first["expired_points"], second["expired_points"]) == (9, 0)


def test_verify_exits_non_zero_on_a_mismatch(url):
    run_main("ledger", "award", "--member", "1", "--points", "10", "--reason", "a", "--db", url)
    database = open_database(url, daily_backup=False)
    with database.engine.begin() as connection:  # a spend with no allocation: a bug's trace
        connection.execute(
            text(
                "INSERT INTO ledger_entries (member_id, booked_member_id, kind, points,"
                " qualifying, source, reference,"
                " operator, reason, occurred_at, recorded_at) VALUES (1, 1, 'spend', -4, false,"
                " 'manual', '', '', '无分摊', '2026-01-01 00:00:00.000000',"
                " '2026-01-01 00:00:00.000000')"
            )
        )
    database.close()
    result = run_main("ledger", "verify", "--json", "--db", url)
    assert result.returncode == 2
    assert json.loads(result.stdout)["ok"] is False


def test_export_masks_escapes_formulas_and_is_logged(url, tmp_path):
    for member in ("1", "2"):
        run_main(
            "ledger", "award", "--member", member, "--points", "10", "--reason", "=1+1", "--db", url
        )
    out = tmp_path / "积分.xlsx"
    result = run_main("ledger", "export", "--out", str(out), "--db", url)
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["积分汇总", "成员积分", "积分流水"]
    cells = [c for row in book["成员积分"].iter_rows(values_only=True) for c in row]
    assert "138****0016" in cells and "13800000016" not in cells
    assert "wx**an" in cells
    assert '\'=HYPERLINK("http://x")' in cells
    journal = [c for row in book["积分流水"].iter_rows(values_only=True) for c in row]
    assert "'=1+1" in journal
    database = open_database(url, daily_backup=False)
    with database.session() as session:
        log = session.scalars(select(ExportLog)).one()
        assert (log.what, log.row_count, log.masked) == ("积分台账", 2, True)
    database.close()


def test_award_by_rule_applies_the_rule_and_holds_its_daily_cap(url):
    from core.ledger.rules import RuleSpec, save_rule

    database = open_database(url, daily_backup=False)
    with database.session() as session:
        save_rule(session, RuleSpec("custom:晒单", "custom", "晒单有礼", 15, daily_cap=20))
        save_rule(session, RuleSpec("custom:邀约", "custom", "邀约到店", 8, pending_days=7))
    database.close()
    base = ("ledger", "award", "--member", "张小凡")
    first = run_main(*base, "--rule", "custom:晒单", "--reason", "6 月", "--json", "--db", url)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["points"] == 15
    second = run_main(*base, "--rule", "custom:晒单", "--db", url)
    assert second.returncode == 0 and "每日上限 20" in second.stdout and "只发 5" in second.stdout
    third = run_main(*base, "--rule", "custom:晒单", "--db", url)
    assert third.returncode == 1 and "每日上限" in third.stderr
    assert len(third.stderr.strip().splitlines()) == 1
    pending = run_main(*base, "--rule", "custom:邀约", "--db", url)
    assert pending.returncode == 0 and "待生效 8" in pending.stdout
    assert entries(url) == 3
    database = open_database(url, daily_backup=False)
    with database.session() as session:
        reasons = session.scalars(select(LedgerEntry.reason).order_by(LedgerEntry.id)).all()
    database.close()
    assert reasons == ["晒单有礼：6 月", "晒单有礼", "邀约到店"]


def test_award_by_rule_refusals_change_nothing(url):
    base = ("ledger", "award", "--member", "张小凡")
    for args, message in (
        (("--rule", "custom:没有"), "没有代码"),
        (("--rule", "makeup_checkin"), "补签"),
        (("--rule", "checkin", "--points", "5"), "--points"),
        (("--reason", "x"), "--points"),
        (("--rule", "checkin", "--expiry-days", "3"), "由规则决定"),
        (("--points", "5"), "--reason"),
    ):
        result = run_main(*base, *args, "--db", url)
        assert result.returncode != 0, (args, result.stdout)
        assert message in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
    assert entries(url) == 0


def test_an_award_at_the_entry_bound_is_taken(url):
    result = run_main(
        "ledger", "award", "--member", "1", "--points", "1000000", "--reason", "大奖", "--db", url
    )
    assert result.returncode == 0, result.stderr
    assert "可用余额 1000000" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("award", "--points", "1000001"), "单笔积分不能超过 1,000,000 分"),
        (("award", "--points", "2147483648"), "单笔积分不能超过 1,000,000 分"),
        (("award", "--points", "9223372036854775807"), "单笔积分不能超过 1,000,000 分"),
        (("award", "--points", "9223372036854775808"), "单笔积分不能超过 1,000,000 分"),
        (("award", "--points", "1" + "0" * 40), "单笔积分不能超过 1,000,000 分"),
        (("award", "--points", "10", "--expiry-days", "3651"), "有效天数应在 1–3650 天之间"),
        (("award", "--points", "10", "--expiry-days", "99999999999"), "有效天数应在"),
        (("redeem", "--reward", "99999999999999999999"), "积分商城里没有"),
        (("statement",), "没有编号或昵称"),
    ],
)
def test_numbers_past_the_bounds_are_refused_in_one_line(url, args, message):
    command, *rest = args
    member = "99999999999999999999" if command == "statement" else "张小凡"
    reason = ("--reason", "手滑") if command == "award" else ()
    before = entries(url)
    result = run_main("ledger", command, "--member", member, *rest, *reason, "--db", url)
    assert result.returncode == 1, result.stdout
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert entries(url) == before
