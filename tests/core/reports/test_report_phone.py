"""The report as the phone picture: the same figures as the workbook, every character drawable,
written whole as PNG or PDF and logged; a bad target changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from core.common.errors import UserError
from core.reports.build import build_report
from core.reports.figures import Kpi
from core.reports.period import ALL_SHEETS, Period
from core.reports.phone import kpi_value_text, report_picture, write_picture
from core.reports.picture import LineChart, missing_glyphs
from core.reports.workbook import write_workbook
from db.models import ExportLog
from tests.core.reports.helpers import MONDAY, SUNDAY, seed_week

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 12, 1, 12, 0)
UNIT_TEXT = {"count": lambda v: f"{int(v):,}", "share": lambda v: f"{v:.1%}"}


def week_report(database):
    with database.session(write=True) as session:
        seed_week(session)
    with database.session() as session:
        return build_report(session, Period(MONDAY, SUNDAY), sheets=ALL_SHEETS, now=NOW)


def test_the_cards_show_the_workbooks_figures(database, tmp_path):
    report = week_report(database)
    with database.session(write=True) as session:
        write_workbook(session, report, tmp_path / "周报.xlsx")
    overview = load_workbook(tmp_path / "周报.xlsx")["概览"]
    in_workbook = {
        row[0]: row[1] for row in overview.iter_rows(min_row=4, values_only=True) if row[0]
    }
    picture = report_picture(report)
    cards = {card.label: card.value for card in picture.cards}
    assert len(cards) == len(report.kpis) == 7
    for kpi in report.kpis:
        cell = in_workbook[kpi.label]
        if kpi.unit == "fen":
            expected = f"¥{cell:,.2f}"
        elif cell is None:
            expected = "—"
        else:
            expected = UNIT_TEXT[kpi.unit](cell)
        assert cards[kpi.label] == expected, kpi.key
    assert cards["成员数"] == "6"  # seed_week's hand-counted members at the week's end
    texts = [cell.value for cell in overview["A"] if isinstance(cell.value, str)]
    assert all(line in texts for line in picture.findings)
    assert picture.findings == report.findings


def test_the_growth_line_and_the_warnings_come_from_the_report(database):
    report = week_report(database)
    # seed_week's one group is too small for the share-based warnings: give it two by hand.
    report.communities[0].warnings = [
        "近 7 天互动率 2.0%（低于 3%）",
        "KOC 占比 0.0%（建议 8%-12%）",
    ]
    picture = report_picture(report)
    [growth] = [chart for chart in picture.charts if isinstance(chart, LineChart)]
    assert growth.series[0][1] == [point.members for point in report.growth]
    assert len(growth.labels) == 7  # a week: one point a day
    warned = [health for health in report.communities if health.warnings]
    assert len(picture.warnings) == len(warned) == 1
    for health, line in zip(warned, picture.warnings, strict=True):
        assert line.startswith(f"{health.name}：")
        assert all(warning in line for warning in health.warnings)
    assert picture.title == "社群周报"
    assert "2026-11-23 至 2026-11-29" in picture.subtitle


def test_every_character_of_the_picture_has_a_glyph(database):
    assert missing_glyphs(report_picture(week_report(database))) == set()


@pytest.mark.parametrize("name, kind", [("周报.png", "PNG"), ("周报.pdf", "PDF")])
def test_the_picture_is_written_and_logged(database, tmp_path, name, kind):
    report = week_report(database)
    path = tmp_path / name
    with database.session(write=True) as session:
        result = write_picture(session, report, path)
    assert result.path == str(path) and result.height > 1000
    if kind == "PNG":
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (1080, result.height)
    else:
        assert path.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob(".*partial"))
    with database.session() as session:
        [log] = session.scalars(select(ExportLog)).all()
    assert log.path == str(path) and log.masked and "报表长图 2026-11-23–2026-11-29" in log.what


@pytest.mark.parametrize("name", ["周报.jpg", "no-such-folder/周报.png"])
def test_a_bad_target_is_refused_and_nothing_is_written(database, tmp_path, name):
    report = week_report(database)
    out = tmp_path / "out"
    out.mkdir()
    with database.session(write=True) as session, pytest.raises(UserError):
        write_picture(session, report, out / name)
    assert list(out.iterdir()) == []
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(ExportLog)) == 0


def test_kpi_values_are_written_as_the_workbook_formats_them():
    assert kpi_value_text(Kpi("members", "成员数", "count", 12408, 12000)) == "12,408"
    assert kpi_value_text(Kpi("active_share", "活跃率", "share", 0.2345, None)) == "23.4%"
    assert (
        kpi_value_text(Kpi("points_liability", "积分负债", "fen", 123456789, 0)) == "¥1,234,567.89"
    )
    assert kpi_value_text(Kpi("retention", "新人 4 周留存", "share", None, None)) == "—"


def test_the_command_line_makes_the_picture_alone(tmp_path):
    """An empty database (a new install) still gives a picture, with zeros and dashes."""
    data = tmp_path / "data"
    env = {"SHEQUN_DATA_DIR": str(data), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}
    main = [sys.executable, str(ROOT / "main.py")]
    png = tmp_path / "长图.png"
    done = subprocess.run(
        [
            *main,
            "report",
            "--from",
            "2026-11-23",
            "--to",
            "2026-11-29",
            "--image",
            str(png),
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["images"] == [str(png)] and answer["path"] is None
    with Image.open(png) as image:
        assert image.width == 1080
    neither = subprocess.run(
        [*main, "report", "--from", "2026-11-23", "--to", "2026-11-29"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert neither.returncode != 0 and "--image" in neither.stderr
