"""Where a text layer's lines and characters land inside its box.

The renderer draws with these positions, and the designer uses the same ones to underline a
risky phrase exactly under the glyphs the poster shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.posters.template import TextLayer
from core.posters.textlayout import TextLayout, TextStyle, layout_text, measure_text


def text_style(layer: TextLayer, font_key: str = "") -> TextStyle:
    """The layer's style; `font_key` is its font as core.posters.fonts.font_key resolved it."""
    return TextStyle(
        font_size=max(1, round(layer.font_size)),
        min_font_size=max(1, round(layer.min_font_size)),
        bold=layer.bold,
        line_spacing=layer.line_spacing,
        letter_spacing=layer.letter_spacing,
        font_key=font_key,
    )


def block_top(layer: TextLayer, laid: TextLayout) -> float:
    """The first line's top, from the box's top, by the layer's vertical alignment."""
    if layer.valign == "middle":
        return (layer.height - laid.height) / 2
    if layer.valign == "bottom":
        return layer.height - laid.height
    return 0.0


def line_left(layer: TextLayer, line_width: float) -> float:
    """A line's left edge, from the box's left, by the layer's alignment."""
    if layer.align == "center":
        return (layer.width - line_width) / 2
    if layer.align == "right":
        return layer.width - line_width
    return 0.0


@dataclass(frozen=True)
class SpanBox:
    """Part of a text span on one line, in the layer's box coordinates."""

    x: float
    baseline: float
    width: float
    size: int  # the font size the line is drawn at (after auto-shrink)


def span_boxes(
    layer: TextLayer, text: str, start: int, end: int, font_key: str = ""
) -> list[SpanBox]:
    """Where the characters text[start:end] are drawn, one box per line they fall on.

    Characters the layout does not draw (spaces at a line break, glyphs the font lacks, text
    cut off by truncation) have no place; a span made only of those gives no box.
    """
    style = text_style(layer, font_key)
    laid = layout_text(text, layer.width, layer.height, style)
    places = _char_places(text, laid.lines)
    by_line: dict[int, list[int]] = {}
    for index in range(max(0, start), min(end, len(text))):
        place = places[index]
        if place is not None:
            by_line.setdefault(place[0], []).append(place[1])
    top = block_top(layer, laid)
    boxes = []
    for line_no, columns in sorted(by_line.items()):
        line = laid.lines[line_no]
        first, last = min(columns), max(columns) + 1
        before = measure_text(line[:first], laid.size, style)
        width = measure_text(line[first:last], laid.size, style) - style.letter_spacing
        boxes.append(
            SpanBox(
                x=line_left(layer, laid.widths[line_no]) + before,
                baseline=top + line_no * laid.advance + laid.baseline,
                width=width,
                size=laid.size,
            )
        )
    return boxes


def _char_places(text: str, lines: tuple[str, ...]) -> list[tuple[int, int] | None]:
    """(line, column) of each character of `text` in the laid-out lines, or None.

    The lines are the text in order with some characters dropped (break spaces, newlines,
    missing glyphs), so a greedy walk matches them.
    """
    places: list[tuple[int, int] | None] = []
    line_no, column = 0, 0
    for char in text:
        while line_no < len(lines) and column >= len(lines[line_no]):
            line_no, column = line_no + 1, 0
        if line_no < len(lines) and lines[line_no][column] == char:
            places.append((line_no, column))
            column += 1
        else:
            places.append(None)
    return places
