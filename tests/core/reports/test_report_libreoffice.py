"""The workbook through LibreOffice (issue 20): it opens without a repair prompt, converts to a
PDF whose pages show the charts drawn (coloured series under each chart's title, rasterised
with poppler's pdftoppm) and whose text (pdftotext) carries the figures the database holds.

Runs wherever `soffice` is installed: `scripts/dev.py test` installs libreoffice-calc-nogui and
poppler-utils from Debian's packages, so CI runs it."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from sqlalchemy import distinct, func, select

from core.reports.build import build_report
from core.reports.period import Period
from core.reports.workbook import write_workbook
from db.models import Member, Membership
from tests.core.reports.helpers import MONDAY, SUNDAY, seed_week

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("soffice", "pdftoppm", "pdftotext")),
    reason="LibreOffice (soffice) and poppler-utils are not installed",
)
ROOT = Path(__file__).resolve().parents[3]
DPI = 72  # one pixel per PDF point
CHART_TITLES = ("成员增长", "等级分布", "新人留存曲线")


def to_pdf(xlsx: Path, folder: Path) -> Path:
    """Convert with a private profile (parallel runs do not share one) that carries the bundled
    CJK font, so the Chinese is drawn, not boxes. Waits for soffice itself to finish."""
    profile = folder / "lo-profile"
    (profile / "user" / "fonts").mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "fonts" / "NotoSansSC-Regular.otf", profile / "user" / "fonts")
    result = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", "pdf", "--outdir", str(folder), str(xlsx)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pdf = folder / (xlsx.stem + ".pdf")
    assert pdf.is_file(), result.stdout + result.stderr
    return pdf


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def word_boxes(pdf: Path, page: int) -> dict[str, tuple[float, float, float, float]]:
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    pattern = r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<'
    return {m[4]: tuple(float(v) for v in m[:4]) for m in re.findall(pattern, xml)}


def raster(pdf: Path, page: int, folder: Path) -> Image.Image:
    stem = folder / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", "-singlefile", "-f", str(page), "-l", str(page),
         str(pdf), str(stem)],
        check=True,
    )  # fmt: skip
    return Image.open(stem.with_suffix(".png")).convert("RGB")


def coloured_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels in `box` with a clear hue (series lines and bars; text and grid lines are grey)."""
    region = image.crop(box)
    r, g, b = region.split()
    chroma = ImageChops.subtract(
        ImageChops.lighter(ImageChops.lighter(r, g), b),
        ImageChops.darker(ImageChops.darker(r, g), b),
    )
    return sum(chroma.histogram()[61:])


def test_libreoffice_draws_the_charts_and_shows_the_databases_figures(sqlite_database, tmp_path):
    database = sqlite_database
    with database.session() as session:
        seed_week(session)
    xlsx = tmp_path / "周报.xlsx"
    with database.session(write=True) as session:
        report = build_report(session, Period(MONDAY, SUNDAY), now=datetime(2026, 12, 1, 12))
        write_workbook(session, report, xlsx)
        # The figures straight from the tables: people in the group now, not team.
        members = session.scalar(
            select(func.count(distinct(Membership.member_id)))
            .join(Member, Member.id == Membership.member_id)
            .where(Membership.left_at.is_(None), Member.is_team.is_(False))
        )
    pdf = to_pdf(xlsx, tmp_path)
    pages = page_texts(pdf)
    text = "\n".join(pages)
    assert "□" not in text
    assert re.search(rf"成员数\s+{members}\s+5\s+\+20%", text), pages[0]
    assert re.search(r"净增（入群 − 退群）\s+1\s+0", text)
    assert re.search(r"活跃率\s+50\.0%\s+40\.0%", text)
    assert re.search(r"读书会\s+6\s+2\s+1\s+\+1\s+50\.0%", text)
    assert "138****0016" in text and "13800000016" not in text
    assert "本周净增 1 人" in text
    found = {}
    for number, page in enumerate(pages, start=1):
        for title in CHART_TITLES:
            if title in page and title not in found:
                found[title] = number
    assert set(found) == set(CHART_TITLES), found
    for title, number in found.items():
        x0, _, x1, y1 = word_boxes(pdf, number)[title]
        middle = (x0 + x1) / 2
        image = raster(pdf, number, tmp_path)
        box = (int(middle - 130), int(y1 + 4), int(middle + 130), int(y1 + 95))
        assert coloured_pixels(image, box) > 40, (title, number, box)
