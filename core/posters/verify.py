"""Reading every rendered QR code back before a poster is saved.

A poster whose code does not scan wastes the operator's campaign, and the failure shows only
when a customer tries it. So each code is decoded from the *final* pixels (after every layer
above it is composed, and after JPEG compression when saving as JPEG) with zxing-cpp, and
compared with the content it was meant to carry.

Warnings, besides decoding:
- size: on a print canvas (dpi ≥ 150, e.g. A4 at 300 dpi) the code must be at least 2.5 cm
  wide without its quiet zone (295 px at 300 dpi). A screen poster has no centimetres; it is
  seen on a phone about 6.5 cm wide and often scanned from another phone's screen, so the code
  should take at least 18% of the canvas' shorter side (≈1.2 cm on that phone; 194 px on a
  1080 px wide poster), and each module at least 3 px, because WeChat recompresses shared
  pictures and finer modules smear.
- contrast: the WCAG luminance contrast ratio between the dark and the light modules, measured
  from the final pixels, must be at least 4:1; lighter "dark" modules than "light" ones
  (an inverted code) are warned about as well, since many scanners do not read them.

Covered codes: given the template, the check knows the layers drawn above each code. Modules
(quiet zone included) whose final colour is no longer the code's own colour, under one of
those layers, are covered by it: a code that does not decode because of them is reported as
covered, naming the layers, and covered modules are left out of the contrast measurement (a
white card over a black-on-white code is neither "inverted" nor "low contrast").
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageDraw, ImageStat

from core.common.joins import joined_list
from core.common.text import msg
from core.posters.render import PlacedQr, RenderedPoster
from core.posters.template import Layer, Template

MIN_PRINT_CM = 2.5
SCREEN_MIN_SHARE = 0.18
MIN_MODULE_PX = 3
MIN_CONTRAST = 4.0
CM_PER_INCH = 2.54
# A module is covered when its colour moved this share of the way from its own colour
# towards anything else (JPEG noise and anti-aliased edges stay well below).
COVER_SHARE = 0.35
COVER_MIN_LEVEL = 24  # grey levels, for codes whose own dark and light are close

Box = tuple[float, float, float, float]  # left, top, right, bottom on the canvas


@dataclass(frozen=True)
class QrCheck:
    layer_name: str
    content: str  # what the code should say
    decoded: bool  # decoded, and to exactly that content
    decoded_text: str | None
    size_px: int
    size_cm: float | None  # at print size; None on a screen canvas
    contrast: float | None
    warnings: tuple[str, ...] = ()
    covered_by: tuple[str, ...] = ()  # names of the layers above that hide part of it

    @property
    def problem(self) -> str | None:
        """Why the code does not scan, or None when it does."""
        name = self.layer_name or msg("二维码")
        if self.decoded:
            return None
        if self.covered_by:
            return msg(
                "二维码「{name}」被其他图层遮住（{layers}），扫不出来："
                "请把二维码移到这些图层上面，或移开它们",
                name=name,
                layers=joined_list(self.covered_by),
            )
        if self.decoded_text:
            return msg(
                "二维码「{name}」无法识别（读出的是「{text}」）", name=name, text=self.decoded_text
            )
        return msg("二维码「{name}」无法识别", name=name)


@dataclass(frozen=True)
class PosterCheck:
    codes: tuple[QrCheck, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Every code decoded to its content (warnings do not fail a poster)."""
        return all(code.decoded for code in self.codes)

    def problems(self) -> list[str]:
        return [code.problem for code in self.codes if code.problem]


def verify_poster(
    rendered: RenderedPoster,
    *,
    dpi: int = 72,
    canvas: tuple[int, int] | None = None,
    image: Image.Image | None = None,
    template: Template | None = None,
) -> PosterCheck:
    """Decode each QR code of a rendered poster from `image` (default: the rendered pixels).

    Pass `image` to check what will actually be saved, e.g. the poster after JPEG encoding,
    and the `template` it was rendered from to tell a covered code from a badly coloured one.
    """
    picture = image if image is not None else rendered.image
    size = canvas or picture.size
    codes = tuple(
        _check(picture, placed, dpi, size, layers_above(template, placed) if template else [])
        for placed in rendered.qr_codes
    )
    return PosterCheck(codes, tuple(w for code in codes for w in code.warnings))


def reopen_encoded(data: bytes) -> Image.Image:
    """The pixels a saved file will show (for checking a JPEG after compression)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def decode_region(image: Image.Image, box: tuple[int, int, int, int], margin: int) -> list[str]:
    """Texts of the QR codes zxing-cpp finds in `box` (grown by `margin`) of the image."""
    # the decoder only when a poster is checked (start-up)
    import zxingcpp

    left, top, right, bottom = box
    region = image.crop(
        (
            max(0, left - margin),
            max(0, top - margin),
            min(image.width, right + margin),
            min(image.height, bottom + margin),
        )
    )
    grey = region.convert("L")
    found = zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode)
    return [result.text for result in found if result.valid]


def _check(
    image: Image.Image,
    placed: PlacedQr,
    dpi: int,
    canvas: tuple[int, int],
    above: list[tuple[str, Box]],
) -> QrCheck:
    texts = decode_region(image, placed.box, placed.module_px * 2)
    decoded = placed.content in texts
    grid = _module_grid(image, placed)
    covered_by, hidden = _covering(grid, placed, above)
    name = placed.layer_name or msg("二维码")
    warnings: list[str] = []
    size_px = placed.code_px
    size_cm = None
    if dpi >= 150:
        size_cm = size_px / dpi * CM_PER_INCH
        if size_cm < MIN_PRINT_CM:
            warnings.append(
                msg(
                    "二维码「{name}」打印后只有 {size:.1f} 厘米宽，建议至少 {least} 厘米"
                    "（{dpi} dpi 下 {pixels} 像素）",
                    name=name,
                    size=size_cm,
                    least=MIN_PRINT_CM,
                    dpi=dpi,
                    pixels=round(MIN_PRINT_CM / CM_PER_INCH * dpi),
                )
            )
    else:
        need = round(SCREEN_MIN_SHARE * min(canvas))
        if size_px < need:
            warnings.append(
                msg(
                    "二维码「{name}」只有 {size} 像素宽，在手机上太小，建议至少 {least} 像素"
                    "（画面较短边的 {share}%）",
                    name=name,
                    size=size_px,
                    least=need,
                    share=round(SCREEN_MIN_SHARE * 100),
                )
            )
        if placed.module_px < MIN_MODULE_PX:
            warnings.append(
                msg(
                    "二维码「{name}」每个方块只有 {pixels} 像素，微信压缩后可能扫不出，"
                    "请放大二维码或缩短链接",
                    name=name,
                    pixels=placed.module_px,
                )
            )
    contrast = _contrast(grid, placed, hidden)
    # A code hidden so that it does not scan has one problem, the cover: what still shows of
    # it (or of the layer over it) says nothing about its colours.
    if contrast is not None and not (covered_by and not decoded):
        if contrast < 0:
            warnings.append(
                msg("二维码「{name}」颜色反了（深色块比背景浅），很多手机扫不出", name=name)
            )
        elif contrast < MIN_CONTRAST:
            warnings.append(
                msg(
                    "二维码「{name}」与背景的对比度只有 {contrast:.1f}:1，"
                    "建议至少 {least:.0f}:1（深色码、浅色底）",
                    name=name,
                    contrast=contrast,
                    least=MIN_CONTRAST,
                )
            )
    return QrCheck(
        layer_name=placed.layer_name,
        content=placed.content,
        decoded=decoded,
        decoded_text=texts[0] if texts else None,
        size_px=size_px,
        size_cm=round(size_cm, 2) if size_cm is not None else None,
        contrast=round(abs(contrast), 2) if contrast is not None else None,
        warnings=tuple(warnings),
        covered_by=covered_by,
    )


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0..255 channels)."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(dark: tuple[float, ...], light: tuple[float, ...]) -> float:
    """(L_light + 0.05) / (L_dark + 0.05); negative when the 'dark' colour is the lighter one."""
    l_dark, l_light = relative_luminance(dark[:3]), relative_luminance(light[:3])
    if l_dark > l_light:
        return -(l_dark + 0.05) / (l_light + 0.05)
    return (l_light + 0.05) / (l_dark + 0.05)


def layers_above(template: Template, placed: PlacedQr) -> list[tuple[str, Box]]:
    """The visible layers drawn after the code's own layer whose footprint meets its box."""
    own = _own_layer(template.layers, placed)
    if own is None:
        return []
    found = []
    for number, layer in enumerate(template.layers[own + 1 :], start=own + 2):
        box = _footprint(layer, template)
        if layer.visible and _overlap(box, placed.box):
            # Numbered from the back, as the template's own messages count layers.
            found.append((layer.name or msg("第 {index} 个图层（未命名）", index=number), box))
    return found


def _own_layer(layers: list[Layer], placed: PlacedQr) -> int | None:
    """The code's layer: a QR layer of that name, centred where the code was drawn."""
    cx, cy = (placed.box[0] + placed.box[2]) / 2, (placed.box[1] + placed.box[3]) / 2
    candidates = [
        (abs(layer.x + layer.width / 2 - cx) + abs(layer.y + layer.height / 2 - cy), index)
        for index, layer in enumerate(layers)
        if layer.kind == "qr" and layer.visible and layer.name == placed.layer_name
    ]
    return min(candidates)[1] if candidates else None


def _footprint(layer: Layer, template: Template) -> Box:
    """Where a layer may paint: its box (its rotated box's bounds), with shadow and stroke."""
    if layer.kind == "background":
        return (0, 0, template.width, template.height)
    left, top = layer.x, layer.y
    right, bottom = layer.x + layer.width, layer.y + layer.height
    if layer.rotation % 360:
        cx, cy = (left + right) / 2, (top + bottom) / 2
        turn = math.radians(layer.rotation)
        half_w = (abs(layer.width * math.cos(turn)) + abs(layer.height * math.sin(turn))) / 2
        half_h = (abs(layer.width * math.sin(turn)) + abs(layer.height * math.cos(turn))) / 2
        left, top, right, bottom = cx - half_w, cy - half_h, cx + half_w, cy + half_h
    grow = float(getattr(layer, "stroke_width", 0) or 0)
    shadow = getattr(layer, "shadow", None)
    if shadow is not None:
        grow += 3 * shadow.blur + max(abs(shadow.dx), abs(shadow.dy))
    return (left - grow, top - grow, right + grow, bottom + grow)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _module_grid(image: Image.Image, placed: PlacedQr) -> Image.Image | None:
    """The code with its quiet zone from the final pixels, one pixel per module; None for a
    turned code (its modules are off the pixel grid) or one reaching past the canvas (a
    quiet zone past the edge reads as black)."""
    if placed.rotation or not placed.matrix:
        return None
    quiet = placed.quiet_zone * placed.module_px
    left, top = placed.box[0] + quiet, placed.box[1] + quiet
    side = placed.code_px
    if left < 0 or top < 0 or left + side > image.width or top + side > image.height:
        return None
    # The box filter averages exactly each module's square.
    grid = image.crop(placed.box).convert("RGB")
    return grid.reduce(placed.module_px) if placed.module_px > 1 else grid


def _own_colours(placed: PlacedQr) -> Image.Image:
    """The code as drawn, one pixel per module, quiet zone included (dark modules: 255)."""
    q, n = placed.quiet_zone, placed.modules
    dark = Image.new("L", (n + 2 * q, n + 2 * q), 0)
    dark.paste(Image.frombytes("L", (n, n), bytes(255 if v else 0 for v in placed.matrix)), (q, q))
    return dark


def _covering(
    grid: Image.Image | None, placed: PlacedQr, above: list[tuple[str, Box]]
) -> tuple[tuple[str, ...], Image.Image | None]:
    """The layers above that hide modules of the code, and those modules (a mask of the grid).

    Without the final module colours to compare (a turned code, or see-through colours), every
    layer above is taken as covering and no module is left out of the contrast."""
    if not above:
        return (), None
    opaque = placed.dark[3] == 255 and placed.light[3] == 255
    if grid is None or not opaque:
        return tuple(dict.fromkeys(name for name, _box in above)), None
    dark_mask = _own_colours(placed)
    own = Image.composite(
        Image.new("RGB", grid.size, placed.dark[:3]),
        Image.new("RGB", grid.size, placed.light[:3]),
        dark_mask,
    )
    moved = ImageChops.difference(grid, own).convert("L")
    # Pillow's own grey of the colour difference (as `moved` is measured).
    spread = [abs(d - c) for d, c in zip(placed.dark[:3], placed.light[:3], strict=True)]
    grey = (299 * spread[0] + 587 * spread[1] + 114 * spread[2]) / 1000
    level = max(COVER_MIN_LEVEL, round(COVER_SHARE * grey))
    changed = moved.point(lambda v: 255 if v >= level else 0)
    hidden = Image.new("L", grid.size, 0)
    names = []
    step = placed.module_px
    for name, box in above:
        area = Image.new("L", grid.size, 0)
        # Modules whose square meets the layer's footprint.
        first_x = max(0, math.floor((box[0] - placed.box[0]) / step))
        first_y = max(0, math.floor((box[1] - placed.box[1]) / step))
        last_x = min(grid.width - 1, math.ceil((box[2] - placed.box[0]) / step) - 1)
        last_y = min(grid.height - 1, math.ceil((box[3] - placed.box[1]) / step) - 1)
        if first_x > last_x or first_y > last_y:
            continue
        ImageDraw.Draw(area).rectangle((first_x, first_y, last_x, last_y), fill=255)
        under = ImageChops.multiply(changed, area)
        if under.getbbox() is not None:
            names.append(name)
            hidden = ImageChops.lighter(hidden, under)
    return tuple(dict.fromkeys(names)), hidden if names else None


def _contrast(
    grid: Image.Image | None, placed: PlacedQr, hidden: Image.Image | None
) -> float | None:
    """Measured from the final pixels: the mean colour of dark vs light modules, leaving out
    the quiet zone and the modules a layer above hides. None when nothing is left to see."""
    if grid is None:
        # A turned code's modules are not on the pixel grid: judge its nominal colours.
        return contrast_ratio(placed.dark, placed.light)
    dark_mask = _own_colours(placed)
    code = Image.new("L", grid.size, 0)
    q, n = placed.quiet_zone, placed.modules
    code.paste(255, (q, q, q + n, q + n))
    light_mask = ImageChops.subtract(code, dark_mask)
    if hidden is not None:
        dark_mask = ImageChops.subtract(dark_mask, hidden)
        light_mask = ImageChops.subtract(light_mask, hidden)
    if dark_mask.getbbox() is None or light_mask.getbbox() is None:
        return None
    dark = ImageStat.Stat(grid, dark_mask).mean
    light = ImageStat.Stat(grid, light_mask).mean
    return contrast_ratio(tuple(dark), tuple(light))
