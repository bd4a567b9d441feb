"""What a template may ask of the renderer: every number's range, text lengths, nesting depth,
and the pixels a whole poster may take.

A template is a document from anywhere (forwarded through WeChat), so each number is bounded by
what a poster can use, most of them relative to the canvas: a box twice the canvas' width is
already a generous bleed, a shadow cast farther than the canvas is off it. The bounds are also
what the designer's fields allow, so nothing the designer makes is refused.

The per-number bounds still allow a template whose layers together would take gigabytes (500
layers of twice the canvas each): `check_budget` adds up the pixels each layer's drawing takes,
as the renderer allocates them, and refuses such a template before anything is drawn. The
validator asks it when a template is loaded, and the renderer asks again before it draws.

No imports of the template module: it imports this one. Layers are read by their attributes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.common.errors import UserError
from core.common.text import msg

MAX_JSON_DEPTH = 32  # a template nests 6 deep (document, layers, layer, fill, stops, stop)
MAX_LAYERS = 500
MAX_QR_LAYERS = 20  # each one is decoded back from every poster
MAX_GRADIENT_STOPS = 16
# Texts (characters).
MAX_NAME_CHARS = 100
MAX_DESCRIPTION_CHARS = 2000
MAX_TEXT_CHARS = 2000
MAX_SHORT_TEXT_CHARS = 200  # an asset name, a fallback text, a font name
MAX_QR_CONTENT_CHARS = 1000
# Pixels (canvas pixels; a tile is a layer's drawing before it is composed).
MAX_TILE_CANVASES = 4  # one layer's drawing, as a multiple of the canvas area…
MAX_TILE_PIXELS = 36_000_000  # …and at most this (≈ 150 MB as RGBA)
MAX_TOTAL_CANVASES = 48  # all layers' drawings together…
MAX_TOTAL_PIXELS = 400_000_000  # …and at most this
CACHE_CANVASES = 2  # drawings of personal layers kept for reuse, per renderer
# A template's own pictures, decoded and kept by the renderer: two 48-megapixel photos and
# some small ones (each picture alone: core.common.images.MAX_PIXELS).
MAX_PICTURE_PIXELS = 120_000_000
MAX_RENDERED_TEXT_CHARS = 4000  # a member's field filled into a text layer is cut here


@dataclass(frozen=True)
class Range:
    """Inclusive bounds of a number; `low`/`high` may depend on the canvas (width, height)."""

    low: float | Callable[[int, int], float]
    high: float | Callable[[int, int], float]
    label: Any  # how the message names the field (a message)
    positive: bool = False  # strictly above `low`

    def limits(self, width: int, height: int) -> tuple[float, float]:
        low = self.low(width, height) if callable(self.low) else self.low
        high = self.high(width, height) if callable(self.high) else self.high
        return low, high


def _w2(w: int, _h: int) -> float:
    return 2 * w


def _h2(_w: int, h: int) -> float:
    return 2 * h


def _minus_w2(w: int, _h: int) -> float:
    return -2 * w


def _minus_h2(_w: int, h: int) -> float:
    return -2 * h


def _w(w: int, _h: int) -> float:
    return w


def _h(_w: int, h: int) -> float:
    return h


def _minus_w(w: int, _h: int) -> float:
    return -w


def _minus_h(_w: int, h: int) -> float:
    return -h


# The numbers of every layer kind (the box fields of a background are ignored when drawing;
# they are bounded all the same).
LAYER_RANGES: dict[str, Range] = {
    "x": Range(_minus_w2, _w2, msg("横向位置 x")),
    "y": Range(_minus_h2, _h2, msg("纵向位置 y")),
    "width": Range(0, _w2, msg("宽度"), positive=True),
    "height": Range(0, _h2, msg("高度"), positive=True),
    "rotation": Range(-360, 360, msg("旋转角度")),
    "opacity": Range(0, 1, msg("不透明度")),
    "radius": Range(0, 5000, msg("圆角")),
    "font_size": Range(1, 2000, msg("字号")),
    "min_font_size": Range(1, 2000, msg("最小字号")),
    "line_spacing": Range(0.5, 5, msg("行距")),
    "letter_spacing": Range(-100, 1000, msg("字间距")),
    "border_width": Range(0, 200, msg("边框宽度")),
    # quiet_zone: 4 to 20 modules, checked with its reason by the template module
}
# A background covers the canvas whatever its box says; the box is only kept finite.
BACKGROUND_BOX = Range(-20_000, 20_000, msg("位置和大小"))
# Per kind where one name means different things.
KIND_RANGES: dict[tuple[str, str], Range] = {
    ("text", "stroke_width"): Range(0, 200, msg("描边宽度")),
    ("shape", "stroke_width"): Range(0, 500, msg("描边宽度")),
}
SHADOW_RANGES: dict[str, Range] = {
    "blur": Range(0, 200, msg("阴影模糊半径")),
    "dx": Range(_minus_w, _w, msg("阴影横向偏移")),
    "dy": Range(_minus_h, _h, msg("阴影纵向偏移")),
}
ANGLE_RANGE = Range(-360, 360, msg("渐变角度"))
STOP_RANGE = Range(0, 1, msg("色标位置"))
# Strings of a layer and their longest allowed length.
TEXT_LIMITS = {
    "name": MAX_NAME_CHARS,
    "text": MAX_TEXT_CHARS,
    "content": MAX_QR_CONTENT_CHARS,
    "fallback_text": MAX_SHORT_TEXT_CHARS,
    "src": MAX_SHORT_TEXT_CHARS,
    "image": MAX_SHORT_TEXT_CHARS,
    "logo": MAX_SHORT_TEXT_CHARS,
    "font_path": MAX_SHORT_TEXT_CHARS,
}


def range_for(kind: str, name: str) -> Range | None:
    if kind == "background" and name in ("x", "y", "width", "height"):
        return BACKGROUND_BOX
    return KIND_RANGES.get((kind, name)) or LAYER_RANGES.get(name)


def _figure(value: float) -> str:
    """A bound or value for a message: 2160, 0.5, -1e+15."""
    if abs(value) >= 1e15:
        return f"{float(value):g}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def check_number(value: float, bounds: Range, where: str, width: int, height: int) -> None:
    """Refuse `value` outside `bounds` for a canvas of width × height, naming the field."""
    low, high = bounds.limits(width, height)
    below = value <= low if bounds.positive else value < low
    if below or value > high:
        values = {
            "where": where,
            "field": bounds.label,
            "low": _figure(low),
            "high": _figure(high),
            "value": _figure(value),
        }
        raise UserError(
            msg("{where}的{field}必须为正数且不超过 {high}，实际为 {value}", **values)
            if bounds.positive
            else msg("{where}的{field}应在 {low} 到 {high} 之间，实际为 {value}", **values)
        )


def check_length(text: str, limit: int, where: str) -> None:
    if len(text) > limit:
        raise UserError(
            msg(
                "{where}太长（{count} 个字，最多 {limit} 个）",
                where=where,
                count=len(text),
                limit=limit,
            )
        )


def shown_value(value: Any, limit: int = 40) -> str:
    """A value for a message, cut short: a hostile document may hold megabytes in one field."""
    text = value if isinstance(value, str) else _short_repr(value, limit)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short_repr(value: Any, limit: int) -> str:
    if isinstance(value, list | tuple):
        return "[…]" if value else "[]"
    if isinstance(value, dict):
        return "{…}" if value else "{}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return "…" + str(value % 10**8)  # str() of a huge int is refused above 4300 digits
    text = repr(value)
    return text[:limit]


# ---------------------------------------------------------------------- nesting depth

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def check_json_depth(text: str | bytes) -> None:
    """Refuse JSON text nested deeper than MAX_JSON_DEPTH, before it is parsed (the parser
    recurses once per level and would end in a RecursionError)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise too_deep()
        else:
            depth -= 1


def check_value_depth(value: Any) -> None:
    """The same limit for an already parsed document (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            if depth > MAX_JSON_DEPTH:
                raise too_deep()
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def too_deep() -> UserError:
    return UserError(
        msg("模板文件嵌套过深（超过 {limit} 层），可能是异常文件，已拒绝", limit=MAX_JSON_DEPTH)
    )


# ---------------------------------------------------------------------- pixels


def tile_pixels(layer: Any, width: int, height: int) -> int:
    """The pixels of the largest image the renderer makes for `layer` on a width × height
    canvas: its box grown by text padding or a shadow, then by the turn."""
    kind = layer.kind
    if kind == "background":
        return width * height
    w, h = max(1.0, layer.width), max(1.0, layer.height)
    if kind == "text":
        # Auto-shrink draws at most at the size whose one line fills the box height (a line
        # takes 1.2 × the size, core.posters.textlayout.LINE_EXTENT), never below the minimum.
        size = min(layer.font_size, max(layer.min_font_size, h / 1.2 + 1))
        pad = size // 2 + layer.stroke_width + 2
        w, h = w + 2 * pad, h + 2 * pad
    elif kind == "shape" and layer.shadow is not None:
        margin = layer.shadow.blur * 1.5 + 3
        w += 2 * margin + abs(layer.shadow.dx)
        h += 2 * margin + abs(layer.shadow.dy)
    angle = math.radians(layer.rotation % 360)
    if angle:
        c, s = abs(math.cos(angle)), abs(math.sin(angle))
        w, h = w * c + h * s, w * s + h * c
    return math.ceil(w) * math.ceil(h)


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}"


def check_budget(template: Any) -> None:
    """Refuse a template whose drawing would take more memory or time than a poster needs."""
    width, height = template.width, template.height
    canvas = width * height
    per_tile = min(MAX_TILE_PIXELS, MAX_TILE_CANVASES * canvas)
    total_limit = min(MAX_TOTAL_PIXELS, MAX_TOTAL_CANVASES * canvas)
    total = 0
    for index, layer in enumerate(template.layers, start=1):
        if not layer.visible:
            continue
        pixels = tile_pixels(layer, width, height)
        if pixels > per_tile:
            raise UserError(
                msg(
                    "第 {index} 个图层「{name}」画出来太大"
                    "（约 {pixels} 百万像素，最多 {limit} 百万），请缩小它，或它的字号、描边、阴影",
                    index=index,
                    name=shown_value(layer.name or layer.kind),
                    pixels=_megapixels(pixels),
                    limit=_megapixels(per_tile),
                )
            )
        total += pixels
    if total > total_limit:
        raise UserError(
            msg(
                "模板的图层合计太大（约 {pixels} 百万像素，"
                "最多 {limit} 百万，即画布的 {share} 倍），请删去或缩小一些图层",
                pixels=_megapixels(total),
                limit=_megapixels(total_limit),
                share=total_limit // canvas,
            )
        )
