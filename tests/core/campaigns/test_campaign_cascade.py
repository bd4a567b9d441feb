"""The cascade picture (Pillow): a PNG of the right size whose bands hold one dot per
participant of each wave, found by sampling the pixels where the layout puts them; a
200000-edge campaign drawn with aggregated dots that the picture owns up to; the wave sizes
read from the database."""

from __future__ import annotations

import time

from PIL import Image, ImageColor

from core.campaigns.cascade import (
    DARK,
    LIGHT,
    MAX_BANDS,
    MAX_LINES,
    PITCH,
    WIDTH,
    campaign_waves,
    draw_cascade,
    save_png,
)
from core.campaigns.report import campaign_report
from db.referral_models import Campaign
from tests.core.campaigns import tree15_db
from tests.core.campaigns.tree15 import AS_OF, at


def _rgb(colour: str) -> tuple[int, int, int]:
    return ImageColor.getrgb(colour)


def _dots_in(image, band, colour) -> int:
    """Dots found in a band: sampled at each grid place of its lines, left to right."""
    found = 0
    if not band.centres:
        return 0
    x0, y0 = band.centres[0]
    columns = (WIDTH - x0) // PITCH
    for line in range(MAX_LINES):
        for column in range(columns):
            x, y = x0 + column * PITCH, y0 + line * PITCH
            if y < band.top + band.height and image.getpixel((x, y)) == colour:
                found += 1
    return found


def test_each_band_holds_one_dot_per_participant(tmp_path):
    sizes = [3, 7, 150, 12, 1]
    cascade = draw_cascade(sizes, "春季拉新")
    path = save_png(cascade, tmp_path / "cascade.png")
    image = Image.open(path).convert("RGB")
    assert image.size == (WIDTH, cascade.bands[-1].top + cascade.bands[-1].height + 56)
    assert [band.people for band in cascade.bands] == sizes
    assert not cascade.aggregated
    for band in cascade.bands:
        colour = _rgb(LIGHT.seed if band.wave == 0 else LIGHT.dot)
        assert _dots_in(image, band, colour) == band.people, band.wave
    assert [round(band.k, 3) for band in cascade.bands[:-1]] == [2.333, 21.429, 0.08, 0.083]
    assert cascade.bands[-1].k is None


def test_200000_edges_aggregate_and_deep_waves_share_the_last_band():
    sizes = [2000, 30_000, 80_000, 70_000, 18_000] + [1] * 30
    started = time.perf_counter()
    cascade = draw_cascade(sizes, "大活动", colours=DARK)
    took = time.perf_counter() - started
    assert took < 2, took
    assert cascade.aggregated
    assert len(cascade.bands) == MAX_BANDS and cascade.bands[-1].last
    assert cascade.bands[-1].people == sum(sizes[MAX_BANDS - 1 :])
    image = cascade.image
    for band in cascade.bands:
        assert band.dots == -(-band.people // band.per_dot)  # one scale, rounded up
        colour = _rgb(DARK.seed if band.wave == 0 else DARK.dot)
        assert _dots_in(image, band, colour) == band.dots
    assert {band.per_dot for band in cascade.bands} == {206}  # 80000 in 6 lines of 65
    assert [band.dots for band in cascade.bands[:6]] == [10, 146, 389, 340, 88, 1]
    assert round(cascade.bands[MAX_BANDS - 2].k, 3) == 1  # against wave 23 alone, not the tail


def test_no_participant_yet_and_waves_from_the_database(database):
    empty = draw_cascade([], "空")
    assert empty.bands == [] and empty.image.size[0] == WIDTH
    with database.session() as session:
        campaign = tree15_db.load(session)
        sizes = campaign_waves(session, campaign).sizes
    assert sizes == [3, 4, 4, 3, 1]


def _labels(cascade) -> list[str | None]:
    return [None if band.k_label() is None else str(band.k_label()) for band in cascade.bands]


def _report_labels(report) -> list[str | None]:
    """The report's K per wave as a band prints it: a K, or still inviting, or nothing for the
    deepest wave."""
    labels = []
    for wave in report.figures.waves:
        if wave.k is not None:
            labels.append(f"K = {wave.k:.2f}")
        else:
            labels.append(None if wave.deepest else "K = —")
    return labels


def test_a_running_campaign_shows_the_reports_k_per_wave(database):
    # At hour 100 members 10, 13 and 14 are still in their 48-hour invite window: the report
    # leaves them out of K; wave sizes alone would read wave 2 as 3/4 and wave 3 as 1/3.
    as_of = at(100)
    with database.session() as session:
        campaign = tree15_db.load(session)
        report = campaign_report(session, str(campaign), as_of)
        waves = campaign_waves(session, campaign, as_of)
    cascade = draw_cascade(waves, "tree15")
    assert [band.k for band in cascade.bands] == [w.k for w in report.figures.waves]
    assert _labels(cascade) == _report_labels(report)
    assert _labels(cascade) == ["K = 1.33", "K = 1.00", "K = 0.67", "K = 1.00", None]
    assert [band.k for band in draw_cascade(waves.sizes, "plain").bands][2:4] == [0.75, 1 / 3]
    assert waves.k == report.figures.k == 1 and waves.inviting == report.figures.inviting == 3


def test_a_finished_campaign_shows_the_reports_k_per_wave_and_who_never_had_the_window(database):
    # Ended at hour 60: only 1 2 3 4 had their 48 hours before the end; waves 2 and 3 have no K.
    with database.session(write=True) as session:
        campaign = tree15_db.load(session)
        record = session.get(Campaign, campaign)
        record.status, record.ends_at = "ended", at(60)
    with database.session() as session:
        report = campaign_report(session, str(campaign), AS_OF)
        waves = campaign_waves(session, campaign, AS_OF)
    cascade = draw_cascade(waves, "tree15", colours=DARK)
    assert [band.k for band in cascade.bands] == [w.k for w in report.figures.waves]
    assert _labels(cascade) == _report_labels(report)
    assert _labels(cascade) == ["K = 1.33", "K = 2.00", "K = —", "K = —", None]
    assert waves.k == report.figures.k
