"""Exports hold imported names as text a spreadsheet shows safely: control characters (which
Excel refuses: the export used to crash), bidi overrides and invisible characters become
visible escapes; formulas stay text; the stored names are unchanged."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import select

from core.common.xlsx import safe_cell
from core.members.export import export_members
from db.models import Member
from tests.core.tiers.helpers import community, member

HOSTILE = {
    "清屏\x1b[2J": "清屏\\x1b[2J",
    "空字节\x00名": "空字节\\x00名",
    "反转\u202egpj.exe": "反转\\u202egpj.exe",
    "零宽\u200b字": "零宽\\u200b字",
    "标题\x1b]0;被控制\x07": "标题\\x1b]0;被控制\\x07",
    '=HYPERLINK("http://x")': '\'=HYPERLINK("http://x")',
    "-1+1": "'-1+1",
    "换行\n地址": "换行\n地址",  # a cell may hold a line break
    "家庭👨\u200d👩\u200d👧": "家庭👨\u200d👩\u200d👧",  # joiners inside an emoji stay
}


@pytest.mark.parametrize(("stored", "shown"), HOSTILE.items())
def test_a_cell_shows_what_the_text_holds_and_runs_nothing(stored, shown):
    assert safe_cell(stored) == shown


def test_numbers_and_dates_pass_unchanged():
    assert safe_cell(-5) == -5 and safe_cell(None) is None


def test_members_with_hostile_names_export_and_stay_stored_as_imported(database, tmp_path):
    # PostgreSQL cannot store NUL in text at all: the other names carry every other kind.
    names = {stored: shown for stored, shown in HOSTILE.items() if "\x00" not in stored}
    with database.session() as session:
        group = community(session, "群")
        ids = [member(session, group, nickname) for nickname in names]
        session.commit()
    target = tmp_path / "成员.xlsx"
    with database.session() as session:
        result = export_members(session, ids, target)
        session.commit()
    assert result.rows == len(names)
    cells = {
        cell.value for row in openpyxl.load_workbook(target).active.iter_rows() for cell in row
    }
    assert set(names.values()) <= cells
    with database.session() as session:
        stored = session.scalars(select(Member.nickname).order_by(Member.id)).all()
    assert stored == list(names)
