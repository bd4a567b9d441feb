"""The boss workbook: its sheets, values as values with formats, charts whose every series
carries cached values, masking, print set-up, and the export log."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.common.errors import UserError
from core.reports.build import build_report
from core.reports.period import ALL_SHEETS, PRESETS, Period
from core.reports.workbook import write_workbook
from db.models import ExportLog
from tests.core.reports.helpers import MONDAY, SUNDAY, seed_week

NOW = datetime(2026, 12, 1, 12, 0)


def make_workbook(database, path, *, mask=True, sheets=ALL_SHEETS):
    with database.session() as session:
        seed_week(session)
    with database.session(write=True) as session:
        report = build_report(session, Period(MONDAY, SUNDAY), sheets=sheets, now=NOW)
        result = write_workbook(session, report, path, mask=mask)
    return report, result


def test_the_workbook_has_the_sheets_values_formats_and_print_set_up(database, tmp_path):
    path = tmp_path / "周报.xlsx"
    _, result = make_workbook(database, path)
    book = load_workbook(path)
    assert book.sheetnames == list(ALL_SHEETS)
    overview = book["概览"]
    rows = {row[0].value: row for row in overview.iter_rows(min_row=4, max_row=10)}
    members = rows["成员数"]
    assert (members[1].value, members[2].value) == (6, 5)
    assert members[3].value == pytest.approx(0.2)
    active = rows["活跃率"]
    assert active[1].value == pytest.approx(0.5) and active[1].number_format == "0.0%"
    assert overview.freeze_panes == "A4"
    assert overview.page_setup.orientation == "landscape"
    assert str(overview.page_setup.paperSize) == overview.PAPERSIZE_A4
    assert overview.page_setup.fitToWidth == 1 and overview.sheet_properties.pageSetUpPr.fitToPage
    assert overview.print_title_rows == "$1:$3"
    texts = [cell.value for cell in overview["A"] if isinstance(cell.value, str)]
    assert "本周净增 1 人，环比 无可比数据" in texts
    health = book["社群健康"]
    assert [c.value for c in health[4][:5]] == ["读书会", 6, 2, 1, 1]
    assert health.conditional_formatting  # the warnings' fill
    assert book["留存"].conditional_formatting  # the cohort heat colours
    follow = book["待跟进"]
    [row] = [r for r in follow.iter_rows(min_row=4, values_only=True)]
    assert row[:4] == ("老会员", None, "wx*******an", "138****0016")
    assert result.masked and result.follow_up_rows == 1
    with database.session() as session:
        [log] = session.scalars(select(ExportLog)).all()
    assert (log.what, log.row_count, log.masked) == ("报表 2026-11-23–2026-11-29", 1, True)


def test_every_chart_series_carries_its_cached_values(database, tmp_path):
    path = tmp_path / "周报.xlsx"
    make_workbook(database, path)
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 3  # growth on 概览, level mix on 分层, cohorts on 留存
        for name in charts:
            xml = archive.read(name).decode()
            series = xml.count("<ser>")
            assert series >= 1
            assert xml.count("<numCache>") == series, name
            assert xml.count("<strCache>") == 2 * series, name  # title and categories
            points = re.findall(r"<numCache>.*?</numCache>", xml)
            assert all("<pt idx=" in p for p in points), name


def test_unmasked_on_request_and_logged_so(database, tmp_path):
    path = tmp_path / "周报.xlsx"
    make_workbook(database, path, mask=False, sheets=PRESETS["weekly"])
    book = load_workbook(path)
    assert book.sheetnames == list(PRESETS["weekly"])
    [row] = [r for r in book["待跟进"].iter_rows(min_row=4, values_only=True)]
    assert row[2:4] == ("wx_zhangfan", "13800000016")
    with database.session() as session:
        assert session.scalar(select(ExportLog.masked)) is False


def test_a_bad_target_changes_nothing(database, tmp_path):
    with pytest.raises(UserError):
        make_workbook(database, tmp_path / "周报.csv")
    with database.session() as session:
        assert session.scalars(select(ExportLog)).all() == []
