"""The boss's phone picture (长图): one tall PNG of the report's figures, drawn with Pillow.

Most bosses read the weekly report in WeChat on a phone, where a workbook is clumsy. This module
lays out KPI cards, findings, warnings and simple charts one under another, 1080 px wide, in the
bundled Chinese font (core never imports Qt, so the command line can make the picture too).

It draws what it is given: a `Picture` of plain values. Computing the figures is the report's job;
this module never reads the database, so the picture shows exactly the workbook's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from PIL import Image, ImageDraw, ImageFont

from core.common.filenames import visible_text
from core.common.fonts import can_draw, pil_font
from core.common.text import msg

WIDTH = 1080
MARGIN = 48
GAP = 24
MAX_HEIGHT = 20000  # a picture taller than this is not something anybody scrolls through
MAX_LINES = 12  # findings or warnings shown; the rest are counted and left to the workbook

# The light theme's colours (ui/common/theme.py), so the picture looks like the program.
PAGE = "#f5f6f8"
CARD = "#ffffff"
TEXT = "#1f2937"
MUTED = "#6b7280"
BORDER = "#e2e5ea"
ACCENT = "#0f766e"
ACCENT_SOFT = "#d7f2ee"
GOOD = "#15803d"
BAD = "#dc2626"
WARNING = "#b45309"
WARNING_SOFT = "#fef3c7"
CARD_HEIGHT = 190
UNKNOWN = "—"  # a bar whose figure cannot be known yet
SERIES_COLOURS = ("#0f766e", "#2563eb", "#d97706", "#7c3aed", "#db2777")


@dataclass(frozen=True)
class Card:
    """One KPI card: `change` is the comparison line ("环比 +18%"); `good` colours it (True green,
    False red, None neutral): whether a rise is good depends on the figure, not on its sign."""

    label: str
    value: str
    change: str = ""
    good: bool | None = None
    detail: str = ""  # what the figure is made of (已发送 12 / 计划 15), before the change


@dataclass(frozen=True)
class LineChart:
    title: str
    labels: list[str]  # the x axis, e.g. weeks
    series: list[tuple[str, list[float]]]  # (name, one value per label)
    from_zero: bool = True  # False for totals whose change matters more than their size (members)


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per step: a funnel, a level mix. `note` is shown after the value
    (e.g. the conversion from the step before). A value of None is not known: no bar, "—"
    and the note (why) in the muted colour."""

    title: str
    bars: list[tuple[str, float | None, str]]  # (label, value, note)


@dataclass(frozen=True)
class Picture:
    title: str
    subtitle: str
    cards: list[Card] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    charts: list[LineChart | BarChart] = field(default_factory=list)
    footer: str = ""
    findings_title: str = "本期要点"
    warnings_title: str = "需要留意"


# Typographic characters the bundled subset lacks, drawn as their plain forms instead of boxes.
_PLAIN_FORMS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2009": " ", "\u202f": " "})


def missing_glyphs(picture: Picture) -> set[str]:
    """The characters of `picture` the bundled font cannot draw (each would be a box): a test's
    check, and what a caller can warn about before sending the picture."""
    font = pil_font(30)
    return {
        char
        for text in _texts(picture)
        for char in set(text)
        if not char.isspace() and not can_draw(font, char)
    }


def render_picture(picture: Picture) -> Image.Image:
    """The picture as an RGB image, WIDTH wide and as tall as its content."""
    picture = _plain(picture)
    canvas = Image.new("RGB", (WIDTH, MAX_HEIGHT), PAGE)
    draw = ImageDraw.Draw(canvas)
    y = _header(draw, picture)
    y = _cards(draw, picture.cards, y)
    if picture.findings:
        y = _text_card(draw, picture.findings_title, _first(picture.findings), y, TEXT, CARD)
    if picture.warnings:
        y = _text_card(
            draw, picture.warnings_title, _first(picture.warnings), y, WARNING, WARNING_SOFT
        )
    for chart in picture.charts:
        if isinstance(chart, LineChart):
            y = _line_chart(draw, chart, y)
        else:
            y = _bar_chart(draw, chart, y)
    if picture.footer:
        font = pil_font(24)
        for line in _wrap(draw, picture.footer, font, WIDTH - 2 * MARGIN):
            draw.text((MARGIN, y), line, font=font, fill=MUTED)
            y += 36
    return canvas.crop((0, 0, WIDTH, min(MAX_HEIGHT, y + MARGIN)))


# --- layout pieces: each draws at `y` and returns the y below what it drew ---------------------


def _header(draw: ImageDraw.ImageDraw, picture: Picture) -> int:
    title, subtitle = pil_font(52, bold=True), pil_font(28)
    lines = _wrap(draw, picture.title, title, WIDTH - 2 * MARGIN)
    sub_lines = _wrap(draw, picture.subtitle, subtitle, WIDTH - 2 * MARGIN)
    height = MARGIN + 70 * len(lines) + 42 * len(sub_lines) + MARGIN
    draw.rectangle((0, 0, WIDTH, height), fill=ACCENT)
    y = MARGIN
    for line in lines:
        draw.text((MARGIN, y), line, font=title, fill="#ffffff")
        y += 70
    for line in sub_lines:
        draw.text((MARGIN, y + 4), line, font=subtitle, fill=ACCENT_SOFT)
        y += 42
    return height + GAP


def _cards(draw: ImageDraw.ImageDraw, cards: list[Card], y: int) -> int:
    width = (WIDTH - 2 * MARGIN - GAP) // 2
    label_font, value_font, change_font = pil_font(28), pil_font(60, bold=True), pil_font(26)
    detail_font = pil_font(24)
    for index, card in enumerate(cards):
        column, row = index % 2, index // 2
        left, top = MARGIN + column * (width + GAP), y + row * (CARD_HEIGHT + GAP)
        draw.rounded_rectangle(
            (left, top, left + width, top + CARD_HEIGHT), 16, fill=CARD, outline=BORDER
        )
        inner = width - 56
        draw.text(
            (left + 28, top + 22),
            _fit(draw, card.label, label_font, inner),
            font=label_font,
            fill=MUTED,
        )
        value_size = 60
        while value_size > 32 and draw.textlength(card.value, font=value_font) > inner:
            value_size -= 4  # a long figure (¥1,234,567.00) shrinks to fit its card
            value_font = pil_font(value_size, bold=True)
        draw.text((left + 28, top + 62), card.value, font=value_font, fill=TEXT)
        colour = {True: GOOD, False: BAD, None: MUTED}[card.good]
        line = card.change or card.detail
        if card.detail and card.change:
            joined = msg("{detail} · {change}", detail=card.detail, change=card.change)
            label_width = draw.textlength(card.label, font=label_font)
            detail_width = draw.textlength(card.detail, font=detail_font)
            if draw.textlength(joined, font=change_font) <= inner:
                line = joined
            elif label_width + 24 + detail_width <= inner:
                # one line would cut the comparison off: the detail beside the label instead
                draw.text((left + 28 + inner - detail_width, top + 26), card.detail,
                          font=detail_font, fill=MUTED)  # fmt: skip
            else:
                line = joined  # cut at the end: the comparison is what the card is for
        if line:
            draw.text(
                (left + 28, top + 140),
                _fit(draw, line, change_font, inner),
                font=change_font,
                fill=colour if card.change else MUTED,
            )
        value_font = pil_font(60, bold=True)
    rows = (len(cards) + 1) // 2
    return y + rows * (CARD_HEIGHT + GAP)


def _first(lines: list[str]) -> list[str]:
    """The first MAX_LINES lines, and a count of the others (a picture is read, not searched)."""
    if len(lines) <= MAX_LINES:
        return lines
    rest = msg("另有 {count} 条，见工作簿", count=len(lines) - MAX_LINES + 1)
    return [*lines[: MAX_LINES - 1], rest]


def _text_card(draw, title: str, lines: list[str], y: int, colour: str, background: str) -> int:
    title_font, font = pil_font(34, bold=True), pil_font(30)
    inner = WIDTH - 2 * MARGIN - 56 - 28
    wrapped = [_wrap(draw, line, font, inner) for line in lines]
    height = 28 + 50 + sum(44 * len(parts) + 12 for parts in wrapped) + 16
    draw.rounded_rectangle(
        (MARGIN, y, WIDTH - MARGIN, y + height), 16, fill=background, outline=BORDER
    )
    draw.text((MARGIN + 28, y + 24), title, font=title_font, fill=colour)
    top = y + 28 + 50
    for parts in wrapped:
        draw.ellipse((MARGIN + 30, top + 16, MARGIN + 40, top + 26), fill=colour)
        for part in parts:
            draw.text((MARGIN + 56, top), part, font=font, fill=TEXT)
            top += 44
        top += 12
    return y + height + GAP


def _chart_card(draw, title: str, y: int, body_height: int) -> tuple[int, int]:
    """Draw a chart's card and title; returns the top of its drawing area and the card's bottom."""
    height = 24 + 50 + body_height + 28
    draw.rounded_rectangle((MARGIN, y, WIDTH - MARGIN, y + height), 16, fill=CARD, outline=BORDER)
    draw.text((MARGIN + 28, y + 22), title, font=pil_font(34, bold=True), fill=TEXT)
    return y + 24 + 50, y + height


def _line_chart(draw, chart: LineChart, y: int) -> int:
    legend = len(chart.series) > 1
    top, bottom = _chart_card(draw, chart.title, y, 380 + (44 if legend else 0))
    small = pil_font(22)
    values = [v for _, points in chart.series for v in points]
    if not chart.labels or not values:
        draw.text((MARGIN + 28, top + 20), "暂无数据", font=pil_font(28), fill=MUTED)
        return bottom + GAP
    low, high, step = _axis_range(min(values), max(values), chart.from_zero)
    ticks = [low + step * i for i in range(round((high - low) / step) + 1)]
    axis_width = max(draw.textlength(_tick(t), font=small) for t in ticks) + 12
    left, right = MARGIN + 28 + axis_width, WIDTH - MARGIN - 36
    plot_top, plot_bottom = top + 16, top + 320

    def y_of(value: float) -> float:
        return plot_bottom - (value - low) / (high - low) * (plot_bottom - plot_top)

    def x_of(index: int) -> float:
        if len(chart.labels) == 1:
            return (left + right) / 2
        return left + index * (right - left) / (len(chart.labels) - 1)

    for tick in ticks:
        ty = y_of(tick)
        draw.line((left, ty, right, ty), fill=BORDER, width=1)
        text = _tick(tick)
        draw.text(
            (left - 12 - draw.textlength(text, font=small), ty - 14), text, font=small, fill=MUTED
        )
    for index in _label_indexes(draw, chart.labels, small, right - left):
        text = chart.labels[index]
        width = draw.textlength(text, font=small)
        x = min(max(x_of(index) - width / 2, left - axis_width / 2), WIDTH - MARGIN - 8 - width)
        draw.text((x, plot_bottom + 12), text, font=small, fill=MUTED)
    for number, (_name, points) in enumerate(chart.series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        xy = [(x_of(i), y_of(v)) for i, v in enumerate(points)]
        if len(xy) > 1:
            draw.line(xy, fill=colour, width=5, joint="curve")
        for x, py in xy[-1:]:
            draw.ellipse((x - 7, py - 7, x + 7, py + 7), fill=colour)
    if legend:
        x = left
        for number, (name, _) in enumerate(chart.series):
            colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
            draw.rectangle((x, plot_bottom + 62, x + 22, plot_bottom + 74), fill=colour)
            draw.text((x + 30, plot_bottom + 54), name, font=small, fill=TEXT)
            x += 30 + draw.textlength(name, font=small) + 32
    return bottom + GAP


def _bar_chart(draw, chart: BarChart, y: int) -> int:
    row = 64
    body = max(1, len(chart.bars)) * row
    top, bottom = _chart_card(draw, chart.title, y, body)
    if not chart.bars:
        draw.text((MARGIN + 28, top + 16), "暂无数据", font=pil_font(28), fill=MUTED)
        return bottom + GAP
    font, value_font = pil_font(26), pil_font(26, bold=True)
    label_width = min(
        300, max(draw.textlength(label, font=font) for label, _, _ in chart.bars) + 16
    )
    left = MARGIN + 28 + label_width
    notes = [
        f"{UNKNOWN}  {note}".rstrip() if value is None else f"{_number(value)}  {note}".rstrip()
        for _, value, note in chart.bars
    ]
    known = [
        text for (_, value, _), text in zip(chart.bars, notes, strict=True) if value is not None
    ]
    note_width = max((draw.textlength(text, font=value_font) for text in known), default=0) + 16
    right = WIDTH - MARGIN - 28 - note_width
    biggest = max((value for _, value, _ in chart.bars if value is not None), default=0) or 1
    for index, ((label, value, _), text) in enumerate(zip(chart.bars, notes, strict=True)):
        row_top = top + index * row
        draw.text(
            (MARGIN + 28, row_top + 12),
            _fit(draw, label, font, label_width - 16),
            font=font,
            fill=TEXT,
        )
        if value is None:  # not known yet: the reason where the bar would be, never a 0
            width = WIDTH - MARGIN - 28 - left
            draw.text((left, row_top + 12), _fit(draw, text, font, width), font=font, fill=MUTED)
            continue
        length = max(0.0, value) / biggest * (right - left)
        if value > 0:  # a 0 is no bar (a stub would read as "a few"); the small ones stay seen
            length = max(length, 6)
            box = (left, row_top + 10, left + length, row_top + 50)
            draw.rounded_rectangle(box, 8, fill=ACCENT)
        draw.text((left + length + 12, row_top + 12), text, font=value_font, fill=TEXT)
    return bottom + GAP


# --- text helpers -------------------------------------------------------------------------------


def _texts(picture: Picture) -> list[str]:
    """Every string the picture draws."""
    picture = _plain(picture)
    texts = [
        picture.title,
        picture.subtitle,
        picture.footer,
        picture.findings_title,
        picture.warnings_title,
    ]
    texts += picture.findings + picture.warnings
    for card in picture.cards:
        texts += [card.label, card.value, card.change, card.detail]
    for chart in picture.charts:
        texts.append(chart.title)
        if isinstance(chart, LineChart):
            texts += chart.labels + [name for name, _ in chart.series]
        else:
            texts += [label for label, _, _ in chart.bars] + [note for _, _, note in chart.bars]
            texts += [UNKNOWN for _, value, _ in chart.bars if value is None]
    return texts


def _plain(value):
    """`value` with every string inside it (dataclasses, lists, tuples) drawable: _PLAIN_FORMS
    applied, control and invisible characters dropped."""
    if isinstance(value, str):
        # Names come from imports and may carry control or invisible characters: never boxes.
        return visible_text(value.translate(_PLAIN_FORMS))
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    if hasattr(value, "__dataclass_fields__"):
        return replace(value, **{f.name: _plain(getattr(value, f.name)) for f in fields(value)})
    return value


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float
) -> list[str]:
    """`text` broken into lines no wider than `width`: between any two Chinese characters, and
    between Latin words (a word longer than the line is cut)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in _tokens(paragraph):
            if draw.textlength(line + token, font=font) <= width or not line:
                line += token
                while draw.textlength(line, font=font) > width and len(line) > 1:
                    cut = _longest_prefix(draw, line, font, width)
                    lines.append(line[:cut])
                    line = line[cut:]
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
        lines.append(line)
    return lines


_NO_LINE_START = frozenset("）)]」』】》，。、；：！？%…·")


def _tokens(text: str) -> list[str]:
    """Latin words (with their trailing space) stay whole; any other character is a token."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if char.isascii() and not char.isspace():
            word += char
            continue
        if word:
            tokens.append(word)
            word = ""
        if (char == " " or char in _NO_LINE_START) and tokens:
            tokens[-1] += char  # 禁则: closing punctuation never starts a line
        else:
            tokens.append(char)
    if word:
        tokens.append(word)
    return tokens


def _longest_prefix(draw, text: str, font, width: float) -> int:
    cut = len(text) - 1
    while cut > 1 and draw.textlength(text[:cut], font=font) > width:
        cut -= 1
    return cut


def _fit(draw, text: str, font, width: float) -> str:
    """`text` cut with an ellipsis so it fits `width` on one line."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _axis_range(low: float, high: float, from_zero: bool = True) -> tuple[float, float, float]:
    """A range that holds every value, in round steps (about four); from 0 when all are positive
    and `from_zero`."""
    if low >= 0 and from_zero:
        low = 0.0
    if high == low:
        high = low + 1
    step = _nice_step((high - low) / 4)
    return step * (low // step), step * -(-high // step), step


def _nice_step(raw: float) -> float:
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1.0
    for factor in (1, 2, 2.5, 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10


def _tick(value: float) -> str:
    return _number(value)


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _label_indexes(draw, labels: list[str], font, width: float) -> list[int]:
    """Which x labels to print so they do not overlap: every k-th, always the last."""
    widest = max(draw.textlength(label, font=font) for label in labels) + 16
    fits = max(1, int(width // widest))
    step = -(-len(labels) // fits)
    chosen = list(range(0, len(labels), step))
    if chosen[-1] != len(labels) - 1:
        if len(chosen) > 1 and (len(labels) - 1 - chosen[-1]) < step:
            chosen[-1] = len(labels) - 1
        else:
            chosen.append(len(labels) - 1)
    return chosen
