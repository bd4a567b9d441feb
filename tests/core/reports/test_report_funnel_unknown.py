"""A running campaign's funnel in the boss pack: a stage nobody can be counted in yet (retained,
when no newcomer has been in for 28 days) is "—" with the reason in the workbook's 活动 sheet
and in the phone picture, as in the 活动 tab and the report text, never a 0."""

from __future__ import annotations

from datetime import timedelta

from openpyxl import load_workbook

from core.reports.build import build_report
from core.reports.period import Period
from core.reports.phone import report_picture
from core.reports.picture import ACCENT, BarChart, Picture, missing_glyphs, render_picture
from core.reports.workbook import write_workbook
from tests.core.campaigns import tree15_db
from tests.core.campaigns.tree15 import T0, at

RETAINED = "留存（第 4 周活跃）"
WHY = "还没有新成员入群满 28 天"


def test_a_stage_not_known_yet_is_a_dash_and_its_reason(database, tmp_path):
    period = Period(T0.date(), T0.date() + timedelta(days=6))
    with database.session(write=True) as session:
        tree15_db.load(session)
        report = build_report(session, period, now=at(100))
        write_workbook(session, report, tmp_path / "周报.xlsx")
    [campaign] = report.campaigns
    retained = next(stage for stage in campaign.stages if stage.key == "retained")
    assert not retained.known and retained.reason == WHY  # the case under test

    sheet = load_workbook(tmp_path / "周报.xlsx")["活动"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    assert rows[RETAINED][:4] == (RETAINED, "—", "—", WHY)
    joined = rows["入群"]
    assert joined[1] == 12 and joined[3] is None  # known: a number, nothing to explain
    # Counted for some only: the count, and of how many and why not all.
    referred = rows["推荐（≥1 个有效邀请）"]
    assert referred[1] == 5
    assert referred[3] == "可计 11 人：1 位新成员的邀请还在待定期，是否有效尚未确定"

    picture = report_picture(report)
    [funnel] = [chart for chart in picture.charts if isinstance(chart, BarChart)]
    bars = {label: (value, note) for label, value, note in funnel.bars}
    assert bars[RETAINED] == (None, WHY)
    assert bars["入群"][0] == 12.0
    # counted for some only: the picture says of how many too (the workbook has the reason)
    referred_value, referred_note = bars["推荐（≥1 个有效邀请）"]
    assert referred_value == 5.0 and "可计 11 人" in referred_note
    assert missing_glyphs(picture) == set()
    assert render_picture(picture).width == 1080


def test_a_stage_of_zero_draws_no_bar():
    """A 0 is no bar at all (a stub would read as "a few"); a small count still shows."""
    accent = tuple(int(ACCENT[i : i + 2], 16) for i in (1, 3, 5))

    def accent_pixels(bars):
        chart = BarChart("漏斗", bars)
        image = render_picture(Picture("周报", "", charts=[chart])).convert("RGB")
        return sum(1 for pixel in image.getdata() if pixel == accent)

    nothing = accent_pixels([("入群", 100.0, ""), ("推荐", 0.0, "")])
    one = accent_pixels([("入群", 100.0, ""), ("推荐", 1.0, "")])
    alone = accent_pixels([("入群", 100.0, "")])
    assert nothing == alone < one
