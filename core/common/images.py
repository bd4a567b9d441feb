"""Opening images that come from users: checked before decoding, normalised after.

Operators attach screenshots, phone photos and files forwarded from anywhere. A file may be
empty, not an image, cut off, or a decompression bomb (a tiny file whose header claims
billions of pixels); a photo may be CMYK, palette-based or stored sideways with an EXIF
orientation tag. Each of those becomes a clear `UserError` or a correct image here, so the
QR tracker and the poster renderer do not each learn it again.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from core.common.errors import UserError
from core.common.text import msg

if TYPE_CHECKING:  # Pillow is imported when an image is opened: start-up stays quick
    from PIL import Image

MAX_FILE_BYTES = 25 * 1024 * 1024
# A 48-megapixel phone photo fits; a header that claims 100000 × 100000 does not. Our own
# limit, checked from the header before any pixel is decoded (Pillow's global stays as it is).
MAX_PIXELS = 50_000_000
FORMATS = frozenset({"PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF"})


def read_image_file(path: Path, what: str = msg("图片")) -> bytes:
    """The bytes of a picture file the operator picked: a huge one is refused unread, an
    unreadable one in one line naming `what` and the file."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UserError(
                msg(
                    "{what}文件太大（超过 {size} MB）：{name}",
                    what=what,
                    size=MAX_FILE_BYTES // (1024 * 1024),
                    name=path.name,
                )
            )
        return path.read_bytes()
    except OSError as error:
        raise UserError(
            msg(
                "无法读取{what}文件「{name}」：{error}",
                what=what,
                name=path.name,
                error=str(error.strerror or error),
            )
        ) from error


def open_untrusted(
    data: bytes,
    *,
    what: str = msg("图片"),
    hint: str = msg("请选择 PNG 或 JPG 格式的图片"),
    max_bytes: int = MAX_FILE_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> Image.Image:
    """A fully loaded Pillow image, or a UserError saying what is wrong with the file.

    `what` names the picture in messages (e.g. 「头像」), so the operator knows which one;
    `hint` says what to pick instead when the file is no image at all. Pass both as messages
    (`msg`), so the window can show them in its language.
    """
    # Pillow on first use: the window starts without it
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise UserError(msg("{what}文件是空的", what=what))
    if len(data) > max_bytes:
        raise UserError(
            msg(
                "{what}文件太大（超过 {size} MB）",
                what=what,
                size=max(1, max_bytes // (1024 * 1024)),
            )
        )
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
    except UnidentifiedImageError as error:
        raise UserError(msg("这个文件不是图片，{hint}", hint=hint)) from error
    except Image.DecompressionBombError as error:
        raise UserError(msg("{what}尺寸过大，可能是异常文件，已拒绝", what=what)) from error
    except Exception as error:  # a damaged header: whatever the plugin raised
        raise UserError(msg("{what}文件已损坏或不完整，无法读取", what=what)) from error
    if image.format not in FORMATS:
        raise UserError(
            msg("不支持的图片格式：{format}，请使用 PNG 或 JPG", format=str(image.format))
        )
    width, height = image.size
    if width * height > max_pixels:
        raise UserError(
            msg(
                "{what}尺寸过大（{width}×{height}），请缩小后再使用",
                what=what,
                width=width,
                height=height,
            )
        )
    try:
        image.load()
    except Image.DecompressionBombError as error:
        raise UserError(msg("{what}尺寸过大，可能是异常文件，已拒绝", what=what)) from error
    except Exception as error:  # truncated data, broken zlib stream, bad chunk...
        raise UserError(msg("{what}文件已损坏或不完整，无法读取", what=what)) from error
    return image


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )


def flatten_on_white(image: Image.Image) -> Image.Image:
    """RGB or L without transparency: transparent screenshots are laid on white."""
    # Pillow on first use: the window starts without it
    from PIL import Image

    if has_alpha(image):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, "white")
        background.alpha_composite(rgba)
        return background.convert("RGB")
    return image if image.mode in ("L", "RGB") else image.convert("RGB")


def upright_rgba(image: Image.Image) -> Image.Image:
    """The photo as the camera's owner saw it, in RGBA: EXIF rotation applied, CMYK/palette/
    16-bit converted, transparency kept."""
    # Pillow on first use: the window starts without it
    from PIL import ImageOps

    image = ImageOps.exif_transpose(image)
    if image.mode == "RGBA":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale PNGs: scale to 8 bits rather than clipping at 255.
        image = image.point(lambda v: v / 256).convert("L")
    if image.mode == "CMYK":
        image = image.convert("RGB")
    return image.convert("RGBA")


def load_untrusted_rgba(data: bytes, *, what: str = msg("图片")) -> Image.Image:
    """open_untrusted + upright_rgba: what a poster layer needs from a user's file."""
    image = open_untrusted(data, what=what)
    try:
        return upright_rgba(image)
    except Exception as error:  # a broken EXIF block, an exotic mode
        raise UserError(msg("{what}文件无法转换，请另存为 PNG 或 JPG 后再试", what=what)) from error
