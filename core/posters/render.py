"""The one poster renderer: a template and a member's data → a Pillow image.

The designer's preview and every export go through `PosterRenderer.render`, so what the
operator sees is what is saved. A renderer is made once per template and reused for a batch:
the layers below the first personalised one are composed once into a base image, and every
other layer's drawing is cached by its resolved content, so a poster costs one copy of the
base plus the personal layers (nickname, avatar, QR code).

Geometry: each layer is drawn into a tile (an RGBA image, or a colour through an alpha mask)
at its box, then turned by `rotation` degrees clockwise about the box centre, faded by
`opacity`, and composed over the canvas. QR codes are drawn with whole-pixel modules and are
never rotated by resampling unless the template asks for a rotation.
"""

from __future__ import annotations

import itertools
import math
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import qrcode
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps
from qrcode.exceptions import DataOverflowError

from core.common.errors import UserError
from core.common.images import load_untrusted_rgba, read_image_file
from core.common.text import msg
from core.posters.bounds import CACHE_CANVASES, MAX_PICTURE_PIXELS, MAX_RENDERED_TEXT_CHARS
from core.posters.fonts import font_key
from core.posters.template import (
    AvatarLayer,
    BackgroundLayer,
    Fill,
    Gradient,
    ImageLayer,
    Layer,
    QrLayer,
    ShapeLayer,
    Template,
    TextLayer,
    fill_placeholders,
    missing_fields,
    normalise_data,
    parse_color,
    placeholders_in,
    validate_template,
)
from core.posters.text_placement import block_top, line_left, text_style
from core.posters.textlayout import drawable, font_for, font_runs, layout_text, needs_fallback

# Assets: a template's pictures by name, as file bytes (checked like any user file) or
# already opened images.
Assets = Mapping[str, "bytes | Image.Image"]

SUPERSAMPLE = 4  # anti-aliasing of circles and rounded corners
_EC_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
LOGO_SHARE = 0.22  # a logo's side as a share of the code's side (H restores ~30% damage)
_PERSONAL_CACHE = 8  # cached drawings per personalised layer (same campaign name, …)


@dataclass(frozen=True)
class PlacedQr:
    """Where a QR code was drawn and what it should say: what verification checks."""

    layer_name: str
    content: str
    box: tuple[int, int, int, int]  # the code with its quiet zone, on the canvas
    module_px: int
    modules: int  # per side, without the quiet zone
    quiet_zone: int
    error_correction: str
    rotation: float
    dark: tuple[int, int, int, int]
    light: tuple[int, int, int, int]
    matrix: bytes = b""  # modules × modules, 1 = dark (for contrast measurement)

    @property
    def code_px(self) -> int:
        """Side of the code without its quiet zone."""
        return self.module_px * self.modules


@dataclass
class RenderedPoster:
    image: Image.Image  # RGB
    qr_codes: list[PlacedQr] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Tile:
    """A layer's drawing: an RGBA image, or a solid colour through an L mask, at (x, y)."""

    x: int
    y: int
    image: Image.Image | None = None
    color: tuple[int, int, int] | None = None
    mask: Image.Image | None = None
    qr: PlacedQr | None = None

    def paste_onto(self, canvas: Image.Image) -> None:
        if self.image is not None:
            if self.image.mode == "RGB":
                canvas.paste(self.image, (self.x, self.y))
            else:
                canvas.paste(self.image, (self.x, self.y), self.image)
        elif self.mask is not None and self.color is not None:
            w, h = self.mask.size
            canvas.paste(self.color, (self.x, self.y, self.x + w, self.y + h), self.mask)


def render_poster(
    template: Template, data: Mapping[str, Any] | None = None, assets: Assets | None = None
) -> Image.Image:
    """The poster for one member as an RGB image (one-off; batches keep a PosterRenderer)."""
    return PosterRenderer(template, assets).render(data or {}).image


class PosterRenderer:
    """Renders one template for many members, reusing everything that does not change."""

    def __init__(
        self,
        template: Template,
        assets: Assets | None = None,
        fixed: Mapping[str, Any] | None = None,
        system_fonts: Mapping[str, str] | None = None,
    ) -> None:
        """`fixed`: fields that are the same on every poster of this renderer (活动名, 社群名,
        截止日期 of a batch); layers that use only those are drawn once, like static ones.
        `system_fonts`: this machine's fonts the template names → their files, when already
        looked up (a batch does it once, in its parent process); others are looked up here."""
        self.template = template
        self._fixed = normalise_data(fixed or {})
        self._assets = dict(assets or {})
        self._system_fonts = dict(system_fonts) if system_fonts is not None else None
        self._font_keys: dict[str, str] = {}
        self._decoded: dict[str, Image.Image] = {}
        self._decoded_pixels = 0
        self._base: Image.Image | None = None
        self._checked = False
        layers = [layer for layer in template.layers if layer.visible]
        self._static, self._rest = _split_static(
            layers, template.width, template.height, set(self._fixed)
        )
        # Drawings of personal layers by (layer, resolved content), least recently used first,
        # kept within CACHE_CANVASES canvases of pixels.
        self._tiles: OrderedDict[tuple, _Tile | None] = OrderedDict()
        self._per_layer: dict[int, int] = {}
        self._cached_pixels = 0
        self._cache_limit = CACHE_CANVASES * template.width * template.height
        self._static_qr: list[PlacedQr] = []

    # ------------------------------------------------------------------ public

    def render(self, data: Mapping[str, Any]) -> RenderedPoster:
        if not self._checked:
            # Before any pixel: a template made in code (the designer's edits) is held to the
            # same bounds and budget as one read from a file.
            validate_template(self.template)
            self._checked = True
        data = {**self._fixed, **normalise_data(data)}
        warnings: list[str] = []
        canvas = self._base_image(warnings).copy()
        qr_codes = list(self._static_qr)
        for layer in self._rest:
            tile = self._tile(layer, data, warnings)
            if tile is None:
                continue
            tile.paste_onto(canvas)
            if tile.qr is not None:
                qr_codes.append(tile.qr)
        return RenderedPoster(canvas, qr_codes, missing_fields(self.template, data), warnings)

    def static_layers(self) -> int:
        """How many layers are composed once per batch (for the benchmark and tests)."""
        return len(self._static)

    # ------------------------------------------------------------------ composition

    def _base_image(self, warnings: list[str]) -> Image.Image:
        if self._base is None:
            template = self.template
            base = Image.new("RGB", (template.width, template.height), "white")
            for layer in self._static:
                tile = self._tile(layer, self._fixed, warnings, cache=False)
                if tile is not None:
                    tile.paste_onto(base)
                    if tile.qr is not None:
                        self._static_qr.append(tile.qr)
            self._base = base
        return self._base

    def _tile(
        self, layer: Layer, data: Mapping[str, Any], warnings: list[str], cache: bool = True
    ) -> _Tile | None:
        key = (id(layer), *(fill_placeholders(text, data) for text in layer.texts()))
        if isinstance(layer, AvatarLayer | ImageLayer):
            key += (_source_key(_source(layer.src, data)),)
        if cache and key in self._tiles:
            self._tiles.move_to_end(key)
            return self._tiles[key]
        tile = self._draw(layer, data, warnings)
        if tile is not None:
            tile = _transform(tile, layer)
        if cache:
            self._remember(key, tile)
        return tile

    def _remember(self, key: tuple, tile: _Tile | None) -> None:
        """Keep a personal layer's drawing, forgetting the least recently used ones beyond
        _PERSONAL_CACHE per layer or the cache's pixels."""
        self._tiles[key] = tile
        self._cached_pixels += _tile_pixels(tile)
        layer_id = key[0]
        self._per_layer[layer_id] = self._per_layer.get(layer_id, 0) + 1
        if self._per_layer[layer_id] > _PERSONAL_CACHE:
            oldest = next(k for k in self._tiles if k[0] == layer_id)
            self._forget(oldest)
        while self._cached_pixels > self._cache_limit and len(self._tiles) > 1:
            self._forget(next(iter(self._tiles)))

    def _forget(self, key: tuple) -> None:
        tile = self._tiles.pop(key)
        self._cached_pixels -= _tile_pixels(tile)
        self._per_layer[key[0]] -= 1

    def _draw(self, layer: Layer, data: Mapping[str, Any], warnings: list[str]) -> _Tile | None:
        if isinstance(layer, BackgroundLayer):
            return self._background(layer)
        if isinstance(layer, ShapeLayer):
            return _shape(layer)
        if isinstance(layer, TextLayer):
            text = fill_placeholders(layer.text, data)[:MAX_RENDERED_TEXT_CHARS]
            return _text(layer, text, self._font_key(layer))
        if isinstance(layer, QrLayer):
            return self._qr(layer, fill_placeholders(layer.content, data))
        if isinstance(layer, AvatarLayer):
            return self._avatar(layer, data, warnings)
        if isinstance(layer, ImageLayer):
            return self._image(layer, data, warnings)
        raise AssertionError(layer)

    # ------------------------------------------------------------------ assets

    def asset(self, name: str, what: str = msg("图片")) -> Image.Image:
        """A template picture by name, checked and upright, RGBA; decoded once. The pictures
        kept decoded stay within MAX_PICTURE_PIXELS."""
        if name not in self._decoded:
            if name not in self._assets:
                raise UserError(msg("模板缺少图片「{name}」", name=name))
            value = self._assets[name]
            if isinstance(value, Image.Image):
                picture = value.convert("RGBA")
            else:
                picture = load_untrusted_rgba(
                    bytes(value), what=msg("{what}「{name}」", what=what, name=name)
                )
            pixels = picture.width * picture.height
            if self._decoded_pixels + pixels > MAX_PICTURE_PIXELS:
                raise UserError(
                    msg(
                        "模板的图片合计太大（超过 {limit} 百万像素），请换用小一些的图片",
                        limit=MAX_PICTURE_PIXELS // 1_000_000,
                    )
                )
            self._decoded_pixels += pixels
            self._decoded[name] = picture
        return self._decoded[name]

    def _font_key(self, layer: TextLayer) -> str:
        """The layer's font as the text layout opens it (looked up once per renderer)."""
        reference = layer.font_path
        if reference not in self._font_keys:
            self._font_keys[reference] = font_key(reference, self._assets, self._system_fonts)
        return self._font_keys[reference]

    # ------------------------------------------------------------------ layer kinds

    def _background(self, layer: BackgroundLayer) -> _Tile:
        width, height = self.template.width, self.template.height
        tile = fill_image(layer.fill, width, height)
        if layer.image:
            picture = ImageOps.fit(
                self.asset(layer.image, msg("背景图")), (width, height), _LANCZOS
            )
            tile.alpha_composite(picture)
        if tile.getextrema()[3][0] == 255:
            tile = tile.convert("RGB")  # opaque: a plain paste, no blending per poster
        return _Tile(0, 0, image=tile)

    def _qr(self, layer: QrLayer, content: str) -> _Tile:
        if not content.strip():
            raise UserError(
                msg(
                    "二维码「{name}」的内容为空（缺少邀请链接或邀请码？）",
                    name=layer.name or msg("二维码"),
                )
            )
        level = "H" if layer.logo else layer.error_correction
        matrix, modules = qr_matrix(content, level)
        total = modules + 2 * layer.quiet_zone
        side = int(min(layer.width, layer.height))
        module_px = side // total
        if module_px < 1:
            raise UserError(
                msg(
                    "二维码「{name}」区域太小（{side} 像素），"
                    "内容需要至少 {least} 像素，请放大二维码或缩短内容",
                    name=layer.name or msg("二维码"),
                    side=side,
                    least=total,
                )
            )
        dark, light = parse_color(layer.dark), parse_color(layer.light)
        image = qr_image(matrix, modules, layer.quiet_zone, module_px, dark, light)
        if layer.logo:
            _put_logo(image, self.asset(layer.logo, msg("二维码 logo")), module_px * modules, light)
        size = image.width
        x = round(layer.x + (layer.width - size) / 2)
        y = round(layer.y + (layer.height - size) / 2)
        placed = PlacedQr(
            layer_name=layer.name,
            content=content,
            box=(x, y, x + size, y + size),
            module_px=module_px,
            modules=modules,
            quiet_zone=layer.quiet_zone,
            error_correction=level,
            rotation=layer.rotation % 360,
            dark=dark,
            light=light,
            matrix=matrix,
        )
        return _Tile(x, y, image=image, qr=placed)

    def _avatar(self, layer: AvatarLayer, data: Mapping[str, Any], warnings: list[str]) -> _Tile:
        width, height = round(layer.width), round(layer.height)
        picture = None
        source = _source(layer.src, data)
        if source is not None:
            try:
                picture = self._picture(source, layer.src, msg("头像"))
            except UserError as error:
                warnings.append(msg("{problem}，已用昵称首字代替", problem=error.message))
        mask = (
            ellipse_mask(width, height)
            if layer.shape == "circle"
            else rounded_mask(width, height, layer.radius)
        )
        if picture is not None:
            tile = ImageOps.fit(picture, (width, height), _LANCZOS, centering=(0.5, 0.4))
        else:
            tile = _initial_disc(layer, fill_placeholders(layer.fallback_text, data), width, height)
        alpha = ImageChops.multiply(tile.getchannel("A"), mask)
        tile.putalpha(alpha)
        if layer.border_width > 0:
            ring = _ring_mask(layer, width, height)
            color = parse_color(layer.border_color)
            border = Image.new("RGBA", (width, height), color)
            border.putalpha(ImageChops.multiply(ring, Image.new("L", ring.size, color[3])))
            tile.alpha_composite(border)
        return _Tile(round(layer.x), round(layer.y), image=tile)

    def _image(self, layer: ImageLayer, data: Mapping[str, Any], warnings: list[str]) -> _Tile:
        width, height = round(layer.width), round(layer.height)
        source = _source(layer.src, data)
        if source is None:
            return _Tile(0, 0)  # a personal picture the member does not have: nothing drawn
        picture = self._picture(source, layer.src, msg("图片"))
        if layer.fit == "contain":
            inner = ImageOps.contain(picture, (width, height), _LANCZOS)
            tile = Image.new("RGBA", (width, height), (0, 0, 0, 0))
            tile.paste(inner, ((width - inner.width) // 2, (height - inner.height) // 2))
        else:
            tile = ImageOps.fit(picture, (width, height), _LANCZOS)
        if layer.radius > 0:
            tile.putalpha(
                ImageChops.multiply(tile.getchannel("A"), rounded_mask(width, height, layer.radius))
            )
        return _Tile(round(layer.x), round(layer.y), image=tile)

    def _picture(self, source: Any, spec: str, what: str) -> Image.Image:
        """The picture a layer shows: a template asset by name, or the member's value
        (bytes of a file, an opened image, or a path to a file)."""
        if not placeholders_in(spec):
            return self.asset(str(source), what)
        if isinstance(source, Image.Image):
            return source.convert("RGBA")
        if isinstance(source, bytes | bytearray):
            return load_untrusted_rgba(bytes(source), what=what)
        if isinstance(source, str | Path):
            return load_untrusted_rgba(read_image_file(Path(source), what), what=what)
        raise UserError(msg("{what}的数据格式不对", what=what))


_LANCZOS = Image.Resampling.LANCZOS


def _split_static(
    layers: list[Layer], width: int, height: int, fixed: set[str]
) -> tuple[list, list]:
    """Layers composed once into the base, and layers drawn per poster, each in order.

    A layer without placeholders goes into the base unless it overlaps a layer below it that
    is drawn per poster (then it must be drawn after that one, to stay on top). Moving a
    non-overlapping layer earlier changes no pixel, and saves pasting it on every poster.
    """
    static: list[Layer] = []
    rest: list[Layer] = []
    regions: list[tuple[float, float, float, float]] = []
    for layer in layers:
        region = _reach(layer, width, height)
        personal = any(
            name not in fixed for text in layer.texts() for name in placeholders_in(text)
        )
        if not personal and not any(_overlap(region, other) for other in regions):
            static.append(layer)
        else:
            rest.append(layer)
            regions.append(region)
    return static, rest


def _reach(layer: Layer, width: int, height: int) -> tuple[float, float, float, float]:
    """Everything a layer may paint: its box grown by text padding, strokes and shadows, and
    by the turn when rotated."""
    if isinstance(layer, BackgroundLayer):
        return (0, 0, width, height)
    grow_x = grow_y = 2.0
    if isinstance(layer, TextLayer):
        # Laid-out text stays inside its box vertically (the block is made to fit); sideways
        # a hanging punctuation mark may reach out by about one character.
        grow_x += layer.font_size + layer.stroke_width
        grow_y += layer.stroke_width
    if isinstance(layer, ShapeLayer):
        grow_x += layer.stroke_width
        grow_y += layer.stroke_width
        if layer.shadow is not None:
            blur = layer.shadow.blur * 1.5 + 2
            grow_x += blur + abs(layer.shadow.dx)
            grow_y += blur + abs(layer.shadow.dy)
    left, top = layer.x - grow_x, layer.y - grow_y
    right, bottom = layer.x + layer.width + grow_x, layer.y + layer.height + grow_y
    if layer.rotation % 360:
        cx, cy = (left + right) / 2, (top + bottom) / 2
        radius = math.hypot(right - left, bottom - top) / 2
        return (cx - radius, cy - radius, cx + radius, cy + radius)
    return (left, top, right, bottom)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _source(spec: str, data: Mapping[str, Any]) -> Any:
    """What an image/avatar layer shows: the member's value for `{field}`, else the asset name."""
    names = placeholders_in(spec)
    if not names:
        return spec or None
    value = data.get(names[0])
    if value in (None, "", b""):
        return None
    return value


def _tile_pixels(tile: _Tile | None) -> int:
    if tile is None:
        return 0
    image = tile.image if tile.image is not None else tile.mask
    return 0 if image is None else image.width * image.height


def _source_key(source: Any) -> Any:
    if isinstance(source, bytes | bytearray):
        return (len(source), hash(bytes(source)))
    if isinstance(source, Image.Image):
        return id(source)
    return None if source is None else str(source)


# ---------------------------------------------------------------------- transforms


def _transform(tile: _Tile, layer: Layer) -> _Tile:
    """Opacity and rotation (clockwise, about the layer box's centre)."""
    if tile.image is None and tile.mask is None:
        return tile
    if layer.opacity < 1:
        factor = layer.opacity
        if tile.image is not None:
            image = tile.image.convert("RGBA")
            image.putalpha(image.getchannel("A").point(lambda a: round(a * factor)))
            tile.image = image
        else:
            assert tile.mask is not None
            tile.mask = tile.mask.point(lambda a: round(a * factor))
    angle = layer.rotation % 360
    if angle:
        cx, cy = layer.x + layer.width / 2, layer.y + layer.height / 2
        if tile.image is not None:
            source = tile.image.convert("RGBA")
            # Pre-multiply so the transparent edge does not bleed dark into the turn.
            turned = source.convert("RGBa").rotate(-angle, _BICUBIC, expand=True)
            turned = turned.convert("RGBA")
            tile.image = turned
            size = turned.size
            ox, oy = source.width / 2, source.height / 2
        else:
            assert tile.mask is not None
            ox, oy = tile.mask.width / 2, tile.mask.height / 2
            tile.mask = tile.mask.rotate(-angle, _BICUBIC, expand=True)
            size = tile.mask.size
        # The tile's own centre relative to the layer box centre stays the same, turned.
        dx, dy = tile.x + ox - cx, tile.y + oy - cy
        rad = math.radians(angle)
        rx = dx * math.cos(rad) - dy * math.sin(rad)
        ry = dx * math.sin(rad) + dy * math.cos(rad)
        tile.x = round(cx + rx - size[0] / 2)
        tile.y = round(cy + ry - size[1] / 2)
        if tile.qr is not None:
            tile.qr = _replace_box(tile.qr, (tile.x, tile.y, tile.x + size[0], tile.y + size[1]))
    return tile


_BICUBIC = Image.Resampling.BICUBIC


def _replace_box(placed: PlacedQr, box: tuple[int, int, int, int]) -> PlacedQr:
    return replace(placed, box=box)


# ---------------------------------------------------------------------- fills and masks


def fill_image(fill: Fill | None, width: int, height: int) -> Image.Image:
    """An RGBA image of the size painted with a colour or a linear gradient."""
    if fill is None:
        return Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if isinstance(fill, Gradient):
        return gradient_image(fill, width, height)
    return Image.new("RGBA", (width, height), parse_color(fill))


def gradient_image(gradient: Gradient, width: int, height: int) -> Image.Image:
    """A CSS-like linear gradient: stop 0 at the start edge, 1 at the end, any angle."""
    angle = gradient.angle % 360
    rad = math.radians(angle)
    length = abs(width * math.sin(rad)) + abs(height * math.cos(rad))
    ramp = Image.linear_gradient("L")  # 256×256, 0 at the top, 255 at the bottom
    if angle in (0, 180):
        shade = ramp.resize((width, height), Image.Resampling.BILINEAR)
        if angle == 0:
            shade = shade.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    elif angle in (90, 270):
        # ROTATE_90 turns counter-clockwise: the ramp's top (0) becomes the left edge.
        shade = ramp.transpose(Image.Transpose.ROTATE_90)
        shade = shade.resize((width, height), Image.Resampling.BILINEAR)
        if angle == 270:
            shade = ImageOps.mirror(shade)
    else:
        # A slanted ramp is smooth: turn it at a quarter of the size and scale it up (the
        # turn of a full-size canvas costs ~0.1 s; this looks the same).
        scale = 4 if min(width, height) >= 64 else 1
        small_w, small_h = math.ceil(width / scale), math.ceil(height / scale)
        span = small_w + small_h
        stretched = ramp.resize(
            (span, max(2, math.ceil(length / scale))), Image.Resampling.BILINEAR
        )
        turned = stretched.rotate(180 - angle, Image.Resampling.BILINEAR, expand=True)
        left = (turned.width - small_w) // 2
        top = (turned.height - small_h) // 2
        shade = turned.crop((left, top, left + small_w, top + small_h))
        if scale > 1:
            shade = shade.resize((width, height), Image.Resampling.BILINEAR)
    channels = _gradient_luts(gradient)
    return Image.merge("RGBA", [shade.point(lut) for lut in channels])


def _gradient_luts(gradient: Gradient) -> list[list[int]]:
    stops = [(position, parse_color(color)) for position, color in gradient.stops]
    luts: list[list[int]] = [[], [], [], []]
    for value in range(256):
        t = value / 255
        if t <= stops[0][0]:
            color = stops[0][1]
        elif t >= stops[-1][0]:
            color = stops[-1][1]
        else:
            for (p0, c0), (p1, c1) in itertools.pairwise(stops):
                if p0 <= t <= p1:
                    f = 0 if p1 == p0 else (t - p0) / (p1 - p0)
                    color = tuple(round(a + (b - a) * f) for a, b in zip(c0, c1, strict=True))
                    break
        for channel in range(4):
            luts[channel].append(color[channel])
    return luts


@lru_cache(maxsize=64)
def ellipse_mask(width: int, height: int) -> Image.Image:
    """An anti-aliased ellipse filling the box (drawn large, then reduced)."""
    scale = max(1, min(SUPERSAMPLE, 4096 // max(width, height, 1)))
    big = Image.new("L", (width * scale, height * scale), 0)
    ImageDraw.Draw(big).ellipse((0, 0, width * scale - 1, height * scale - 1), fill=255)
    return big.reduce(scale) if scale > 1 else big


@lru_cache(maxsize=64)
def rounded_mask(width: int, height: int, radius: float) -> Image.Image:
    """A rectangle with anti-aliased round corners; only the corners are supersampled."""
    mask = Image.new("L", (width, height), 255)
    r = round(min(radius, width / 2, height / 2))
    if r <= 0:
        return mask
    disc = ellipse_mask(2 * r, 2 * r)
    mask.paste(disc.crop((0, 0, r, r)), (0, 0))
    mask.paste(disc.crop((r, 0, 2 * r, r)), (width - r, 0))
    mask.paste(disc.crop((0, r, r, 2 * r)), (0, height - r))
    mask.paste(disc.crop((r, r, 2 * r, 2 * r)), (width - r, height - r))
    return mask


def shape_mask(shape: str, width: int, height: int, radius: float) -> Image.Image:
    if shape == "circle":
        return ellipse_mask(width, height)
    if shape == "rounded":
        return rounded_mask(width, height, radius)
    return Image.new("L", (width, height), 255)


def _inset_mask(shape: str, width: int, height: int, radius: float, inset: int) -> Image.Image:
    """The shape shrunk by `inset` on each side, in a mask of the full size."""
    mask = Image.new("L", (width, height), 0)
    inner_w, inner_h = width - 2 * inset, height - 2 * inset
    if inner_w > 0 and inner_h > 0:
        mask.paste(shape_mask(shape, inner_w, inner_h, max(0, radius - inset)), (inset, inset))
    return mask


def _shape(layer: ShapeLayer) -> _Tile:
    width, height = max(1, round(layer.width)), max(1, round(layer.height))
    mask = shape_mask(layer.shape, width, height, layer.radius)
    tile = fill_image(layer.fill, width, height)
    tile.putalpha(ImageChops.multiply(tile.getchannel("A"), mask))
    stroke = round(layer.stroke_width)
    if layer.stroke and stroke > 0:
        ring = ImageChops.subtract(
            mask, _inset_mask(layer.shape, width, height, layer.radius, stroke)
        )
        color = parse_color(layer.stroke)
        outline = Image.new("RGBA", (width, height), color)
        outline.putalpha(ImageChops.multiply(ring, Image.new("L", ring.size, color[3])))
        tile.alpha_composite(outline)
    x, y = round(layer.x), round(layer.y)
    if layer.shadow is None:
        return _Tile(x, y, image=tile)
    shadow = layer.shadow
    margin = math.ceil(shadow.blur * 1.5) + 2
    dx, dy = round(shadow.dx), round(shadow.dy)
    big_w = width + 2 * margin + abs(dx)
    big_h = height + 2 * margin + abs(dy)
    left, top = margin + max(0, -dx), margin + max(0, -dy)
    shade_alpha = Image.new("L", (big_w, big_h), 0)
    shade_alpha.paste(mask, (left + dx, top + dy))
    if shadow.blur > 0:
        shade_alpha = shade_alpha.filter(ImageFilter.GaussianBlur(shadow.blur / 2))
    color = parse_color(shadow.color)
    shade = Image.new("RGBA", (big_w, big_h), (*color[:3], 0))
    shade.putalpha(shade_alpha.point(lambda a: a * color[3] // 255))
    shade.alpha_composite(tile, (left, top))
    return _Tile(x - left, y - top, image=shade)


def _ring_mask(layer: AvatarLayer, width: int, height: int) -> Image.Image:
    shape = "circle" if layer.shape == "circle" else "rounded"
    outer = shape_mask(shape, width, height, layer.radius)
    return ImageChops.subtract(
        outer, _inset_mask(shape, width, height, layer.radius, round(layer.border_width))
    )


def _initial_disc(layer: AvatarLayer, text: str, width: int, height: int) -> Image.Image:
    """The stand-in for a missing avatar: the first character of the nickname on colour."""
    tile = Image.new("RGBA", (width, height), parse_color(layer.fallback_color))

    initial = drawable(text.strip(), fallback=False)[:1]  # a letter, drawn in the bold face
    if initial:
        size = max(8, int(min(width, height) * 0.46))
        draw = ImageDraw.Draw(tile)
        draw.text(
            (width / 2, height / 2), initial, fill="white", font=font_for(size, True), anchor="mm"
        )
    return tile


# ---------------------------------------------------------------------- text


def _text(layer: TextLayer, text: str, key: str = "") -> _Tile | None:
    """`key`: the layer's font as core.posters.fonts.font_key resolved it."""
    if not text.strip():
        return None
    box_w, box_h = layer.width, layer.height
    laid = layout_text(text, box_w, box_h, text_style(layer, key))
    font = font_for(laid.size, layer.bold, key)
    stroke = round(layer.stroke_width)
    # Room for hanging punctuation, strokes and glyphs that reach past their advance.
    pad = laid.size // 2 + stroke + 2
    width, height = math.ceil(box_w) + 2 * pad, math.ceil(box_h) + 2 * pad
    top = block_top(layer, laid)
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    stroke_mask = None
    if stroke > 0:
        stroke_mask = Image.new("L", (width, height), 0)
        stroke_draw = ImageDraw.Draw(stroke_mask)
    for index, (line, line_width) in enumerate(zip(laid.lines, laid.widths, strict=True)):
        x = line_left(layer, line_width)
        baseline = top + index * laid.advance + laid.baseline
        origin = (pad + x, pad + baseline)
        # The emoji font draws what the layer's font lacks (most lines need none).
        runs = (
            font_runs(line, laid.size, layer.bold, key)
            if needs_fallback(line, layer.bold, key)
            else None
        )
        _draw_line(draw, origin, line, font, layer.letter_spacing, runs=runs)
        if stroke_mask is not None:
            _draw_line(stroke_draw, origin, line, font, layer.letter_spacing, stroke, runs)
    color = parse_color(layer.color)
    x0, y0 = round(layer.x) - pad, round(layer.y) - pad
    if stroke_mask is None:
        if color[3] < 255:
            mask = mask.point(lambda a: a * color[3] // 255)
        return _Tile(x0, y0, color=color[:3], mask=mask)
    outline = parse_color(layer.stroke_color)
    tile = Image.new("RGBA", (width, height), (*outline[:3], 0))
    tile.putalpha(stroke_mask.point(lambda a: a * outline[3] // 255))
    face = Image.new("RGBA", (width, height), (*color[:3], 0))
    face.putalpha(mask.point(lambda a: a * color[3] // 255))
    tile.alpha_composite(face)
    return _Tile(x0, y0, image=tile)


def _draw_line(draw, origin, line, font, letter_spacing: float, stroke: int = 0, runs=None) -> None:
    """One line at its baseline; `runs` (textlayout.font_runs) when two fonts share it."""
    if runs is not None:
        x, y = origin
        for run_font, run in runs:
            _draw_line(draw, (x, y), run, run_font, letter_spacing, stroke)
            x += run_font.getlength(run) + letter_spacing * len(run)
        return
    if not letter_spacing:
        draw.text(origin, line, fill=255, font=font, anchor="ls", stroke_width=stroke)
        return
    x, y = origin
    for char in line:
        draw.text((x, y), char, fill=255, font=font, anchor="ls", stroke_width=stroke)
        x += font.getlength(char) + letter_spacing


# ---------------------------------------------------------------------- QR codes


@lru_cache(maxsize=512)
def qr_matrix(content: str, level: str) -> tuple[bytes, int]:
    """The code's modules (1 = dark), row by row without quiet zone, and modules per side."""
    code = qrcode.QRCode(error_correction=_EC_LEVELS[level], box_size=1, border=0)
    try:
        code.add_data(content)
        code.make(fit=True)
    except DataOverflowError as error:
        raise UserError(
            msg(
                "二维码内容太长（{size} 字节），纠错等级 {level} 放不下，请缩短链接",
                size=len(content.encode()),
                level=level,
            )
        ) from error
    rows = code.get_matrix()
    return bytes(1 if cell else 0 for row in rows for cell in row), len(rows)


def qr_image(
    matrix: bytes,
    modules: int,
    quiet_zone: int,
    module_px: int,
    dark: tuple[int, int, int, int],
    light: tuple[int, int, int, int],
) -> Image.Image:
    """The code with its quiet zone, each module exactly module_px × module_px pixels."""
    small = Image.frombytes("L", (modules, modules), bytes(0 if v else 255 for v in matrix))
    small = ImageOps.expand(small, border=quiet_zone, fill=255)
    big = small.resize(
        (small.width * module_px, small.height * module_px), Image.Resampling.NEAREST
    )
    if dark == (0, 0, 0, 255) and light == (255, 255, 255, 255):
        return big.convert("RGB")
    if dark[3] == 255 and light[3] == 255:
        return ImageOps.colorize(big, dark[:3], light[:3])
    luts = [[dark[c]] * 128 + [light[c]] * 128 for c in range(4)]
    return Image.merge("RGBA", [big.point(lut) for lut in luts])


def _put_logo(code: Image.Image, logo: Image.Image, code_px: int, light) -> None:
    """A logo in the middle on a light rounded pad; H error correction absorbs the loss."""
    side = max(4, int(code_px * LOGO_SHARE))
    pad = max(2, side // 10)
    picture = ImageOps.contain(logo, (side - 2 * pad, side - 2 * pad), _LANCZOS)
    plate = Image.new("RGBA", (side, side), (*light[:3], 255))
    plate.putalpha(rounded_mask(side, side, side * 0.18))
    plate.alpha_composite(picture, ((side - picture.width) // 2, (side - picture.height) // 2))
    centre = (code.width - side) // 2
    code.paste(plate, (centre, centre), plate)
