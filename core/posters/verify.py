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
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image, ImageStat

from core.common.text import msg
from core.posters.render import PlacedQr, RenderedPoster

MIN_PRINT_CM = 2.5
SCREEN_MIN_SHARE = 0.18
MIN_MODULE_PX = 3
MIN_CONTRAST = 4.0
CM_PER_INCH = 2.54


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


@dataclass(frozen=True)
class PosterCheck:
    codes: tuple[QrCheck, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Every code decoded to its content (warnings do not fail a poster)."""
        return all(code.decoded for code in self.codes)

    def problems(self) -> list[str]:
        return [
            msg(
                "二维码「{name}」无法识别（读出的是「{text}」）",
                name=code.layer_name or msg("二维码"),
                text=code.decoded_text,
            )
            if code.decoded_text
            else msg("二维码「{name}」无法识别", name=code.layer_name or msg("二维码"))
            for code in self.codes
            if not code.decoded
        ]


def verify_poster(
    rendered: RenderedPoster,
    *,
    dpi: int = 72,
    canvas: tuple[int, int] | None = None,
    image: Image.Image | None = None,
) -> PosterCheck:
    """Decode each QR code of a rendered poster from `image` (default: the rendered pixels).

    Pass `image` to check what will actually be saved, e.g. the poster after JPEG encoding.
    """
    picture = image if image is not None else rendered.image
    size = canvas or picture.size
    codes = tuple(_check(picture, placed, dpi, size) for placed in rendered.qr_codes)
    return PosterCheck(codes, tuple(w for code in codes for w in code.warnings))


def reopen_encoded(data: bytes) -> Image.Image:
    """The pixels a saved file will show (for checking a JPEG after compression)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def decode_region(image: Image.Image, box: tuple[int, int, int, int], margin: int) -> list[str]:
    """Texts of the QR codes zxing-cpp finds in `box` (grown by `margin`) of the image."""
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


def _check(image: Image.Image, placed: PlacedQr, dpi: int, canvas: tuple[int, int]) -> QrCheck:
    texts = decode_region(image, placed.box, placed.module_px * 2)
    decoded = placed.content in texts
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
    contrast = _contrast(image, placed)
    if contrast is not None:
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


def _contrast(image: Image.Image, placed: PlacedQr) -> float | None:
    """Measured from the final pixels: the mean colour of dark vs light modules."""
    if placed.rotation or not placed.matrix:
        # A turned code's modules are not on the pixel grid: judge its nominal colours.
        return contrast_ratio(placed.dark, placed.light)
    quiet = placed.quiet_zone * placed.module_px
    left, top = placed.box[0] + quiet, placed.box[1] + quiet
    side = placed.code_px
    if left < 0 or top < 0 or left + side > image.width or top + side > image.height:
        return contrast_ratio(placed.dark, placed.light)
    # One pixel per module: the box filter averages exactly the module's square.
    modules = image.crop((left, top, left + side, top + side)).convert("RGB")
    modules = modules.reduce(placed.module_px) if placed.module_px > 1 else modules
    dark_mask = Image.frombytes(
        "L", (placed.modules, placed.modules), bytes(255 if v else 0 for v in placed.matrix)
    )
    light_mask = dark_mask.point(lambda v: 255 - v)
    dark = ImageStat.Stat(modules, dark_mask).mean
    light = ImageStat.Stat(modules, light_mask).mean
    return contrast_ratio(tuple(dark), tuple(light))
