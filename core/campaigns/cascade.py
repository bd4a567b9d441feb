"""The picture of a campaign's cascade, drawn with Pillow (no Qt), so the tab shows it and a
report can reuse it: the seeds, then wave 1, wave 2 … as bands from top to bottom, each
participant a dot, each band with its wave's size and K (how many of the next wave each of its
participants brought). The K per wave and overall are the report's (core/campaigns/figures
wave_ks: on a running campaign only participants whose invite window has closed count, and a
wave none of whose participants has had it reads "K = —"), never a second formula.

Big campaigns are aggregated, not drawn dot by dot: a band holds at most MAX_LINES lines of
dots, and when the biggest wave needs more, every dot of the picture stands for `per_dot`
people (one scale for all bands, so their lengths still compare; a band's last dot may stand
for fewer) — the footer says so. Waves after MAX_BANDS are drawn together in the last band.
The layout (`cascade_layout`) is kept apart from the drawing so a test can find every dot.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from core.campaigns.figures import WaveFigures, harris_k, wave_figures, wave_ks
from core.common.fonts import pil_font
from core.common.text import Message, msg

WIDTH = 1200
MAX_BANDS = 24  # wave 23 and every later one share the last band
MAX_LINES = 6  # lines of dots in one band, at most
PITCH = 14  # px between dot centres
RADIUS = 5
LEFT = 230  # the text column of each band
MARGIN = 24
HEADER = 96
FOOTER = 56
MIN_BAND = 74  # three lines of text


@dataclass(frozen=True)
class Colours:
    background: str
    band: str  # every other band's fill
    text: str
    muted: str
    seed: str  # the seeds' dots
    dot: str  # everyone else's


LIGHT = Colours("#ffffff", "#f3f6f8", "#1f2937", "#6b7280", "#b45309", "#0f766e")
DARK = Colours("#252a30", "#2b3138", "#e6e8eb", "#9aa3ae", "#f59e0b", "#14b8a6")


@dataclass(frozen=True)
class Waves:
    """What the picture draws: each wave's figures and K overall, as the report gives them."""

    figures: list[WaveFigures]
    k: float | None
    inviting: int = 0  # participants still in their invite window (not counted in a K)

    @property
    def sizes(self) -> list[int]:
        return [wave.participants for wave in self.figures]

    @classmethod
    def of_sizes(cls, sizes: list[int]) -> Waves:
        """Every participant's window closed: the plain K per wave and Harris's overall."""
        return cls(wave_figures(list(sizes)), harris_k(list(sizes)))


@dataclass(frozen=True)
class Band:
    wave: int  # 0: the seeds
    people: int
    # brought into the next wave per participant, the report's (None: the last band, the
    # deepest wave, or nobody of the wave has had their invite window yet)
    k: float | None
    last: bool  # holds this wave and every later one (MAX_BANDS reached)
    per_dot: int  # people per dot: 1 unless the wave is too big to draw dot by dot
    top: int
    height: int
    centres: tuple[tuple[int, int], ...]  # each dot's centre, in drawing order
    inviting: bool = False  # no K yet: nobody of the wave has had their invite window

    @property
    def dots(self) -> int:
        return len(self.centres)

    def k_label(self) -> Message | None:
        """The K the band prints after its count (None: nothing to print)."""
        if self.k is not None:
            return msg("K = {k:.2f}", k=self.k)
        if self.inviting:  # as the report reads it; the summary says who is still inviting
            return msg("K = —")
        return None


@dataclass
class Cascade:
    image: Image.Image
    bands: list[Band]

    @property
    def aggregated(self) -> bool:
        return any(band.per_dot > 1 for band in self.bands)


def _waves(waves: Waves | list[int]) -> Waves:
    return waves if isinstance(waves, Waves) else Waves.of_sizes(waves)


def cascade_layout(waves: Waves | list[int], width: int = WIDTH) -> list[Band]:
    """Where each wave's band and dots go; plain sizes (wave n's is waves[n]) are taken as a
    campaign whose every invite window has closed."""
    figures = _waves(waves).figures
    wave_sizes = [wave.participants for wave in figures]
    sizes = list(wave_sizes)
    if len(sizes) > MAX_BANDS:  # the deep tail in one band
        sizes = [*sizes[: MAX_BANDS - 1], sum(sizes[MAX_BANDS - 1 :])]
    columns = max(1, (width - LEFT - 2 * MARGIN) // PITCH)
    per_dot = max(1, math.ceil(max(sizes, default=0) / (columns * MAX_LINES)))
    bands = []
    top = HEADER
    for wave, people in enumerate(sizes):
        dots = math.ceil(people / per_dot)
        lines = math.ceil(dots / columns)
        height = max(MIN_BAND, lines * PITCH + 2 * PITCH)
        first_y = top + (height - (lines - 1) * PITCH) // 2
        centres = tuple(
            (LEFT + MARGIN + PITCH // 2 + (i % columns) * PITCH, first_y + (i // columns) * PITCH)
            for i in range(dots)
        )
        last = len(wave_sizes) > MAX_BANDS and wave == MAX_BANDS - 1
        counted = figures[wave] if not last else None  # the tail's band has no one K
        k = counted.k if counted is not None else None
        inviting = counted is not None and k is None and not counted.deepest
        bands.append(Band(wave, people, k, last, per_dot, top, height, centres, inviting))
        top += height
    return bands


def draw_cascade(
    waves: Waves | list[int],
    title: str,
    colours: Colours = LIGHT,
    width: int = WIDTH,
    shown: Callable[[str], str] = str,
) -> Cascade:
    """The picture; `shown` turns each message drawn into the reader's language (the
    interface passes its translator, a report the Chinese as it is)."""
    waves = _waves(waves)
    bands = cascade_layout(waves, width)
    height = (bands[-1].top + bands[-1].height if bands else HEADER + MIN_BAND) + FOOTER
    image = Image.new("RGB", (width, height), colours.background)
    draw = ImageDraw.Draw(image)
    big, bold, plain, small = (
        pil_font(30, bold=True),
        pil_font(19, bold=True),
        pil_font(17),
        pil_font(15),
    )
    draw.text((MARGIN, 22), title, font=big, fill=colours.text)
    draw.text((MARGIN, 62), shown(_summary(waves)), font=plain, fill=colours.muted)
    if not bands:
        draw.text((MARGIN, HEADER + 20), shown(msg("还没有参与者")), font=plain, fill=colours.muted)
    for band in bands:
        if band.wave % 2 == 0:
            draw.rectangle((0, band.top, width, band.top + band.height - 1), fill=colours.band)
        y = band.top + (band.height - 46) // 2
        draw.text((MARGIN, y), shown(_wave_name(band)), font=bold, fill=colours.text)
        people = shown(msg("{count:,} 人", count=band.people))
        draw.text((MARGIN, y + 26), people, font=plain, fill=colours.text)
        k_label = band.k_label()
        if k_label is not None:  # after the count, however long it is in this language
            x = MARGIN + max(100, int(draw.textlength(people, font=plain)) + 16)
            draw.text((x, y + 26), shown(k_label), font=plain, fill=colours.muted)
        fill = colours.seed if band.wave == 0 else colours.dot
        for x, cy in band.centres:
            draw.ellipse((x - RADIUS, cy - RADIUS, x + RADIUS, cy + RADIUS), fill=fill)
    per_dot = bands[0].per_dot if bands else 1
    note = msg("每个点是一位参与者；K：这一波每人带来的下一波人数")
    if per_dot > 1:
        note = msg(
            "人数较多，按比例缩略：每个点代表约 {count:,} 位参与者；K：这一波每人带来的下一波人数",
            count=per_dot,
        )
    draw.text((MARGIN, height - FOOTER + 18), shown(note), font=small, fill=colours.muted)
    return Cascade(image, bands)


def save_png(cascade: Cascade, path: str | Path) -> Path:
    path = Path(path)
    cascade.image.save(path, format="PNG", optimize=True)
    return path


def campaign_waves(session: Session, campaign_id: int, as_of: datetime | None = None) -> Waves:
    """The campaign's waves and K as of `as_of` (default: now), as its report gives them."""
    from core.campaigns.inputs_sql import read_edges, read_team
    from core.campaigns.waves import build_tree
    from db.referral_models import Campaign

    campaign = session.get(Campaign, campaign_id)
    as_of = as_of or datetime.now()
    tree = build_tree(read_edges(session, campaign_id, as_of).edges, read_team(session))
    figures, k, inviting, _ = wave_ks(tree, as_of, campaign.ends_at)
    return Waves(figures, k, inviting)


def _wave_name(band: Band) -> Message:
    if band.wave == 0:
        return msg("种子")
    if band.last:
        return msg("第 {wave} 波及以后", wave=band.wave)
    return msg("第 {wave} 波", wave=band.wave)


def _summary(waves: Waves) -> Message:
    sizes = waves.sizes
    k, people, count = waves.k, sum(sizes), max(0, len(sizes) - 1)
    if waves.inviting:
        return msg(
            "{people:,} 位参与者，{waves} 波，整体 K = {k}（{inviting:,} 人还在邀请期，未计入）",
            people=people, waves=count, k="—" if k is None else f"{k:.2f}",
            inviting=waves.inviting,
        )  # fmt: skip
    if k is None:
        return msg("{people:,} 位参与者，{waves} 波", people=people, waves=count)
    return msg("{people:,} 位参与者，{waves} 波，整体 K = {k:.2f}", people=people, waves=count, k=k)
