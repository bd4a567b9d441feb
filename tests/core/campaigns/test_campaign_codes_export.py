"""`main.py campaigns codes C --out FILE.xlsx`: each participant's code, phone and 微信号
masked by default, the invites each code brought, and every export in the export log;
--no-mask is logged as unmasked; a bad path is one line. SQLite and PostgreSQL."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from sqlalchemy import select, update

from db.models import ExportLog, Member
from db.referral_models import InviteCode, ReferralEdge
from tests.core.campaigns import tree15_db
from tests.main_process import run_main


def _load(database):
    with database.session() as session:
        campaign = tree15_db.load(session)
        session.execute(update(Member).where(Member.id == 1)
                        .values(phone="13812345678", wechat_id="zhang_san_88"))  # fmt: skip
        code = session.scalar(select(InviteCode.id).where(InviteCode.member_id == 1))
        session.execute(update(ReferralEdge).where(ReferralEdge.inviter_id == 1)
                        .values(invite_code_id=code))  # fmt: skip
    return campaign


def test_codes_masked_by_default_and_logged(database, migrated_url, tmp_path):
    _load(database)
    out = tmp_path / "codes.xlsx"
    result = run_main("campaigns", "codes", "tree15", "--out", str(out), "--json",
                      "--db", migrated_url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"path": str(out), "rows": 6, "masked": True}
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == ("成员编号", "昵称", "微信号", "手机号", "邀请码", "发码时间", "有效邀请")
    first = rows[1]
    assert first[0] == 1 and first[4] == "C0001" and first[6] == 3  # 4, 5, 6 by code
    assert "13812345678" not in first and "zhang_san_88" not in first
    assert first[3].startswith("138") and first[3].endswith("5678")
    assert [r[0] for r in rows[1:]] == [1, 2, 3, 4, 8, 5]  # in issue order

    plain = tmp_path / "plain.xlsx"
    again = run_main("campaigns", "codes", "tree15", "--out", str(plain), "--no-mask",
                     "--db", migrated_url)  # fmt: skip
    assert "未打码" in again.stdout
    assert list(load_workbook(plain).active.iter_rows(values_only=True))[1][3] == "13812345678"
    with database.session() as session:
        logged = session.execute(select(ExportLog.row_count, ExportLog.masked, ExportLog.what)
                                 .order_by(ExportLog.id)).all()  # fmt: skip
    assert [(n, masked) for n, masked, _ in logged] == [(6, True), (6, False)]
    assert "tree15" in logged[0][2]


def test_bad_path_is_one_line(database, migrated_url, tmp_path):
    _load(database)
    result = run_main("campaigns", "codes", "tree15", "--out", str(tmp_path / "x.txt"),
                      "--db", migrated_url)  # fmt: skip
    assert result.returncode != 0 and len(result.stderr.strip().splitlines()) == 1
    with database.session() as session:
        assert session.scalar(select(ExportLog.id)) is None
